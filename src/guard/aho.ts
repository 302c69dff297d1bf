// A typed-array Aho–Corasick automaton over UTF-16 code units.
//
// Layout: characters are first mapped to dense class ids (0 = occurs in no pattern, which sends
// the automaton back to the root at once). The root has a dense transition row. Everything a
// scan needs about a state sits in one 16-byte record (`rec`), so a step touches one cache line:
// most states of a trie have a single child (the rest of one pattern), stored inline; for states
// with several children the record holds a 32-bit filter of their classes, so most absent
// transitions are rejected without probing the hash table that holds those edges (key and
// target interleaved there too); then the failure link and the first state to report. Failure links and dictionary-suffix links are computed
// breadth-first, so a scan reports every occurrence of every pattern, including overlapping
// ones, in O(text + matches).

const EMPTY = -1;
/** Largest dense ASCII table (states × ASCII classes), 4 bytes each: 4 MB. */
const DFA_MAX_ENTRIES = 1 << 20;

export class AhoCorasick {
  /** Number of distinct patterns (ids 0..size-1, in the order given to build()). */
  readonly size: number;
  readonly states: number;
  private readonly alpha: Uint16Array; // code unit -> class id
  private readonly root: Int32Array; // class -> state (0 = stay at root)
  /** Per state s at 4s: [class of its only child (0 = none, -1 = several), that child or the
   * class filter of the several, failure link, first state to report (0 = none)]. */
  private readonly rec: Int32Array;
  /** Small automata only: dfa[s * width + cls] for ASCII classes (cls < width). */
  private readonly dfa: Int32Array | undefined;
  private readonly width: number;
  /** Edges of states with several children: [state, class, next, 0] per slot. */
  private readonly tab: Int32Array;
  private readonly tMask: number;
  private readonly fail: Int32Array;
  private readonly out: Int32Array; // pattern id ending exactly here, or -1
  private readonly dict: Int32Array; // nearest suffix state with out >= 0, or 0
  private readonly depth: Int32Array;
  private readonly lens: Int32Array;
  // scratch for scans
  private mEnd = new Int32Array(256);
  private mPat = new Int32Array(256);

  private constructor(f: {
    dfa: Int32Array | undefined; width: number;
    size: number; states: number; alpha: Uint16Array; root: Int32Array; rec: Int32Array; tab: Int32Array;
    fail: Int32Array; out: Int32Array; dict: Int32Array; depth: Int32Array; lens: Int32Array;
  }) {
    this.size = f.size; this.states = f.states; this.alpha = f.alpha; this.root = f.root;
    this.rec = f.rec; this.tab = f.tab; this.dfa = f.dfa; this.width = f.width; this.tMask = (f.tab.length >> 2) - 1;
    this.fail = f.fail; this.out = f.out; this.dict = f.dict; this.depth = f.depth; this.lens = f.lens;
  }

  /** Build from patterns. Duplicate or empty patterns are allowed: an empty one never matches,
   * and for duplicates the first id wins (callers should deduplicate and keep their own lists). */
  static build(patterns: readonly string[]): AhoCorasick {
    const alpha = new Uint16Array(65536);
    let classes = 0;
    let total = 1;
    // ASCII characters get the lowest class ids (1..asciiClasses): small automata keep a dense
    // table for those (see `dfa`)
    for (const p of patterns) {
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (c < 128 && alpha[c] === 0) alpha[c] = ++classes;
      }
    }
    const asciiClasses = classes;
    for (const p of patterns) {
      total += p.length;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (alpha[c] === 0) {
          if (classes >= 65534) throw new Error('aho-corasick: too many distinct characters');
          alpha[c] = ++classes;
        }
      }
    }
    // trie with first-child / next-sibling lists, edges in a hash table
    const cap = total;
    const firstChild = new Int32Array(cap).fill(EMPTY);
    const sibling = new Int32Array(cap).fill(EMPTY);
    const nodeCls = new Int32Array(cap);
    const out = new Int32Array(cap).fill(EMPTY);
    const depth = new Int32Array(cap);
    let hsize = 1;
    while (hsize < total * 2) hsize <<= 1;
    const hState = new Int32Array(hsize).fill(EMPTY);
    const hCls = new Int32Array(hsize);
    const hNext = new Int32Array(hsize);
    const mask = hsize - 1;
    const root = new Int32Array(classes + 1);
    let states = 1;
    for (let pid = 0; pid < patterns.length; pid++) {
      const p = patterns[pid]!;
      if (p.length === 0) continue;
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const cls = alpha[p.charCodeAt(i)]!;
        let nx: number;
        if (s === 0) {
          nx = root[cls]!;
          if (nx === 0) { nx = states++; root[cls] = nx; link(s, nx, cls); }
        } else {
          let h = hash(s, cls) & mask;
          nx = EMPTY;
          while (hState[h] !== EMPTY) {
            if (hState[h] === s && hCls[h] === cls) { nx = hNext[h]!; break; }
            h = (h + 1) & mask;
          }
          if (nx === EMPTY) {
            nx = states++;
            hState[h] = s; hCls[h] = cls; hNext[h] = nx;
            link(s, nx, cls);
          }
        }
        depth[nx] = i + 1;
        s = nx;
      }
      if (out[s] === EMPTY) out[s] = pid;
    }
    function link(parent: number, child: number, cls: number): void {
      nodeCls[child] = cls;
      sibling[child] = firstChild[parent]!;
      firstChild[parent] = child;
    }
    const goto = (s: number, cls: number): number => {
      if (s === 0) return root[cls]!;
      let h = hash(s, cls) & mask;
      while (hState[h] !== EMPTY) {
        if (hState[h] === s && hCls[h] === cls) return hNext[h]!;
        h = (h + 1) & mask;
      }
      return EMPTY;
    };
    // BFS for failure and dictionary links
    const fail = new Int32Array(states);
    const dict = new Int32Array(states);
    const queue = new Int32Array(states);
    let qh = 0, qt = 0;
    for (let c = firstChild[0]!; c !== EMPTY; c = sibling[c]!) { fail[c] = 0; queue[qt++] = c; }
    while (qh < qt) {
      const s = queue[qh++]!;
      for (let c = firstChild[s]!; c !== EMPTY; c = sibling[c]!) {
        const cls = nodeCls[c]!;
        let f = fail[s]!;
        let t: number;
        for (;;) {
          t = goto(f, cls);
          if (t !== EMPTY && t !== 0) break;
          if (f === 0) { t = 0; break; }
          f = fail[f]!;
        }
        fail[c] = t;
        dict[c] = out[t]! !== EMPTY ? t : dict[t]!;
        queue[qt++] = c;
      }
    }
    // Renumber states breadth-first: the states a scan visits most (shallow ones) then sit
    // together in memory (e.g. the few thousand depth-1 states of a CJK lexicon fit in cache
    // instead of being spread over the whole table in insertion order).
    const nid = new Int32Array(states);
    for (let k = 0; k < qt; k++) nid[queue[k]!] = k + 1;
    for (let c = 1; c <= classes; c++) root[c] = nid[root[c]!]!;
    const failN = new Int32Array(states), outN = new Int32Array(states).fill(EMPTY), dictN = new Int32Array(states), depthN = new Int32Array(states);
    for (let st = 1; st < states; st++) {
      const n = nid[st]!;
      failN[n] = nid[fail[st]!]!; outN[n] = out[st]!; dictN[n] = nid[dict[st]!]!; depthN[n] = depth[st]!;
    }
    // scan-time layout: one record per state, hash table for states with several children
    const rec = new Int32Array(states * 4);
    let multiEdges = 0;
    for (let st = 1; st < states; st++) {
      const n = nid[st]!, b = 4 * n;
      rec[b + 2] = failN[n]!;
      rec[b + 3] = outN[n]! !== EMPTY ? n : dictN[n]!;
      const c = firstChild[st]!;
      if (c === EMPTY) continue;
      if (sibling[c] === EMPTY) { rec[b] = nodeCls[c]!; rec[b + 1] = nid[c]!; continue; }
      rec[b] = -1;
      for (let d = c; d !== EMPTY; d = sibling[d]!) { multiEdges++; rec[b + 1]! |= 1 << (nodeCls[d]! & 31); }
    }
    let tsize = 1;
    while (tsize < multiEdges * 2) tsize <<= 1;
    const tab = new Int32Array(tsize * 4).fill(EMPTY);
    const tmask = tsize - 1;
    for (let st = 1; st < states; st++) {
      const n = nid[st]!;
      if (rec[4 * n] !== -1) continue;
      for (let d = firstChild[st]!; d !== EMPTY; d = sibling[d]!) {
        let h = hash(n, nodeCls[d]!) & tmask;
        while (tab[h * 4] !== EMPTY) h = (h + 1) & tmask;
        tab[h * 4] = n; tab[h * 4 + 1] = nodeCls[d]!; tab[h * 4 + 2] = nid[d]!;
      }
    }
    // Dense transitions on ASCII classes, failure links resolved (a DFA row per state), when the
    // table stays small: one lookup per ASCII character instead of walking failure links.
    const width = asciiClasses + 1;
    let dfa: Int32Array | undefined;
    if (asciiClasses > 0 && states * width <= DFA_MAX_ENTRIES) {
      dfa = new Int32Array(states * width);
      for (let c = 1; c < width; c++) dfa[c] = root[c]!;
      for (let k = 0; k < qt; k++) {
        const st = queue[k]!, n = k + 1, row = n * width, frow = failN[n]! * width;
        for (let c = 1; c < width; c++) dfa[row + c] = dfa[frow + c]!;
        for (let d = firstChild[st]!; d !== EMPTY; d = sibling[d]!) if (nodeCls[d]! < width) dfa[row + nodeCls[d]!] = nid[d]!;
      }
    }
    return new AhoCorasick({
      dfa, width,
      size: patterns.length, states, alpha, root, rec, tab, fail: failN,
      out: outN, dict: dictN, depth: depthN,
      lens: Int32Array.from(patterns, (p) => p.length),
    });
  }

  /** Scan `text`; returns the number of matches, readable through matchEnd(i) / matchPattern(i)
   * until the next scan. Matches come in order of their end offset. */
  scan(text: string, from = 0, to = text.length): number {
    const { alpha, root, out, dict, rec, dfa, width } = this;
    let count = 0;
    let s = 0;
    for (let i = from; i < to; i++) {
      const cls = alpha[text.charCodeAt(i)]!;
      if (cls === 0) { s = 0; continue; }
      if (cls < width && dfa !== undefined) s = dfa[s * width + cls]!;
      else if (s === 0) s = root[cls]!;
      else if (rec[4 * s] === cls) s = rec[4 * s + 1]!; // the common single-child edge, inline
      else s = this.step(s, cls);
      if (s === 0) continue;
      let o = rec[4 * s + 3]!;
      while (o !== 0) {
        if (count === this.mEnd.length) this.grow();
        this.mEnd[count] = i + 1;
        this.mPat[count] = out[o]!;
        count++;
        o = dict[o]!;
      }
    }
    return count;
  }

  /** scan() over UTF-16 code units in a buffer (the guard's normalised text): same matches,
   * offsets are buffer positions. */
  scanCodes(codes: Uint16Array, from: number, to: number): number {
    const { alpha, root, out, dict, rec, dfa, width } = this;
    let count = 0;
    let s = 0;
    for (let i = from; i < to; i++) {
      const cls = alpha[codes[i]!]!;
      if (cls === 0) { s = 0; continue; }
      if (cls < width && dfa !== undefined) s = dfa[s * width + cls]!;
      else if (s === 0) s = root[cls]!;
      else if (rec[4 * s] === cls) s = rec[4 * s + 1]!; // the common single-child edge, inline
      else s = this.step(s, cls);
      if (s === 0) continue;
      let o = rec[4 * s + 3]!;
      while (o !== 0) {
        if (count === this.mEnd.length) this.grow();
        this.mEnd[count] = i + 1;
        this.mPat[count] = out[o]!;
        count++;
        o = dict[o]!;
      }
    }
    return count;
  }

  /** Transition from a non-root state on class `cls`, following failure links. */
  private step(s: number, cls: number): number {
    const { root, rec, tab, tMask } = this;
    const bit = 1 << (cls & 31);
    for (;;) {
      if (s === 0) return root[cls]!;
      const b = 4 * s;
      const k = rec[b]!;
      if (k === cls) return rec[b + 1]!;
      if (k < 0 && (rec[b + 1]! & bit) !== 0) {
        let h = hash(s, cls) & tMask;
        for (;;) {
          const hs = tab[h * 4]!;
          if (hs === EMPTY) break;
          if (hs === s && tab[h * 4 + 1] === cls) return tab[h * 4 + 2]!;
          h = (h + 1) & tMask;
        }
      }
      s = rec[b + 2]!;
    }
  }

  matchEnd(i: number): number { return this.mEnd[i]!; }
  matchPattern(i: number): number { return this.mPat[i]!; }
  /** Length in code units of pattern `p`. */
  patternLength(p: number): number { return this.lens[p]!; }

  /** All matches as objects (convenience; scan() avoids the allocation). */
  findAll(text: string): { start: number; end: number; pattern: number }[] {
    const n = this.scan(text);
    const res: { start: number; end: number; pattern: number }[] = [];
    for (let i = 0; i < n; i++) {
      const end = this.mEnd[i]!, pattern = this.mPat[i]!;
      res.push({ start: end - this.patternLength(pattern), end, pattern });
    }
    return res;
  }

  private grow(): void {
    const e = new Int32Array(this.mEnd.length * 2); e.set(this.mEnd); this.mEnd = e;
    const p = new Int32Array(this.mPat.length * 2); p.set(this.mPat); this.mPat = p;
  }

  /** Approximate memory held by the automaton, in bytes. */
  get bytes(): number {
    return this.alpha.byteLength + this.root.byteLength + this.rec.byteLength + this.tab.byteLength + (this.dfa?.byteLength ?? 0) +
      this.fail.byteLength + this.out.byteLength + this.dict.byteLength + this.depth.byteLength + this.lens.byteLength;
  }
}

function hash(s: number, cls: number): number {
  return (Math.imul(s, 0x9e3779b1) ^ Math.imul(cls, 0x85ebca77)) >>> 7;
}
