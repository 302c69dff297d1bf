// Hashed features for the built-in classifiers, computed on normalised text without building
// substrings: Latin word unigrams and bigrams, character 3–5-grams inside Latin words, CJK
// character 1–3-grams, punctuation uni/bigrams, bilingual concept ids (so weights learnt from
// English data also fire on Chinese text that expresses the same concept), and a few shape
// buckets. The vector is binary (feature present or not) and L2-normalised.
import { AhoCorasick } from './aho.ts';
import { normaliseTerm } from './normalise.ts';
import { readTsv } from './data.ts';

export interface FeatureConfig {
  /** log2 of the hashed feature space. */
  bits: number;
  /** Surface features: words, word bigrams, character and CJK n-grams, punctuation, shape. */
  ngrams: boolean;
  cjkMax: number; // longest CJK n-gram
  charMin: number;
  charMax: number;
  concepts: boolean;
  /** Pairs of co-occurring concepts (e.g. how-to ∧ explosive). */
  conceptPairs: boolean;
  /** Blank out request-frame words (data/guard/frames.tsv) before the surface features. */
  maskFrames?: boolean;
  /** Skip punctuation n-grams and shape buckets (style cues that differ between datasets). */
  noStyle?: boolean;
}

/** Surface n-grams plus concepts. */
export const DEFAULT_FEATURES: FeatureConfig = { bits: 18, ngrams: true, cjkMax: 3, charMin: 3, charMax: 5, concepts: true, conceptPairs: false };
/** Concepts and concept pairs only: language-independent, generalises across datasets. */
export const CONCEPT_FEATURES: FeatureConfig = { bits: 14, ngrams: false, cjkMax: 0, charMin: 0, charMax: 0, concepts: true, conceptPairs: true };

// ---- concepts: data/guard/concepts.tsv (concept id, surface form)
let conceptAc: AhoCorasick | undefined;
let conceptIds: Int32Array = new Int32Array(0);
let conceptBounds: Uint8Array = new Uint8Array(0);
/** kind of each concept id: inj, harm or ctx (third column of concepts.tsv). */
let conceptKinds: string[] = [];
export let conceptNames: string[] = [];

function loadConcepts(): void {
  if (conceptAc) return;
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
  conceptNames = [...names.keys()];
  conceptKinds = kinds;
  conceptIds = Int32Array.from(ids);
  conceptBounds = Uint8Array.from(pats, (p) => (isWord(p.charCodeAt(0)) ? 1 : 0) | (isWord(p.charCodeAt(p.length - 1)) ? 2 : 0));
  conceptAc = AhoCorasick.build(pats);
}

// ---- request frames: data/guard/frames.tsv
let frameAc: AhoCorasick | undefined;
let frameBounds: Uint8Array = new Uint8Array(0);
function loadFrames(): void {
  if (frameAc) return;
  const pats = [...new Set(readTsv('frames.tsv').map((r) => normaliseTerm(r[0]!)).filter(Boolean))];
  frameBounds = Uint8Array.from(pats, (p) => (isWord(p.charCodeAt(0)) ? 1 : 0) | (isWord(p.charCodeAt(p.length - 1)) ? 2 : 0));
  frameAc = AhoCorasick.build(pats);
}

/** `t` with request-frame words replaced by spaces (same length). */
export function maskFrames(t: string): string {
  loadFrames();
  const ac = frameAc!;
  const m = ac.scan(t);
  if (m === 0) return t;
  const codes = new Uint16Array(t.length);
  for (let i = 0; i < t.length; i++) codes[i] = t.charCodeAt(i);
  for (let k = 0; k < m; k++) {
    const p = ac.matchPattern(k);
    const e = ac.matchEnd(k), s = e - ac.patternLength(p);
    const b = frameBounds[p]!;
    if ((b & 1) && s > 0 && isWord(t.charCodeAt(s - 1))) continue;
    if ((b & 2) && e < t.length && isWord(t.charCodeAt(e))) continue;
    codes.fill(0x20, s, e);
  }
  return new TextDecoder('utf-16le').decode(codes);
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

/** Sparse feature vector: unique indices and their (equal, L2-normalised) value. */
export interface SparseVec { idx: Int32Array; n: number; value: number }

export class Featurizer {
  readonly cfg: FeatureConfig;
  readonly dim: number;
  private readonly mask: number;
  private seen: Uint32Array; // bitset over the hashed space
  private idx = new Int32Array(4096);
  private n = 0;

  constructor(cfg: FeatureConfig = DEFAULT_FEATURES) {
    this.cfg = cfg;
    this.dim = 1 << cfg.bits;
    this.mask = this.dim - 1;
    this.seen = new Uint32Array(Math.max(1, this.dim >>> 5));
    if (cfg.concepts) loadConcepts();
  }

  private add(h: number): void {
    const i = fin(h) & this.mask;
    const w = i >>> 5, b = 1 << (i & 31);
    if (this.seen[w]! & b) return;
    this.seen[w]! |= b;
    if (this.n === this.idx.length) { const g = new Int32Array(this.n * 2); g.set(this.idx); this.idx = g; }
    this.idx[this.n++] = i;
  }

  /** Features of an already normalised text. The returned indices are a fresh copy. */
  extract(text: string): SparseVec {
    this.n = 0;
    this.present.length = 0;
    const t = this.cfg.maskFrames ? maskFrames(text) : text;
    const len = t.length;
    const { cjkMax, charMin, charMax } = this.cfg;
    let prevWord = 0; // hash of previous word in the sentence, 0 = none
    let prevSym = -1;
    let words = 0, cjk = 0, syms = 0, digits = 0, lines = 0, oddTokens = 0;
    let i = this.cfg.ngrams ? 0 : len;
    while (i < len) {
      const c = t.charCodeAt(i);
      if (isWord(c)) {
        let j = i;
        let hw = mix(FNV, 1);
        let hasSym = false;
        while (j < len && isWord(t.charCodeAt(j))) { const d = t.charCodeAt(j); if (d >= 0x30 && d <= 0x39) digits++; hw = mix(hw, d); j++; }
        // token glued to symbols on both sides (typical of optimised adversarial suffixes)
        if (i > 0 && j < len) {
          const a = t.charCodeAt(i - 1), b = t.charCodeAt(j);
          hasSym = !isSpaceLike(a) && !isWord(a) && !isCjk(a) && !isSpaceLike(b) && !isWord(b) && !isCjk(b);
        }
        if (hasSym) oddTokens++;
        words++;
        this.add(hw);
        if (prevWord !== 0) this.add(mix(mix(mix(FNV, 2), prevWord), hw));
        prevWord = hw;
        // char n-grams of "<word>" (first 24 chars)
        const end = Math.min(j, i + 24);
        const wl = end - i + 2;
        // rolling: one pass per start position covers every length charMin..charMax
        if (charMax > 0) {
          for (let s = 0; s + charMin <= wl; s++) {
            let h = mix(FNV, 10);
            for (let n = 1; n <= charMax && s + n <= wl; n++) {
              const k = s + n - 1, p = k - 1 + i;
              h = mix(h, k === 0 ? 0x3c : p >= end ? 0x3e : t.charCodeAt(p));
              if (n >= charMin) this.add(mix(h, n));
            }
          }
        }
        prevSym = -1;
        i = j;
        continue;
      }
      if (isCjk(c)) {
        let j = i;
        while (j < len && isCjk(t.charCodeAt(j))) j++;
        cjk += j - i;
        for (let s = i; s < j; s++) {
          let h = mix(FNV, 20);
          for (let n = 1; n <= cjkMax && s + n <= j; n++) {
            h = mix(h, t.charCodeAt(s + n - 1));
            this.add(mix(h, n));
          }
        }
        // run boundaries
        this.add(mix(mix(FNV, 21), t.charCodeAt(i)));
        this.add(mix(mix(FNV, 22), t.charCodeAt(j - 1)));
        prevWord = 0;
        prevSym = -1;
        i = j;
        continue;
      }
      if (c === 0x0a) lines++;
      if (!isSpaceLike(c)) {
        syms++;
        if (!this.cfg.noStyle) {
          this.add(mix(mix(FNV, 30), c));
          if (prevSym >= 0) this.add(mix(mix(mix(FNV, 31), prevSym), c));
        }
        prevSym = c;
        if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x3002 || c === 0xff01 || c === 0xff1f) prevWord = 0;
      } else if (c === 0x0a) prevWord = 0;
      i++;
    }
    // shape buckets
    const total = Math.max(1, len);
    if (this.cfg.ngrams && !this.cfg.noStyle) this.addShape(total, syms, lines, oddTokens, cjk, words, digits);
    // concepts
    if (this.cfg.concepts && conceptAc) this.addConcepts(text, text.length);
    const out = this.idx.slice(0, this.n);
    for (let k = 0; k < this.n; k++) this.seen[out[k]! >>> 5] = 0;
    return { idx: out, n: this.n, value: this.n ? 1 / Math.sqrt(this.n) : 0 };
  }

  private addShape(total: number, syms: number, lines: number, oddTokens: number, cjk: number, words: number, digits: number): void {
    this.add(mix(mix(FNV, 40), Math.min(15, Math.floor(Math.log2(total + 1)))));
    this.add(mix(mix(FNV, 41), Math.min(10, Math.floor((10 * syms) / total))));
    this.add(mix(mix(FNV, 42), Math.min(6, lines)));
    this.add(mix(mix(FNV, 43), Math.min(8, oddTokens)));
    this.add(mix(mix(FNV, 44), cjk > words ? 1 : 0));
    this.add(mix(mix(FNV, 45), Math.min(5, Math.floor((20 * digits) / total))));
  }

  private readonly present: number[] = [];
  /** Concept ids found by the last extract() (when concepts are on). */
  get lastConcepts(): readonly number[] { return this.present; }
  /** True when the last extract() found a concept of this kind (`harm`, `inj`, `ctx`). */
  lastHasKind(kind: string): boolean {
    for (const id of this.present) if (conceptKinds[id] === kind) return true;
    return false;
  }

  private addConcepts(t: string, len: number): void {
    const ac = conceptAc!;
    const present = this.present;
    present.length = 0;
    const m = ac.scan(t);
    for (let k = 0; k < m; k++) {
      const p = ac.matchPattern(k);
      const e = ac.matchEnd(k), s = e - ac.patternLength(p);
      const b = conceptBounds[p]!;
      if ((b & 1) && s > 0 && isWord(t.charCodeAt(s - 1))) continue;
      if ((b & 2) && e < len && isWord(t.charCodeAt(e)) && !(t.charCodeAt(e) === 0x73 && !(e + 1 < len && isWord(t.charCodeAt(e + 1))))) continue;
      const id = conceptIds[p]!;
      if (!present.includes(id)) present.push(id);
    }
    for (const id of present) this.add(mix(mix(FNV, 50), id));
    if (this.cfg.conceptPairs) {
      present.sort((a, b) => a - b);
      for (let a = 0; a < present.length; a++) {
        for (let b = a + 1; b < present.length; b++) this.add(mix(mix(mix(FNV, 51), present[a]!), present[b]!));
      }
      this.add(mix(mix(FNV, 52), Math.min(8, present.length)));
    }
  }
}