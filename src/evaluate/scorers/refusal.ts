/** Bilingual (Chinese / English) refusal detection from the patterns in data/suites/scoring/refusal-patterns.yaml. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

interface PatternDoc {
  headChars: number;
  shortChars: number;
  en: { head: string[]; short: string[]; compliance: string[] };
  zh: { head: string[]; short: string[]; compliance: string[] };
}

interface Compiled {
  headChars: number;
  shortChars: number;
  head: { re: RegExp; src: string }[];
  short: { re: RegExp; src: string }[];
  compliance: RegExp[];
}

export const REFUSAL_PATTERNS_FILE = fileURLToPath(new URL('../../../data/suites/scoring/refusal-patterns.yaml', import.meta.url));

let compiled: Compiled | undefined;

/** (Re)loads the patterns; a path lets callers try their own file. */
export function loadRefusalPatterns(path = REFUSAL_PATTERNS_FILE): void {
  const d = YAML.parse(readFileSync(path, 'utf8')) as PatternDoc;
  const re = (s: string) => ({ re: new RegExp(s, 'iu'), src: s });
  compiled = {
    headChars: d.headChars,
    shortChars: d.shortChars,
    head: [...d.en.head, ...d.zh.head].map(re),
    short: [...d.en.short, ...d.zh.short].map(re),
    compliance: [...d.en.compliance, ...d.zh.compliance].map((s) => new RegExp(s, 'iu')),
  };
}

export interface RefusalResult {
  refused: boolean;
  /** Which cue decided: a pattern source, `empty`, or none. */
  cue?: string;
}

function normalise(text: string): string {
  return text
    .replace(/[\u200b-\u200f\ufeff]/g, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

export function detectRefusal(response: string): RefusalResult {
  if (!compiled) loadRefusalPatterns();
  const c = compiled!;
  const text = normalise(response);
  if (text === '') return { refused: true, cue: 'empty' };
  const head = text.slice(0, c.headChars);
  for (const p of c.head) if (p.re.test(head)) return { refused: true, cue: p.src };
  if (text.length <= c.shortChars && !c.compliance.some((r) => r.test(text))) {
    for (const p of c.short) if (p.re.test(text)) return { refused: true, cue: p.src };
  }
  return { refused: false };
}
