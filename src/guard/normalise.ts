// Text normalisation shared by every guard tier, with an offset map back to the original.
//
// Full mode (keyword matching and classifiers), applied per code point through lazily filled
// tables (normalise-tables.ts), then two linear passes:
//   1. fold: drop zero-width / bidi / control characters; homoglyphs (Cyrillic, Greek →
//      Latin); NFKC (full width → half width, compatibility forms, maths letters); lower case;
//      strip Latin diacritics; traditional → simplified Chinese (per character, table from
//      opencc-js built by scripts/guard/build-t2s.ts).
//   2. separators: drop separators between CJK characters ("炸 药", "炸*药"), join runs of
//      three or more single characters ("b.o.m.b", "b o m b"), drop '*' inside a Latin word,
//      collapse whitespace runs.
//   3. leetspeak: digits inside a word with at least two letters, and @ ! | between word
//      characters, become letters ("b0mb", "k!ll").
// Light mode (PII and user regexes) only removes invisible characters and folds full-width
// ASCII and the ideographic space, so digits and punctuation keep their meaning.
//
// Speed (the guard normalises every request): the input is copied once into a UTF-16 buffer
// (Buffer.write is a memcpy; reading a typed array is much cheaper than charCodeAt on sliced
// or concatenated strings) and every pass runs on typed arrays. Only the start offset of each
// output unit is recorded: its end is start + width of the code point there. The guard uses
// lazy views (normaliseView): the string and the offset maps are built only when asked for.
//
// map[i] / ends[i] give the original [start, end) of normalised UTF-16 unit i.
import * as tables from './normalise-tables.ts';

// Local bindings of the tables: when a module is loaded as CommonJS through tsx (e.g. required
// from a .cjs/.ts file outside this package), imported bindings become getter calls, which cost
// 40% of the normaliser's time in such a harness; local constants are free either way.
const { fillBmp, foldAstral, fullBmp, leet, leetInner, lightBmp, lightChanges, multi } = tables;
const NOT_YET = tables.NOT_YET, MULTI_BASE = tables.MULTI_BASE;

export interface Normalised {
  /** The normalised text. */
  text: string;
  /** map[i] = offset in the original text where normalised unit i comes from. */
  map: Uint32Array;
  /** ends[i] = end offset (exclusive) in the original text of normalised unit i. */
  ends: Uint32Array;
}

export type NormaliseMode = 'full' | 'light';

// ---------------------------------------------------------------- scratch buffers
// raw: the input's code units. a*: pass 1 output of full mode. f*: final full output.
// l*: final light output (separate, so a full run does not clobber a light view).
let rawBuf = Buffer.alloc(0);
let raw = new Uint16Array(0);
let cap = 0;
let aCodes: Uint16Array = new Uint16Array(0), aS: Uint32Array = new Uint32Array(0);
let fCodes: Uint16Array = new Uint16Array(0), fS: Uint32Array = new Uint32Array(0);
let lCodes: Uint16Array = new Uint16Array(0), lS: Uint32Array = new Uint32Array(0);

function ensure(n: number): void {
  if (n <= cap) return;
  cap = Math.max(n, cap * 2, 4096);
  const g16 = (old: Uint16Array): Uint16Array => { const x = new Uint16Array(cap); x.set(old); return x; };
  const g32 = (old: Uint32Array): Uint32Array => { const x = new Uint32Array(cap); x.set(old); return x; };
  aCodes = g16(aCodes); aS = g32(aS); fCodes = g16(fCodes); fS = g32(fS); lCodes = g16(lCodes); lS = g32(lS);
}
function loadRaw(text: string): number {
  const len = text.length;
  if (rawBuf.length < len * 2) {
    rawBuf = Buffer.alloc(Math.max(len * 2, rawBuf.length * 2, 8192));
    raw = new Uint16Array(rawBuf.buffer, rawBuf.byteOffset, rawBuf.length >> 1);
  }
  rawBuf.write(text, 0, 'utf16le');
  return len;
}
// typed arrays use the platform's byte order; Buffer.write(utf16le) is little-endian
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Character classes of folded code units, one table lookup instead of comparison chains.
const SEP = 1, CJK = 2, ALNUM = 4, LETTER = 8, SPACE = 16, LEET = 32;
const CLS = new Uint8Array(65536);
for (const c of [0x20, 0x2a, 0x2e, 0x2d, 0x5f, 0xb7, 0x2f, 0x5c, 0x7c, 0x7e, 0x2b, 0x3d, 0x23, 0x5e, 0x60, 0x27, 0x22, 0x2022, 0x30fb]) CLS[c]! |= SEP; // separators inserted inside words
for (let c = 0x4e00; c <= 0x9fff; c++) CLS[c]! |= CJK;
for (let c = 0x3400; c <= 0x4dbf; c++) CLS[c]! |= CJK;
for (let c = 0xf900; c <= 0xfaff; c++) CLS[c]! |= CJK;
for (let c = 0x61; c <= 0x7a; c++) CLS[c]! |= ALNUM | LETTER;
for (let c = 0x30; c <= 0x39; c++) CLS[c]! |= ALNUM;
CLS[0x20]! |= SPACE; CLS[0x0a]! |= SPACE;
for (let c = 0; c < 128; c++) if (leet[c]! >= 0) CLS[c]! |= LEET;

const utf16 = new TextDecoder('utf-16le');
export function codesToString(codes: Uint16Array, from: number, to: number): string {
  if (to - from < 64) return String.fromCharCode.apply(null, codes.subarray(from, to) as unknown as number[]);
  return utf16.decode(codes.subarray(from, to));
}

// 0, 1, 2, … shared by identity maps (views, never written).
let IDENTITY = new Uint32Array(0);
export function identity(n: number): Uint32Array {
  if (IDENTITY.length < n + 1) {
    IDENTITY = new Uint32Array(Math.max(n + 1, IDENTITY.length * 2, 8192));
    for (let i = 0; i < IDENTITY.length; i++) IDENTITY[i] = i;
  }
  return IDENTITY;
}

// ---------------------------------------------------------------- passes

/** Set by fold() when it copies an unpaired surrogate. */
let sawSurrogate = false;

/** The string of a normalised buffer is decoded with TextDecoder from 64 units on, which turns
 * unpaired surrogates into U+FFFD; do the same in the buffer so that scanners reading code
 * units see exactly the string's characters. */
function replaceLoneSurrogates(C: Uint16Array, n: number): void {
  if (n < 64) return;
  for (let i = 0; i < n; i++) {
    const c = C[i]!;
    if ((c & 0xf800) !== 0xd800) continue;
    if (c <= 0xdbff && i + 1 < n && (C[i + 1]! & 0xfc00) === 0xdc00) { i++; continue; }
    C[i] = 0xfffd;
  }
}

/** Pass 1: per code point fold of raw[0, len) into (C, S); returns the output length. */
function fold(full: boolean, len: number, C: Uint16Array, S: Uint32Array): number {
  const bmp = full ? fullBmp : lightBmp;
  const R = raw;
  let n = 0;
  for (let i = 0; i < len;) {
    const cu = R[i]!;
    if (cu < 0xd800 || cu > 0xdbff || i + 1 >= len) {
      let v = bmp[cu]!;
      if (v === NOT_YET) v = fillBmp(full, cu);
      if (v >= 0) { C[n] = v; S[n] = i; n++; if ((cu & 0xf800) === 0xd800) sawSurrogate = true; }
      else if (v <= MULTI_BASE) {
        const r = multi[MULTI_BASE - v]!;
        for (let k = 0; k < r.length; k++) { C[n] = r.charCodeAt(k); S[n] = i; n++; }
      }
      i++;
      continue;
    }
    const lo = R[i + 1]!;
    if (lo < 0xdc00 || lo > 0xdfff) { C[n] = cu; S[n] = i; n++; i++; sawSurrogate = true; continue; }
    const r = foldAstral(full, ((cu - 0xd800) << 10) + (lo - 0xdc00) + 0x10000);
    for (let k = 0; k < r.length; k++) { C[n] = r.charCodeAt(k); S[n] = i; n++; }
    i += 2;
  }
  return n;
}

/** Pass 2: separators, from (AC, AS)[0, n) into (BC, BS); returns the output length. */
function separators(n: number, AC: Uint16Array, AS: Uint32Array, BC: Uint16Array, BS: Uint32Array): number {
  const K = CLS;
  let m = 0;
  let i = 0;
  while (i < n) {
    const c = AC[i]!;
    const kc = K[c]!;
    if (kc & SEP && m > 0) {
      const kp = K[BC[m - 1]!]!;
      // separators between two CJK characters
      if (kp & CJK) {
        let j = i;
        while (j < n && j - i < 4 && K[AC[j]!]! & SEP) j++;
        if (j < n && K[AC[j]!]! & CJK && j - i < 4) { i = j; continue; }
      }
      // '*' runs inside a Latin word
      if (c === 0x2a && kp & LETTER) {
        let j = i;
        while (j < n && AC[j] === 0x2a) j++;
        if (j < n && K[AC[j]!]! & LETTER) { i = j; continue; }
      }
      // collapse whitespace runs
      if (kc & SPACE && kp & SPACE) { i++; continue; }
    }
    // runs of >= 3 single alphanumeric characters joined by 1–2 separators
    if (kc & ALNUM && i + 1 < n && K[AC[i + 1]!]! & SEP && (m === 0 || !(K[BC[m - 1]!]! & ALNUM))) {
      let count = 1;
      let j = i + 1;
      let lastTok = i;
      for (;;) {
        let k = j;
        while (k < n && k - j < 2 && K[AC[k]!]! & SEP) k++;
        if (k === j || k >= n || !(K[AC[k]!]! & ALNUM)) break;
        if (k + 1 < n && K[AC[k + 1]!]! & ALNUM) break; // next token longer than one char
        count++;
        lastTok = k;
        j = k + 1;
      }
      // "a b o m b": a leading English one-letter word is not part of the spelled-out word
      let first = i;
      if (count >= 4 && (c === 0x61 || c === 0x69) && AC[i + 1] === 0x20 && K[AC[i + 2]!]! & ALNUM) { first = i + 2; count--; }
      if (count >= 3) {
        if (first !== i) { BC[m] = c; BS[m] = AS[i]!; m++; BC[m] = 0x20; BS[m] = AS[i + 1]!; m++; }
        for (let k = first; k <= lastTok; k++) {
          const ck = AC[k]!;
          if (K[ck]! & ALNUM) { BC[m] = ck; BS[m] = AS[k]!; m++; }
        }
        i = lastTok + 1;
        continue;
      }
    }
    BC[m] = c; BS[m] = AS[i]!; m++;
    i++;
  }
  return m;
}

/** Pass 3: leetspeak, in place on BC[0, m). */
function leetspeak(m: number, BC: Uint16Array): void {
  const K = CLS, L = leet;
  for (let s = 0; s < m;) {
    if (!(K[BC[s]!]! & (ALNUM | LEET))) { s++; continue; }
    let e = s;
    let letters = 0;
    let leetChars = 0;
    while (e < m) {
      const kd = K[BC[e]!]!;
      if (kd & LETTER) letters++;
      else if (kd & LEET) leetChars++;
      else if (!(kd & ALNUM)) break;
      e++;
    }
    // map only when some leet character sits between two letters ("b0mb", "h4ck3r"), which
    // leaves version-like words alone ("win10", "mp3", "covid19")
    if (letters >= 2 && leetChars > 0) {
      let inner = false;
      for (let k = s + 1; k < e - 1 && !inner; k++) {
        inner = (K[BC[k]!]! & LEET) !== 0 && (K[BC[k - 1]!]! & LETTER) !== 0 && (K[BC[k + 1]!]! & LETTER) !== 0;
      }
      if (inner) {
        for (let k = s; k < e; k++) {
          const d = BC[k]!;
          if (!(K[d]! & LEET)) continue;
          if (leetInner[d]) {
            if (k === s || k === e - 1) continue;
            if (!(K[BC[k - 1]!]! & ALNUM) || !(K[BC[k + 1]!]! & ALNUM)) continue;
          }
          BC[k] = L[d]!;
        }
      }
    }
    s = e === s ? s + 1 : e;
  }
}

/** Result of one run: where the output is and how long. `identical` = light output equals the
 * input (no buffer needed). */
export interface RunResult { codes: Uint16Array; starts: Uint32Array; length: number; identical: boolean }

/** Normalise `text` into the mode's scratch buffers (valid until the next run of that mode). */
export function runInto(text: string, mode: NormaliseMode): RunResult {
  const len = text.length;
  if (!LITTLE_ENDIAN) throw new Error('normalise: big-endian platforms are not supported');
  ensure(len * 3 + 16);
  loadRaw(text);
  bumpGeneration(mode);
  if (mode === 'light') {
    let k = 0;
    while (k < len && lightChanges[raw[k]!] === 0) k++;
    if (k === len) return { codes: lCodes, starts: lS, length: len, identical: true };
    sawSurrogate = false;
    const n = fold(false, len, lCodes, lS);
    if (n === len) {
      let same = true;
      for (let i = 0; i < n && same; i++) same = lCodes[i] === raw[i];
      if (same) return { codes: lCodes, starts: lS, length: len, identical: true };
    }
    if (sawSurrogate) replaceLoneSurrogates(lCodes, n);
    return { codes: lCodes, starts: lS, length: n, identical: false };
  }
  sawSurrogate = false;
  let n = fold(true, len, aCodes, aS);
  if (n * 2 + 16 > cap) ensure(n * 2 + 16); // pass 2 can add a separator for the "a b o m b" case
  n = separators(n, aCodes, aS, fCodes, fS);
  leetspeak(n, fCodes);
  if (sawSurrogate) replaceLoneSurrogates(fCodes, n);
  return { codes: fCodes, starts: fS, length: n, identical: false };
}

/** Original end offset of the unit starting at original offset `s`. */
export function endOf(text: string, s: number): number {
  const c = text.charCodeAt(s);
  if (c >= 0xd800 && c <= 0xdbff && s + 1 < text.length) {
    const d = text.charCodeAt(s + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return s + 2;
  }
  return s + 1;
}

/** Normalise `text`; see the file comment for the steps of each mode. The result owns its
 * arrays (use normaliseView on hot paths). */
export function normalise(text: string, mode: NormaliseMode = 'full'): Normalised {
  const r = runInto(text, mode);
  if (r.identical) { const id = identity(text.length); return { text, map: id.subarray(0, text.length), ends: id.subarray(1, text.length + 1) }; }
  const map = r.starts.slice(0, r.length);
  const ends = new Uint32Array(r.length);
  for (let i = 0; i < r.length; i++) ends[i] = endOf(text, map[i]!);
  return { text: codesToString(r.codes, 0, r.length), map, ends };
}

/** A lazy normalised view for the guard's hot path (see NormView). */
export function normaliseView(text: string, mode: NormaliseMode = 'full'): NormView {
  return new NormView(text, mode, runInto(text, mode));
}

/** Only the normalised string (no offset map): for lexicon terms and training. */
export function normaliseText(text: string, mode: NormaliseMode = 'full'): string {
  const r = runInto(text, mode);
  return r.identical ? text : codesToString(r.codes, 0, r.length);
}

/** Original [start, end) of the normalised range [start, end). */
export function toOriginal(n: Normalised, start: number, end: number): [number, number] {
  if (n instanceof NormView) return n.toOriginal(start, end);
  if (end <= start) {
    const p = start < n.map.length ? n.map[start]! : (n.ends.length ? n.ends[n.ends.length - 1]! : 0);
    return [p, p];
  }
  return [n.map[start]!, n.ends[end - 1]!];
}

/** Fold a lexicon term exactly as input text is folded (so both sides match). */
export function normaliseTerm(term: string): string {
  return normaliseText(term, 'full').trim();
}


// ---------------------------------------------------------------- lazy views

// Bumped on every run of a mode: a view whose generation is older has had its scratch buffer
// overwritten and re-runs the normalisation if asked for codes or offsets again.
const generation = { full: 0, light: 0 };
function bumpGeneration(mode: NormaliseMode): void { generation[mode]++; }

/** A normalised text whose code units stay in the normaliser's scratch buffer; the string and
 * the offset maps are built only when read. Scanners of one check read codes() and toOriginal()
 * without any copy. Safe to keep: once another text has been normalised in the same mode, the
 * view transparently normalises its own text again. */
export class NormView implements Normalised {
  readonly source: string;
  readonly mode: NormaliseMode;
  /** True when the normalised text is the source itself (common in light mode). */
  readonly identical: boolean;
  /** Length of the normalised text in UTF-16 units. */
  readonly length: number;
  private gen: number;
  private r: RunResult;
  private t?: string;
  private m?: Uint32Array;
  private e?: Uint32Array;

  constructor(source: string, mode: NormaliseMode, r: RunResult) {
    this.source = source; this.mode = mode; this.r = r;
    this.identical = r.identical; this.length = r.length;
    this.gen = generation[mode];
  }

  private fresh(): RunResult {
    if (this.gen !== generation[this.mode]) { this.r = runInto(this.source, this.mode); this.gen = generation[this.mode]; }
    return this.r;
  }

  /** The code units, at [0, length) of the returned buffer; valid until the next
   * normalisation (call again rather than keeping the buffer). */
  codes(): Uint16Array {
    // identical: the code units are the source's own, whatever ran since
    if (this.identical) { loadRaw(this.source); return raw; }
    return this.fresh().codes;
  }

  /** Changes whenever the buffer returned by codes() may have been rewritten: callers caching
   * work per text compare it together with the view. */
  get token(): number { return this.gen; }

  get text(): string {
    if (this.t === undefined) this.t = this.identical ? this.source : codesToString(this.fresh().codes, 0, this.length);
    return this.t;
  }

  get map(): Uint32Array {
    if (!this.m) {
      if (this.identical) this.m = identity(this.length).subarray(0, this.length);
      else this.m = this.fresh().starts.slice(0, this.length);
    }
    return this.m;
  }

  get ends(): Uint32Array {
    if (!this.e) {
      if (this.identical) this.e = identity(this.length).subarray(1, this.length + 1);
      else {
        const map = this.map, e = new Uint32Array(this.length);
        for (let i = 0; i < this.length; i++) e[i] = endOf(this.source, map[i]!);
        this.e = e;
      }
    }
    return this.e;
  }

  /** Original [start, end) of the normalised range [start, end), without building maps. */
  toOriginal(start: number, end: number): [number, number] {
    if (this.identical) {
      if (end <= start) { const p = Math.min(start, this.length); return [p, p]; }
      return [start, end];
    }
    const S = this.m ?? this.fresh().starts;
    if (end <= start) {
      const p = start < this.length ? S[start]! : (this.length ? endOf(this.source, S[this.length - 1]!) : 0);
      return [p, p];
    }
    return [S[start]!, endOf(this.source, S[end - 1]!)];
  }
}
