// FROZEN REFERENCE for tests only: the straightforward three-pass normaliser that normalise.ts
// replaced for speed. normalise-equivalence.test.ts checks that the fast implementation gives
// exactly the same text and offset maps on many generated inputs. Do not use in product code.
//
// Text normalisation shared by every guard tier, with an offset map back to the original.
//
// Full mode (keyword matching and classifiers), applied per code point through a lazily
// filled table, then two linear passes:
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
// map[i] / ends[i] give the original [start, end) of normalised UTF-16 unit i.
import { readTsv } from './data.ts';

export interface Normalised {
  /** The normalised text. */
  text: string;
  /** map[i] = offset in the original text where normalised unit i comes from. */
  map: Uint32Array;
  /** ends[i] = end offset (exclusive) in the original text of normalised unit i. */
  ends: Uint32Array;
}

export type NormaliseMode = 'full' | 'light';

// ---------------------------------------------------------------- tables
const homoglyph = new Map<number, string>();
for (const [cp, latin] of readTsv('homoglyphs.tsv')) if (cp && latin) homoglyph.set(parseInt(cp, 16), latin);

const t2s = new Map<number, number>();
for (const [a, b] of readTsv('t2s.tsv')) if (a && b) t2s.set(parseInt(a, 16), parseInt(b, 16));

/** leet[c] = replacement char code; leetInner[c] = 1 if only between word characters. */
const leet = new Int32Array(128).fill(-1);
const leetInner = new Uint8Array(128);
for (const [ch, letter, where] of readTsv('leet.tsv')) {
  if (!ch || !letter) continue;
  const c = ch.charCodeAt(0);
  leet[c] = letter.charCodeAt(0);
  if (where === 'inner') leetInner[c] = 1;
}

function isIgnorable(cp: number): boolean {
  if (cp < 0x20) return cp !== 0x0a && cp !== 0x09;
  if (cp < 0x7f) return false;
  if (cp <= 0x9f) return true; // DEL and C1 controls
  return cp === 0x00ad || cp === 0x034f || cp === 0x061c || cp === 0x115f || cp === 0x1160 ||
    cp === 0x17b4 || cp === 0x17b5 || (cp >= 0x180b && cp <= 0x180f) ||
    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0x3164 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff || cp === 0xffa0 ||
    (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0xe0000 && cp <= 0xe0fff);
}

const COMBINING = /[\u0300-\u036f]/g;

/** Full-mode fold of one code point (everything except the context-dependent passes). */
function foldFull(cp: number): string {
  if (isIgnorable(cp)) return '';
  if (cp === 0x09) return ' ';
  const h = homoglyph.get(cp);
  if (h !== undefined) return h;
  let r = String.fromCodePoint(cp).normalize('NFKC').toLowerCase();
  let out = '';
  for (const ch of r) {
    const c = ch.codePointAt(0)!;
    const h2 = homoglyph.get(c);
    if (h2 !== undefined) { out += h2; continue; }
    if (c >= 0xc0 && c < 0x530) { out += ch.normalize('NFD').replace(COMBINING, ''); continue; }
    if (c >= 0x0300 && c <= 0x036f) continue; // stray combining mark
    if (c === 0x09 || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a)) { out += ' '; continue; }
    const s = t2s.get(c);
    out += s !== undefined ? String.fromCharCode(s) : ch;
  }
  r = out;
  return r;
}

function foldLight(cp: number): string {
  if (isIgnorable(cp)) return '';
  if (cp >= 0xff01 && cp <= 0xff5e) return String.fromCharCode(cp - 0xfee0);
  if (cp === 0x3000) return ' ';
  return String.fromCodePoint(cp);
}

// Lazily filled per-BMP-unit tables: value >= 0 is the single folded code unit, NOT_YET = not
// computed, DROP = removed, <= MULTI_BASE indexes `multi` (folds to several units). Astral code
// points use maps.
const NOT_YET = -1, DROP = -2, MULTI_BASE = -3;
const fullBmp = new Int32Array(65536).fill(NOT_YET);
const lightBmp = new Int32Array(65536).fill(NOT_YET);
const multi: string[] = [];
const fullAstral = new Map<number, string>();
const lightAstral = new Map<number, string>();

function encode(r: string): number {
  if (r.length === 0) return DROP;
  if (r.length === 1) return r.charCodeAt(0);
  multi.push(r);
  return MULTI_BASE - (multi.length - 1);
}

// ---------------------------------------------------------------- scratch buffers
let cap = 0;
let aCodes = new Uint16Array(0), aS = new Uint32Array(0), aE = new Uint32Array(0);
let bCodes = new Uint16Array(0), bS = new Uint32Array(0), bE = new Uint32Array(0);
function ensure(n: number): void {
  if (n <= cap) return;
  cap = Math.max(n, cap * 2, 4096);
  const grow = <T extends Uint16Array | Uint32Array>(old: T, make: (k: number) => T): T => { const x = make(cap); x.set(old); return x; };
  aCodes = grow(aCodes, (k) => new Uint16Array(k)); aS = grow(aS, (k) => new Uint32Array(k)); aE = grow(aE, (k) => new Uint32Array(k));
  bCodes = grow(bCodes, (k) => new Uint16Array(k)); bS = grow(bS, (k) => new Uint32Array(k)); bE = grow(bE, (k) => new Uint32Array(k));
}

function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}
function isLatinAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}
function isLetter(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
/** Separators that can be inserted inside a word to break keyword matching. */
function isSep(c: number): boolean {
  switch (c) {
    case 0x20: case 0x2a: case 0x2e: case 0x2d: case 0x5f: case 0xb7: case 0x2f: case 0x5c:
    case 0x7c: case 0x7e: case 0x2b: case 0x3d: case 0x23: case 0x5e: case 0x60: case 0x27:
    case 0x22: case 0x2022: case 0x30fb:
      return true;
    default:
      return false;
  }
}
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a;
}

const utf16 = new TextDecoder('utf-16le');
function toStr(codes: Uint16Array, n: number): string {
  if (n < 64) return String.fromCharCode.apply(null, codes.subarray(0, n) as unknown as number[]);
  return utf16.decode(codes.subarray(0, n));
}

// 0, 1, 2, … shared by identity maps (views, never written).
let IDENTITY = new Uint32Array(0);
function isIdentity(text: string, n: number): boolean {
  for (let i = 0; i < n; i++) if (aCodes[i] !== text.charCodeAt(i)) return false;
  if (IDENTITY.length < n + 1) {
    IDENTITY = new Uint32Array(Math.max(n + 1, IDENTITY.length * 2, 8192));
    for (let i = 0; i < IDENTITY.length; i++) IDENTITY[i] = i;
  }
  return true;
}

function emit(r: string, n: number, i: number, w: number): number {
  const rl = r.length;
  if (n + rl + 8 > cap) ensure((n + rl) * 2 + 16);
  for (let k = 0; k < rl; k++) { aCodes[n] = r.charCodeAt(k); aS[n] = i; aE[n] = i + w; n++; }
  return n;
}

/** Normalise `text`; see the file comment for the steps of each mode. */
export function normalise(text: string, mode: NormaliseMode = 'full'): Normalised {
  const m = run(text, mode);
  if (m < 0) return { text, map: IDENTITY.subarray(0, text.length), ends: IDENTITY.subarray(1, text.length + 1) };
  const src = mode === 'light' ? aCodes : bCodes;
  const S = mode === 'light' ? aS : bS, E = mode === 'light' ? aE : bE;
  return { text: toStr(src, m), map: S.slice(0, m), ends: E.slice(0, m) };
}

/** Only the normalised string (no offset map): for lexicon terms and training. */
export function normaliseText(text: string, mode: NormaliseMode = 'full'): string {
  const m = run(text, mode);
  if (m < 0) return text;
  return toStr(mode === 'light' ? aCodes : bCodes, m);
}

/** Runs the passes into the scratch buffers; returns the output length, or -1 when the light
 * result is identical to the input. */
function run(text: string, mode: NormaliseMode): number {
  const len = text.length;
  ensure(len * 3 + 16);
  const bmp = mode === 'full' ? fullBmp : lightBmp;
  const astral = mode === 'full' ? fullAstral : lightAstral;
  const fold = mode === 'full' ? foldFull : foldLight;
  // pass 1: per code point fold into a* (locals refreshed if emit() grows the buffers)
  let n = 0;
  let AC = aCodes, AS = aS, AE = aE;
  for (let i = 0; i < len;) {
    const cu = text.charCodeAt(i);
    if (cu < 0xd800 || cu > 0xdbff || i + 1 >= len) {
      let v = bmp[cu]!;
      if (v === NOT_YET) { v = encode(fold(cu)); bmp[cu] = v; }
      if (v >= 0) { AC[n] = v; AS[n] = i; AE[n] = i + 1; n++; }
      else if (v <= MULTI_BASE) { n = emit(multi[MULTI_BASE - v]!, n, i, 1); AC = aCodes; AS = aS; AE = aE; }
      i++;
      continue;
    }
    const lo = text.charCodeAt(i + 1);
    if (lo < 0xdc00 || lo > 0xdfff) { AC[n] = cu; AS[n] = i; AE[n] = i + 1; n++; i++; continue; }
    const cp = ((cu - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    let r = astral.get(cp);
    if (r === undefined) { r = fold(cp); astral.set(cp, r); }
    n = emit(r, n, i, 2);
    AC = aCodes; AS = aS; AE = aE;
    i += 2;
  }
  if (mode === 'light') return n === len && isIdentity(text, n) ? -1 : n;
  if (n * 2 + 16 > cap) ensure(n * 2 + 16); // pass 2 can add a separator for the "a b o m b" case
  const BC = bCodes, BS = bS, BE = bE;
  AC = aCodes; AS = aS; AE = aE;
  // pass 2: separators, into b*
  let m = 0;
  let i = 0;
  while (i < n) {
    const c = AC[i]!;
    if (isSep(c) && m > 0) {
      const prev = BC[m - 1]!;
      // separators between two CJK characters
      if (isCjk(prev)) {
        let j = i;
        while (j < n && j - i < 4 && isSep(AC[j]!)) j++;
        if (j < n && isCjk(AC[j]!) && j - i < 4) { i = j; continue; }
      }
      // '*' runs inside a Latin word
      if (c === 0x2a && isLetter(prev)) {
        let j = i;
        while (j < n && AC[j] === 0x2a) j++;
        if (j < n && isLetter(AC[j]!)) { i = j; continue; }
      }
      // collapse whitespace runs
      if (isSpace(c) && isSpace(prev)) { i++; continue; }
    }
    // runs of >= 3 single alphanumeric characters joined by 1–2 separators
    if (isLatinAlnum(c) && (m === 0 || !isLatinAlnum(BC[m - 1]!)) && i + 1 < n && isSep(AC[i + 1]!)) {
      let count = 1;
      let j = i + 1;
      let lastTok = i;
      for (;;) {
        let k = j;
        while (k < n && k - j < 2 && isSep(AC[k]!)) k++;
        if (k === j || k >= n || !isLatinAlnum(AC[k]!)) break;
        if (k + 1 < n && isLatinAlnum(AC[k + 1]!)) break; // next token longer than one char
        count++;
        lastTok = k;
        j = k + 1;
      }
      // "a b o m b": a leading English one-letter word is not part of the spelled-out word
      let first = i;
      if (count >= 4 && (c === 0x61 || c === 0x69) && AC[i + 1] === 0x20 && isLatinAlnum(AC[i + 2]!)) { first = i + 2; count--; }
      if (count >= 3) {
        if (first !== i) { BC[m] = c; BS[m] = AS[i]!; BE[m] = AE[i]!; m++; BC[m] = 0x20; BS[m] = AS[i + 1]!; BE[m] = AE[i + 1]!; m++; }
        for (let k = first; k <= lastTok; k++) {
          const ck = AC[k]!;
          if (isLatinAlnum(ck)) { BC[m] = ck; BS[m] = AS[k]!; BE[m] = AE[k]!; m++; }
        }
        i = lastTok + 1;
        continue;
      }
    }
    BC[m] = c; BS[m] = AS[i]!; BE[m] = AE[i]!; m++;
    i++;
  }
  // pass 3: leetspeak, in place on b*
  for (let s = 0; s < m;) {
    const c = BC[s]!;
    if (!(isLatinAlnum(c) || (c < 128 && leet[c]! >= 0))) { s++; continue; }
    let e = s;
    let letters = 0;
    let leetChars = 0;
    while (e < m) {
      const d = BC[e]!;
      if (isLetter(d)) letters++;
      else if (d < 128 && leet[d]! >= 0) leetChars++;
      else if (!isLatinAlnum(d)) break;
      e++;
    }
    // map only when some leet character sits between two letters ("b0mb", "h4ck3r"), which
    // leaves version-like words alone ("win10", "mp3", "covid19")
    let inner = false;
    if (letters >= 2 && leetChars > 0) {
      for (let k = s + 1; k < e - 1 && !inner; k++) {
        const d = BC[k]!;
        inner = d < 128 && leet[d]! >= 0 && isLetter(BC[k - 1]!) && isLetter(BC[k + 1]!);
      }
    }
    if (inner) {
      for (let k = s; k < e; k++) {
        const d = BC[k]!;
        if (d >= 128 || leet[d]! < 0) continue;
        if (leetInner[d]) {
          if (k === s || k === e - 1) continue;
          const before = BC[k - 1]!, after = BC[k + 1]!;
          if (!isLatinAlnum(before) || !isLatinAlnum(after)) continue;
        }
        BC[k] = leet[d]!;
      }
    }
    s = e === s ? s + 1 : e;
  }
  return m;
}

/** Original [start, end) of the normalised range [start, end). */
export function toOriginal(n: Normalised, start: number, end: number): [number, number] {
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
