/**
 * Deterministic selection. Sharding keeps cases whose stable id hash falls in the shard; sampling
 * keeps a seeded fraction, or the n cases with the smallest seeded hash (independent of file
 * order, found with an O(n) pre-pass that stores numbers only).
 */
import { idHash } from '../suites/reader.ts';
import type { Case } from '../types.ts';

export interface SampleSpec {
  n?: number;
  fraction?: number;
  seed?: string;
}
export interface ShardSpec {
  index: number;
  count: number;
}

const TWO52 = 2 ** 52;

export function inShard(id: string, shard?: ShardSpec): boolean {
  if (!shard || shard.count <= 1) return true;
  return idHash(id) % shard.count === shard.index;
}

export function sampleHash(id: string, seed: string): number {
  return idHash(`${seed}\u0000${id}`);
}

export function normaliseSample(s: SampleSpec | number | undefined): (SampleSpec & { seed: string }) | undefined {
  if (s === undefined) return undefined;
  const spec: SampleSpec = typeof s === 'number' ? (s < 1 ? { fraction: s } : { n: Math.floor(s) }) : s;
  if (spec.fraction !== undefined && !(spec.fraction > 0 && spec.fraction <= 1)) throw new RangeError('sample.fraction must be in (0, 1]');
  if (spec.n !== undefined && !(spec.n >= 1)) throw new RangeError('sample.n must be ≥ 1');
  return { ...spec, seed: spec.seed ?? 'zongheng' };
}

/** Max-heap of the n smallest values. */
class TopN {
  private readonly h: number[] = [];
  constructor(private readonly n: number) {}
  push(v: number): void {
    const h = this.h;
    if (h.length < this.n) {
      h.push(v);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (h[p]! >= h[i]!) break;
        [h[p], h[i]] = [h[i]!, h[p]!];
        i = p;
      }
    } else if (v < h[0]!) {
      h[0] = v;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]! > h[m]!) m = l;
        if (r < h.length && h[r]! > h[m]!) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
  }
  /** The largest kept value (the cut-off), or +∞ when fewer than n were seen. */
  cutoff(): number {
    return this.h.length < this.n ? Infinity : this.h[0]!;
  }
}

/** Builds the predicate; for `n` it first streams the suite once to find the cut-off hash. */
export async function buildSelector(
  sample: (SampleSpec & { seed: string }) | undefined,
  shard: ShardSpec | undefined,
  prepass?: () => AsyncIterable<Case>,
): Promise<(id: string) => boolean> {
  let cutoff = Infinity;
  if (sample?.n !== undefined && prepass) {
    const top = new TopN(sample.n);
    // The sample is drawn from the whole suite, then sharded: the shards of one sampled run add up to
    // exactly n cases (drawing n per shard gave shard-count × n in distributed runs).
    for await (const c of prepass()) top.push(sampleHash(c.id, sample.seed));
    cutoff = top.cutoff();
  }
  return (id: string) => {
    if (!inShard(id, shard)) return false;
    if (!sample) return true;
    const h = sampleHash(id, sample.seed);
    if (sample.fraction !== undefined && h / TWO52 >= sample.fraction) return false;
    if (sample.n !== undefined && h > cutoff) return false;
    return true;
  };
}
