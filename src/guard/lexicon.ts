// Keyword lexicons: loading TSV files, compiling them (with allow-lists) into one Aho–Corasick
// automaton over normalised text, matching, and the GB/T 45654 coverage report.
//
// Lexicon TSV: `term <TAB> category ids (comma-separated) <TAB> action`, '#' comments. The
// action column is optional (default: the scanner's action); the action `allow` marks an
// allow-list phrase: keyword matches lying inside an allow phrase are dropped
// ("bomb calorimeter", "kill a python process").
import { AhoCorasick } from './aho.ts';
import { NormView, normaliseView, normaliseTerm, toOriginal, type Normalised } from './normalise.ts';
import { parseTsv, readText } from './data.ts';
import type { Action } from './types.ts';
import { ACTION_RANK } from './types.ts';

export interface LexiconEntry {
  term: string;
  categories: string[];
  action?: Action;
}

const ACTIONS = new Set(['allow', 'flag', 'mask', 'confirm', 'block']);

/** Parse lexicon TSV text; throws with the line number on malformed rows. */
export function parseLexicon(text: string, source = 'lexicon'): LexiconEntry[] {
  const out: LexiconEntry[] = [];
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [term, cats, action] = line.split('\t');
    if (!term || term.trim() === '') throw new Error(`${source}:${lineNo}: empty term`);
    if (action && !ACTIONS.has(action)) throw new Error(`${source}:${lineNo}: unknown action "${action}"`);
    out.push({
      term: term.trim(),
      categories: cats ? cats.split(',').map((c) => c.trim()).filter(Boolean) : [],
      ...(action ? { action: action as Action } : {}),
    });
  }
  return out;
}

export function loadLexicon(path: string, baseDir?: string): LexiconEntry[] {
  return parseLexicon(readText(path, baseDir), path);
}

/** Allow-list file: one phrase per line. */
export function loadAllowList(path: string, baseDir?: string): string[] {
  return parseTsv(readText(path, baseDir)).map((r) => r[0]!.trim()).filter(Boolean);
}

export interface KeywordHit {
  /** Normalised offsets. */
  nStart: number;
  nEnd: number;
  /** Original offsets. */
  start: number;
  end: number;
  term: string;
  categories: string[];
  action: Action | undefined;
}

const SUFFIXES = ['s', 'es', 'ed', 'ing', 'er', 'ers'];
const SUFFIX_CODES = SUFFIXES.map((x) => Array.from(x, (c) => c.charCodeAt(0)));

/** Length of the first inflection suffix (in SUFFIXES order) that starts at `at` and ends the
 * word, or 0. */
function suffixAt(codes: Uint16Array, at: number, len: number): number {
  for (const sc of SUFFIX_CODES) {
    const e = at + sc.length;
    if (e > len) continue;
    let ok = true;
    for (let k = 0; k < sc.length && ok; k++) ok = codes[at + k] === sc[k];
    if (ok && !(e < len && isWordChar(codes[e]!))) return sc.length;
  }
  return 0;
}

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/** A compiled lexicon: normalised patterns in one automaton, entries merged per pattern. */
export class CompiledLexicon {
  readonly ac: AhoCorasick;
  readonly patterns: string[];
  readonly categories: string[][];
  readonly actions: (Action | undefined)[];
  readonly allow: Uint8Array;
  /** bit 1: needs a word boundary on the left; bit 2: on the right. */
  readonly bounds: Uint8Array;
  readonly size: number;

  constructor(entries: readonly LexiconEntry[], allowPhrases: readonly string[] = []) {
    const index = new Map<string, number>();
    const patterns: string[] = [];
    const categories: string[][] = [];
    const actions: (Action | undefined)[] = [];
    const allow: number[] = [];
    const add = (term: string, cats: string[], action: Action | undefined, isAllow: boolean): void => {
      const p = normaliseTerm(term);
      if (p.length === 0) return;
      let id = index.get(p);
      if (id === undefined) {
        id = patterns.length;
        index.set(p, id);
        patterns.push(p); categories.push([]); actions.push(undefined); allow.push(0);
      }
      if (isAllow) { allow[id] = 1; return; }
      const cs = categories[id]!;
      for (const c of cats) if (!cs.includes(c)) cs.push(c);
      const prev = actions[id];
      if (action && (!prev || ACTION_RANK[action] > ACTION_RANK[prev])) actions[id] = action;
    };
    for (const e of entries) add(e.term, e.categories, e.action === 'allow' ? undefined : e.action, e.action === 'allow');
    for (const a of allowPhrases) add(a, [], undefined, true);
    this.patterns = patterns;
    this.categories = categories;
    this.actions = actions;
    this.allow = Uint8Array.from(allow);
    this.bounds = Uint8Array.from(patterns, (p) =>
      (isWordChar(p.charCodeAt(0)) ? 1 : 0) | (isWordChar(p.charCodeAt(p.length - 1)) ? 2 : 0));
    this.ac = AhoCorasick.build(patterns);
    this.size = patterns.length;
  }

  /** Matches in a normalised text, allow-list applied, offsets mapped back to the original.
   * A NormView (the guard's lazy view) is scanned in place, without building its string. */
  match(norm: Normalised): KeywordHit[] {
    let codes: Uint16Array, len: number;
    if (norm instanceof NormView) { codes = norm.codes(); len = norm.length; }
    else { const t = norm.text; len = t.length; codes = new Uint16Array(len); for (let i = 0; i < len; i++) codes[i] = t.charCodeAt(i); }
    const n = this.ac.scanCodes(codes, 0, len);
    if (n === 0) return [];
    const hits: KeywordHit[] = [];
    let allowSpans: number[] | undefined;
    for (let i = 0; i < n; i++) {
      const p = this.ac.matchPattern(i);
      const end = this.ac.matchEnd(i);
      const start = end - this.ac.patternLength(p);
      const b = this.bounds[p]!;
      if ((b & 1) && start > 0 && isWordChar(codes[start - 1]!)) continue;
      let realEnd = end;
      if ((b & 2) && end < len && isWordChar(codes[end]!)) {
        const sl = suffixAt(codes, end, len);
        if (sl === 0) continue;
        realEnd = end + sl;
      }
      if (this.allow[p]) { (allowSpans ??= []).push(start, realEnd); continue; }
      if (this.categories[p]!.length === 0 && this.actions[p] === undefined) continue;
      const [os, oe] = toOriginal(norm, start, realEnd);
      hits.push({ nStart: start, nEnd: realEnd, start: os, end: oe, term: this.patterns[p]!, categories: this.categories[p]!, action: this.actions[p] });
    }
    if (!allowSpans) return hits;
    const spans = allowSpans;
    return hits.filter((h) => {
      for (let k = 0; k < spans.length; k += 2) if (spans[k]! <= h.nStart && h.nEnd <= spans[k + 1]!) return false;
      return true;
    });
  }

  /** Convenience: normalise and match. */
  matchText(text: string): KeywordHit[] {
    return this.match(normaliseView(text));
  }
}

// ------------------------------------------------------------------ coverage (GB/T 45654 §6)

export interface CoverageRisk {
  id: string;
  count: number;
  required: number;
  ok: boolean;
}

export interface CoverageReport {
  standard: 'GB/T 45654-2025';
  total: number;
  requiredTotal: number;
  totalOk: boolean;
  risks: CoverageRisk[];
  ok: boolean;
  /** Human-readable shortfalls, e.g. `gbt45654.A.2.c: 12 of 100`. */
  shortfalls: string[];
  /** Terms per category id outside the A.1/A.2 core (for information). */
  other: Record<string, number>;
}

const A1 = 'abcdefgh'.split('').map((l) => `gbt45654.A.1.${l}`);
const A2 = 'abcdefghi'.split('').map((l) => `gbt45654.A.2.${l}`);

/** Compare a lexicon with the keyword-library rule of GB/T 45654 (≥ 10,000 terms in total,
 * ≥ 200 per A.1 risk, ≥ 100 per A.2 risk). Terms are counted once after normalisation; a term
 * tagged with several risks counts for each. Allow-list rows are not counted. */
export function coverageReport(entries: readonly LexiconEntry[], rule = { minTotal: 10_000, minPerA1: 200, minPerA2: 100 }): CoverageReport {
  const perCat = new Map<string, Set<string>>();
  const all = new Set<string>();
  for (const e of entries) {
    if (e.action === 'allow') continue;
    const p = normaliseTerm(e.term);
    if (!p) continue;
    all.add(p);
    for (const c of e.categories) {
      let s = perCat.get(c);
      if (!s) perCat.set(c, (s = new Set()));
      s.add(p);
    }
  }
  const risks: CoverageRisk[] = [];
  for (const id of A1) { const count = perCat.get(id)?.size ?? 0; risks.push({ id, count, required: rule.minPerA1, ok: count >= rule.minPerA1 }); }
  for (const id of A2) { const count = perCat.get(id)?.size ?? 0; risks.push({ id, count, required: rule.minPerA2, ok: count >= rule.minPerA2 }); }
  const other: Record<string, number> = {};
  for (const [c, s] of perCat) if (!A1.includes(c) && !A2.includes(c)) other[c] = s.size;
  const totalOk = all.size >= rule.minTotal;
  const shortfalls = risks.filter((r) => !r.ok).map((r) => `${r.id}: ${r.count} of ${r.required}`);
  if (!totalOk) shortfalls.unshift(`total: ${all.size} of ${rule.minTotal}`);
  return { standard: 'GB/T 45654-2025', total: all.size, requiredTotal: rule.minTotal, totalOk, risks, ok: totalOk && risks.every((r) => r.ok), shortfalls, other };
}
