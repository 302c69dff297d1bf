/**
 * A compact set of 52-bit id hashes: open addressing in a Float64Array (8 bytes a slot, load ≤ ½),
 * about 16 MB for a million ids where a Set<number> of heap numbers takes several times that.
 * Used for duplicate-id checks and the resume done-set.
 */
export class HashSet52 {
  private slots: Float64Array;
  private count = 0;
  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.slots = new Float64Array(cap).fill(-1);
  }
  get size(): number {
    return this.count;
  }
  private index(h: number, slots: Float64Array): number {
    const mask = slots.length - 1;
    let i = (h ^ (h / 0x100000000)) & mask;
    while (slots[i] !== -1 && slots[i] !== h) i = (i + 1) & mask;
    return i;
  }
  has(h: number): boolean {
    return this.slots[this.index(h, this.slots)] === h;
  }
  /** Adds h; returns false when it was already present. */
  add(h: number): boolean {
    const i = this.index(h, this.slots);
    if (this.slots[i] === h) return false;
    this.slots[i] = h;
    this.count++;
    if (this.count * 2 > this.slots.length) this.grow();
    return true;
  }
  private grow(): void {
    const old = this.slots;
    const next = new Float64Array(old.length * 2).fill(-1);
    for (let j = 0; j < old.length; j++) {
      const h = old[j]!;
      if (h !== -1) next[this.index(h, next)] = h;
    }
    this.slots = next;
  }
}
