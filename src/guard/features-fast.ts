// A faster twin of features.ts for the guard's hot path. It computes the SAME hashed feature
// sets as `Featurizer.extract()` (features.ts stays the reference, used by training), but:
//   - reads UTF-16 code units straight from a buffer range (the guard's normalised buffer), so no
//     string is built per check;
//   - extracts every feature configuration a policy needs in one call, sharing the concept scan
//     between them (features.ts scans concepts once per configuration);
//   - keeps no per-call allocations: index lists live in reusable typed arrays.
// classifier-fast.ts checks this twin against the reference on probe texts when a model is
// loaded and falls back to the reference on any difference, so a change to features.ts can
// never silently change scores.
import { AhoCorasick } from './aho.ts';
import { normaliseTerm } from './normalise.ts';
import { readTsv } from './data.ts';
import type { FeatureConfig } from './features.ts';

/** Feature options this twin implements; a model using any other key falls back. */
export const SUPPORTED_FEATURE_KEYS = new Set(['bits', 'ngrams', 'cjkMax', 'charMin', 'charMax', 'concepts', 'conceptPairs', 'maskFrames', 'noStyle']);

export function supportsConfig(cfg: FeatureConfig): boolean {
  return Object.keys(cfg).every((k) => SUPPORTED_FEATURE_KEYS.has(k)) && cfg.bits >= 5 && cfg.bits <= 26;
}

function isWord(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0xc0 && c <= 0x24f) || c === 0x27;
}
function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x3040 && c <= 0x30ff) || (c >= 0xf900 && c <= 0xfaff);
}
function isSpaceLike(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d;
}

const FNV = 0x811c9dc5;
function mix(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}
function fin(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

// ---- concept and frame automata (same data and folding as features.ts)
interface ConceptTable { ac: AhoCorasick; ids: Int32Array; bounds: Uint8Array; kinds: string[] }
let concepts: ConceptTable | undefined;
function conceptTable(): ConceptTable {
  if (concepts) return concepts;
  const names = new Map<string, number>();
  const pats: string[] = [];
  const ids: number[] = [];
  const kinds: string[] = [];
  for (const [concept, form, kind] of readTsv('concepts.tsv')) {
    if (!concept || !form) continue;
    let id = names.get(concept);
    if (id === undefined) { id = names.size; names.set(concept, id); kinds.push(kind ?? 'ctx'); }
    const p = normaliseTerm(form);
    if (!p) continue;
    pats.push(p);
    ids.push(id);
  }
  const bounds = Uint8Array.from(pats, (p) => (isWord(p.charCodeAt(0)) ? 1 : 0) | (isWord(p.charCodeAt(p.length - 1)) ? 2 : 0));
  return (concepts = { ac: AhoCorasick.build(pats), ids: Int32Array.from(ids), bounds, kinds });
}
let frames: { ac: AhoCorasick; bounds: Uint8Array } | undefined;
function frameTable(): { ac: AhoCorasick; bounds: Uint8Array } {
  if (frames) return frames;
  const pats = [...new Set(readTsv('frames.tsv').map((r) => normaliseTerm(r[0]!)).filter(Boolean))];
  const bounds = Uint8Array.from(pats, (p) => (isWord(p.charCodeAt(0)) ? 1 : 0) | (isWord(p.charCodeAt(p.length - 1)) ? 2 : 0));
  return (frames = { ac: AhoCorasick.build(pats), bounds });
}

/** One feature configuration's output of the last run: unique hashed indices. */
export class FeatureSet {
  readonly cfg: FeatureConfig;
  readonly mask: number;
  idx = new Int32Array(4096);
  n = 0;
  private readonly seen: Uint32Array;
  constructor(cfg: FeatureConfig) {
    this.cfg = cfg;
    this.mask = (1 << cfg.bits) - 1;
    this.seen = new Uint32Array(Math.max(1, (1 << cfg.bits) >>> 5));
  }
  add(h: number): void {
    this.addIndex(fin(h) & this.mask);
  }
  /** Adds an already hashed and masked feature index. */
  addIndex(i: number): void {
    const w = i >>> 5, b = 1 << (i & 31);
    const s = this.seen[w]!;
    if (s & b) return;
    this.seen[w] = s | b;
    if (this.n === this.idx.length) { const g = new Int32Array(this.n * 2); g.set(this.idx); this.idx = g; }
    this.idx[this.n++] = i;
  }
  reset(): void {
    const idx = this.idx, seen = this.seen;
    for (let k = 0; k < this.n; k++) seen[idx[k]! >>> 5] = 0;
    this.n = 0;
  }
  /** Character n-gram indices per distinct word (see WordGrams). */
  readonly words = new WordGrams();
  /** The L2-normalised value of every present feature (as in features.ts). */
  get value(): number { return this.n ? 1 / Math.sqrt(this.n) : 0; }
}

/** Extracts several feature configurations from one code-unit range. */
export class FeatureEngine {
  readonly sets: FeatureSet[];
  private readonly needConcepts: boolean;
  /** Concept ids found by the last run, in order of first occurrence. */
  private present = new Int32Array(64);
  private nPresent = 0;
  private sorted = new Int32Array(64);
  private conceptSeen: Uint8Array;
  private masked = new Uint16Array(0);

  constructor(configs: readonly FeatureConfig[]) {
    this.sets = configs.map((c) => new FeatureSet(c));
    this.needConcepts = configs.some((c) => c.concepts);
    if (configs.some((c) => c.maskFrames)) frameTable();
    this.conceptSeen = new Uint8Array(this.needConcepts ? conceptTable().kinds.length : 0);
  }

  /** True when the last run found a concept of this kind (`harm`, `inj`, `ctx`). */
  hasKind(kind: string): boolean {
    if (!this.needConcepts) return false;
    const kinds = conceptTable().kinds;
    for (let k = 0; k < this.nPresent; k++) if (kinds[this.present[k]!] === kind) return true;
    return false;
  }

  /** Features of the normalised text held in codes[from, to). */
  run(codes: Uint16Array, from: number, to: number): void {
    for (const s of this.sets) s.reset();
    if (this.needConcepts) this.findConcepts(codes, from, to);
    for (const s of this.sets) {
      const cfg = s.cfg;
      if (cfg.ngrams) {
        if (cfg.maskFrames) {
          const m = this.maskFrames(codes, from, to);
          surface(s, m, 0, to - from);
        } else surface(s, codes, from, to);
      }
      if (cfg.concepts) this.addConcepts(s);
    }
  }

  private findConcepts(codes: Uint16Array, from: number, to: number): void {
    const { ac, ids, bounds } = conceptTable();
    const seen = this.conceptSeen;
    for (let k = 0; k < this.nPresent; k++) seen[this.present[k]!] = 0;
    this.nPresent = 0;
    const m = ac.scanCodes(codes, from, to);
    for (let k = 0; k < m; k++) {
      const p = ac.matchPattern(k);
      const e = ac.matchEnd(k), s = e - ac.patternLength(p);
      const b = bounds[p]!;
      if ((b & 1) && s > from && isWord(codes[s - 1]!)) continue;
      if ((b & 2) && e < to && isWord(codes[e]!) && !(codes[e] === 0x73 && !(e + 1 < to && isWord(codes[e + 1]!)))) continue;
      const id = ids[p]!;
      if (seen[id]) continue;
      seen[id] = 1;
      if (this.nPresent === this.present.length) { const g = new Int32Array(this.nPresent * 2); g.set(this.present); this.present = g; }
      this.present[this.nPresent++] = id;
    }
  }

  private addConcepts(s: FeatureSet): void {
    const n = this.nPresent, present = this.present;
    for (let k = 0; k < n; k++) s.add(mix(mix(FNV, 50), present[k]!));
    if (!s.cfg.conceptPairs) return;
    if (this.sorted.length < n) this.sorted = new Int32Array(this.present.length);
    const srt = this.sorted.subarray(0, n);
    srt.set(present.subarray(0, n));
    srt.sort();
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) s.add(mix(mix(mix(FNV, 51), srt[a]!), srt[b]!));
    }
    s.add(mix(mix(FNV, 52), Math.min(8, n)));
  }

  /** codes[from, to) with request-frame words blanked (features.ts maskFrames), as a buffer
   * starting at 0. Boundaries are tested on the unmasked text, as in the reference. */
  private maskFrames(codes: Uint16Array, from: number, to: number): Uint16Array {
    const len = to - from;
    if (this.masked.length < len) this.masked = new Uint16Array(Math.max(len, this.masked.length * 2));
    const out = this.masked;
    out.set(codes.subarray(from, to));
    const { ac, bounds } = frameTable();
    const m = ac.scanCodes(codes, from, to);
    for (let k = 0; k < m; k++) {
      const p = ac.matchPattern(k);
      const e = ac.matchEnd(k), s = e - ac.patternLength(p);
      const b = bounds[p]!;
      if ((b & 1) && s > from && isWord(codes[s - 1]!)) continue;
      if ((b & 2) && e < to && isWord(codes[e]!)) continue;
      out.fill(0x20, s - from, e - from);
    }
    return out;
  }
}

/** Surface n-grams and shape buckets of t[from, to) (the loop of Featurizer.extract, on code
 * units). */
function surface(fs: FeatureSet, t: Uint16Array, from: number, to: number): void {
  const { cjkMax, charMin, charMax } = fs.cfg;
  let words = 0, cjk = 0, syms = 0, digits = 0, lines = 0, oddTokens = 0;
  let prevWord = 0;
  let prevSym = -1;
  const noStyle = !!fs.cfg.noStyle;
  let i = from;
  while (i < to) {
    const c = t[i]!;
    if (isWord(c)) {
      let j = i;
      let hw = mix(FNV, 1);
      while (j < to) { const d = t[j]!; if (!isWord(d)) break; if (d >= 0x30 && d <= 0x39) digits++; hw = mix(hw, d); j++; }
      // token glued to symbols on both sides
      if (i > from && j < to) {
        const a = t[i - 1]!, b = t[j]!;
        if (!isSpaceLike(a) && !isWord(a) && !isCjk(a) && !isSpaceLike(b) && !isWord(b) && !isCjk(b)) oddTokens++;
      }
      words++;
      fs.add(hw);
      if (prevWord !== 0) fs.add(mix(mix(mix(FNV, 2), prevWord), hw));
      prevWord = hw;
      if (charMax > 0) {
        const end = Math.min(j, i + 24);
        const wg = fs.words;
        // the word's own hash is the memo key when it covers exactly the characters the n-grams read
        const key = end === j ? hw | 0 : WordGrams.keyOf(t, i, end);
        const hit = wg.find(key, t, i, end);
        if (hit >= 0) {
          // a word seen before: replay its n-gram indices
          const stop = wg.idxEnd[hit]!, idxs = wg.idx;
          for (let k = wg.idxStart[hit]!; k < stop; k++) fs.addIndex(idxs[k]!);
        } else {
          const rec = wg.begin(key, t, i, end, charMax - charMin + 1);
          const wl = end - i + 2;
          const h0 = mix(FNV, 10);
          const mask = fs.mask;
          for (let s = 0; s + charMin <= wl; s++) {
            let h = h0;
            for (let n = 1; n <= charMax && s + n <= wl; n++) {
              const k = s + n - 1, p = k - 1 + i;
              h = mix(h, k === 0 ? 0x3c : p >= end ? 0x3e : t[p]!);
              if (n >= charMin) {
                const x = fin(mix(h, n)) & mask;
                fs.addIndex(x);
                if (rec) wg.push(x);
              }
            }
          }
          if (rec) wg.commit();
        }
      }
      prevSym = -1;
      i = j;
      continue;
    }
    if (isCjk(c)) {
      let j = i;
      while (j < to && isCjk(t[j]!)) j++;
      cjk += j - i;
      const h0 = mix(FNV, 20);
      for (let s = i; s < j; s++) {
        let h = h0;
        for (let n = 1; n <= cjkMax && s + n <= j; n++) {
          h = mix(h, t[s + n - 1]!);
          fs.add(mix(h, n));
        }
      }
      fs.add(mix(mix(FNV, 21), t[i]!));
      fs.add(mix(mix(FNV, 22), t[j - 1]!));
      prevWord = 0;
      prevSym = -1;
      i = j;
      continue;
    }
    if (c === 0x0a) lines++;
    if (!isSpaceLike(c)) {
      syms++;
      if (!noStyle) {
        fs.add(mix(mix(FNV, 30), c));
        if (prevSym >= 0) fs.add(mix(mix(mix(FNV, 31), prevSym), c));
      }
      prevSym = c;
      if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x3002 || c === 0xff01 || c === 0xff1f) prevWord = 0;
    } else if (c === 0x0a) prevWord = 0;
    i++;
  }
  if (noStyle) return;
  const total = Math.max(1, to - from);
  fs.add(mix(mix(FNV, 40), Math.min(15, Math.floor(Math.log2(total + 1)))));
  fs.add(mix(mix(FNV, 41), Math.min(10, Math.floor((10 * syms) / total))));
  fs.add(mix(mix(FNV, 42), Math.min(6, lines)));
  fs.add(mix(mix(FNV, 43), Math.min(8, oddTokens)));
  fs.add(mix(mix(FNV, 44), cjk > words ? 1 : 0));
  fs.add(mix(mix(FNV, 45), Math.min(5, Math.floor((20 * digits) / total))));
}

/** Memo of the character n-gram indices of distinct words (their first 24 characters, which is
 * all the n-grams read). Words repeat within and across texts, so most words replay stored
 * indices instead of hashing every n-gram again; the key is the exact characters, so the result
 * is identical. Bounded: when full it is emptied and refilled. */
class WordGrams {
  private static readonly SLOTS = 1 << 13;
  private readonly hash = new Int32Array(WordGrams.SLOTS);
  private readonly used = new Uint8Array(WordGrams.SLOTS);
  private readonly charStart = new Int32Array(WordGrams.SLOTS);
  private readonly len = new Int32Array(WordGrams.SLOTS);
  readonly idxStart = new Int32Array(WordGrams.SLOTS);
  readonly idxEnd = new Int32Array(WordGrams.SLOTS);
  private readonly chars = new Uint16Array(1 << 16);
  readonly idx = new Int32Array(1 << 18);
  private charTop = 0;
  private idxTop = 0;
  private count = 0;
  private pending = -1;

  static keyOf(t: Uint16Array, from: number, to: number): number {
    let h = FNV;
    for (let k = from; k < to; k++) h = mix(h, t[k]!);
    return h | 0;
  }

  /** Slot of the word t[from, to) whose hash (any function of its characters, the same for
   * find and begin) is h, or -1. */
  find(h: number, t: Uint16Array, from: number, to: number): number {
    const L = to - from, mask = WordGrams.SLOTS - 1;
    for (let p = h & mask, probes = 0; probes < 8; p = (p + 1) & mask, probes++) {
      if (!this.used[p]) return -1;
      if (this.hash[p] !== h || this.len[p] !== L) continue;
      const c0 = this.charStart[p]!;
      let same = true;
      for (let k = 0; k < L && same; k++) same = this.chars[c0 + k] === t[from + k];
      if (same) return p;
    }
    return -1;
  }

  /** Starts recording a new word; false when it cannot be stored (then nothing is kept). */
  begin(h: number, t: Uint16Array, from: number, to: number, lengths: number): boolean {
    const L = to - from;
    // at most `lengths` n-grams per start position of "<word>"
    if (this.count >= WordGrams.SLOTS / 2 || this.charTop + L > this.chars.length || this.idxTop + (L + 2) * lengths > this.idx.length) this.clear();
    const mask = WordGrams.SLOTS - 1;
    let p = h & mask;
    let probes = 0;
    while (this.used[p] && probes < 8) { p = (p + 1) & mask; probes++; }
    if (this.used[p]) { this.pending = -1; return false; }
    this.hash[p] = h; this.len[p] = L; this.charStart[p] = this.charTop;
    this.chars.set(t.subarray(from, to), this.charTop);
    this.charTop += L;
    this.idxStart[p] = this.idxTop;
    this.pending = p;
    return true;
  }
  push(x: number): void { this.idx[this.idxTop++] = x; }
  commit(): void {
    const p = this.pending;
    if (p < 0) return;
    this.idxEnd[p] = this.idxTop;
    this.used[p] = 1;
    this.count++;
    this.pending = -1;
  }
  private clear(): void {
    this.used.fill(0);
    this.charTop = 0; this.idxTop = 0; this.count = 0; this.pending = -1;
  }
}
