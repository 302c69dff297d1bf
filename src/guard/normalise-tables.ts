// Per-code-point folding tables of the normaliser (see normalise.ts for the passes that use
// them). Folding one code point is expensive (NFKC, case folding, diacritics, homoglyphs,
// traditional → simplified), so results are memoised in flat tables filled on first use.
import { readTsv } from './data.ts';

const homoglyph = new Map<number, string>();
for (const [cp, latin] of readTsv('homoglyphs.tsv')) if (cp && latin) homoglyph.set(parseInt(cp, 16), latin);

const t2s = new Map<number, number>();
for (const [a, b] of readTsv('t2s.tsv')) if (a && b) t2s.set(parseInt(a, 16), parseInt(b, 16));

/** leet[c] = replacement char code (-1 = none); leetInner[c] = 1 if only between word
 * characters. ASCII only. */
export const leet = new Int32Array(128).fill(-1);
export const leetInner = new Uint8Array(128);
for (const [ch, letter, where] of readTsv('leet.tsv')) {
  if (!ch || !letter) continue;
  const c = ch.charCodeAt(0);
  leet[c] = letter.charCodeAt(0);
  if (where === 'inner') leetInner[c] = 1;
}

export function isIgnorable(cp: number): boolean {
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
  const r = String.fromCodePoint(cp).normalize('NFKC').toLowerCase();
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
  return out;
}

function foldLight(cp: number): string {
  if (isIgnorable(cp)) return '';
  if (cp >= 0xff01 && cp <= 0xff5e) return String.fromCharCode(cp - 0xfee0);
  if (cp === 0x3000) return ' ';
  return String.fromCodePoint(cp);
}

// Per-BMP-unit tables: value >= 0 is the single folded code unit, NOT_YET = not computed,
// DROP = removed, <= MULTI_BASE indexes `multi` (folds to several units). Astral code points
// use maps.
export const NOT_YET = -1, DROP = -2, MULTI_BASE = -3;
export const fullBmp = new Int32Array(65536).fill(NOT_YET);
export const lightBmp = new Int32Array(65536).fill(NOT_YET);
export const multi: string[] = [];
const fullAstral = new Map<number, string>();
const lightAstral = new Map<number, string>();

function encode(r: string): number {
  if (r.length === 0) return DROP;
  if (r.length === 1) return r.charCodeAt(0);
  multi.push(r);
  return MULTI_BASE - (multi.length - 1);
}

/** Fill and return the table entry of BMP unit `cu`. */
export function fillBmp(full: boolean, cu: number): number {
  const v = encode(full ? foldFull(cu) : foldLight(cu));
  (full ? fullBmp : lightBmp)[cu] = v;
  return v;
}

/** Fold of an astral code point (memoised). */
export function foldAstral(full: boolean, cp: number): string {
  const m = full ? fullAstral : lightAstral;
  let r = m.get(cp);
  if (r === undefined) { r = full ? foldFull(cp) : foldLight(cp); m.set(cp, r); }
  return r;
}

/** 1 when light folding changes or drops this BMP unit (fast "nothing to do" test). */
export const lightChanges = new Uint8Array(65536);
for (let c = 0; c < 0x20; c++) if (c !== 0x0a && c !== 0x09) lightChanges[c] = 1;
for (let c = 0x7f; c <= 0x9f; c++) lightChanges[c] = 1;
for (let c = 0xa0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) { if (isIgnorable(c)) lightChanges[c] = 1; }
for (let c = 0xff01; c <= 0xff5e; c++) lightChanges[c] = 1;
lightChanges[0x3000] = 1;
// high surrogates: the pair may be an ignorable astral code point (tags, variation selectors)
for (let c = 0xd800; c <= 0xdbff; c++) lightChanges[c] = 1;
