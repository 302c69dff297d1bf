/** Chinese-specific obfuscations: pinyin, pinyin initials, homophones, 拆字, traditional characters, zh–en mixing. */
import { createRequire } from 'node:module';
import { idHash } from '../suites/reader.ts';
import { lastUserText } from '../suites/messages.ts';
import type { Case } from '../types.ts';
import { attackData, fill, withUserText, type Attack, type AttackContext } from './types.ts';

// pinyin-pro and opencc-js hold ~6 MB of dictionaries. They load on first use, not with the module,
// so runs without a Chinese transform do not carry them (through V8's heap growth that is ~20 MB
// of peak RSS; docs/performance.md, Evaluation).
const lazyRequire = createRequire(import.meta.url);
let pinyinLib: typeof import('pinyin-pro') | undefined;
let openccLib: typeof import('opencc-js') | undefined;
const pinyinPro = () => (pinyinLib ??= lazyRequire('pinyin-pro') as typeof import('pinyin-pro'));
const OpenCC = () => (openccLib ??= lazyRequire('opencc-js') as typeof import('opencc-js'));

const PROBES = ['tc260.3.1.1.f', 'owasp-llm-2025.LLM01'];
const HAN = /[\u4e00-\u9fff]/;

let pairs: [string, string][] | undefined;
function mixPairs(): [string, string][] {
  if (!pairs) pairs = attackData<[string, string][]>('zh-en-mix.yaml');
  return pairs;
}

/** Sensitive Chinese keywords (the Chinese side of the zh–en mixing list), longest first. */
function keywords(): string[] {
  return mixPairs()
    .map((p) => p[0])
    .sort((a, b) => b.length - a.length);
}

/** Character offsets covered by sensitive keywords. */
function keywordMask(text: string): boolean[] {
  const mask = new Array<boolean>(text.length).fill(false);
  for (const k of keywords()) {
    let i = text.indexOf(k);
    while (i >= 0) {
      for (let j = i; j < i + k.length; j++) mask[j] = true;
      i = text.indexOf(k, i + k.length);
    }
  }
  return mask;
}

function wrap(id: string, ctx: AttackContext, payload: string): string {
  const w = attackData<Record<string, { en: string; zh: string }>>('encodings.yaml')[id];
  return fill(w ? w[ctx.lang] : '{{payload}}', { payload });
}

export function toPinyin(text: string): string {
  return pinyinPro().pinyin(text, { toneType: 'none', nonZh: 'consecutive' });
}

/** Sensitive keywords become their pinyin initials (炸弹 → zd); without keywords every Han run does. */
export function toPinyinInitials(text: string): string {
  const mask = keywordMask(text);
  const any = mask.some(Boolean);
  // Readings in context (弹 in 炸弹 is dan, not tan); aligned per UTF-16 unit when the text is all BMP.
  const readings = pinyinPro().pinyin(text, { toneType: 'none', type: 'array' });
  const aligned = readings.length === text.length;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (HAN.test(ch) && (!any || mask[i])) out += (aligned ? readings[i]! : pinyinPro().pinyin(ch, { toneType: 'none' })).charAt(0);
    else out += ch;
  }
  return out;
}

/** Keyword characters, and every third other Han character (chosen by key), become homophones. */
export function toHomophones(text: string, key: string): string {
  const table = attackData<{ table: Record<string, string[]> }>('homophones.json').table;
  const mask = keywordMask(text);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const alts = table[ch];
    if (alts && alts.length && (mask[i] || idHash(`${key}:${i}`) % 3 === 0)) out += alts[idHash(`${key}#${i}`) % alts.length];
    else out += ch;
  }
  return out;
}

/** Keyword characters (or, without keywords, up to eight decomposable characters) are written as [parts]. */
export function toChaizi(text: string): string {
  const table = attackData<Record<string, string>>('chaizi.yaml');
  const mask = keywordMask(text);
  const any = mask.some(Boolean);
  let budget = 8;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const parts = table[ch];
    if (parts && (any ? mask[i] : budget-- > 0)) out += `[${parts}]`;
    else out += ch;
  }
  return out;
}

let s2t: ((s: string) => string) | undefined;
let t2s: ((s: string) => string) | undefined;
export function toTraditional(text: string): string {
  const f = (s2t ??= OpenCC().Converter({ from: 'cn', to: 'twp' }));
  return f(text);
}
export function fromTraditional(text: string): string {
  const f = (t2s ??= OpenCC().Converter({ from: 'twp', to: 'cn' }));
  return f(text);
}

/** Swaps listed keywords into the other language. */
export function mixLanguages(text: string, lang: 'zh' | 'en'): string {
  let out = text;
  const list = [...mixPairs()].sort((a, b) => (lang === 'zh' ? b[0].length - a[0].length : b[1].length - a[1].length));
  if (lang === 'zh') {
    for (const [zh, en] of list) out = out.split(zh).join(` ${en} `);
    return out.replace(/ {2,}/g, ' ').trim();
  }
  for (const [zh, en] of list) {
    const re = new RegExp(`\\b${en.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi');
    out = out.replace(re, zh);
  }
  return out;
}

function chineseAttack(
  id: string,
  title: { zh: string; en: string },
  fn: (text: string, ctx: AttackContext) => string,
  opts: { needsHan?: boolean } = { needsHan: true },
): Attack {
  return {
    id,
    title,
    family: 'chinese',
    probes: PROBES,
    apply(c: Case, ctx: AttackContext) {
      const text = lastUserText(c);
      if (opts.needsHan && !HAN.test(text)) return null;
      const out = fn(text, ctx);
      if (out === text) return null;
      return withUserText(c, wrap(id, ctx, out));
    },
  };
}

export const chineseAttacks: Attack[] = [
  chineseAttack('pinyin', { zh: '全拼音', en: 'Pinyin' }, (t) => toPinyin(t)),
  chineseAttack('pinyin-initials', { zh: '拼音首字母', en: 'Pinyin initials' }, (t) => toPinyinInitials(t)),
  chineseAttack('homophone', { zh: '同音字替换', en: 'Homophone characters' }, (t, ctx) => toHomophones(t, ctx.key)),
  chineseAttack('chaizi', { zh: '拆字', en: 'Split characters (chaizi)' }, (t) => toChaizi(t)),
  chineseAttack('traditional', { zh: '繁体字', en: 'Traditional characters' }, (t) => toTraditional(t)),
  chineseAttack('mixed-zh-en', { zh: '中英混写', en: 'Mixed Chinese–English' }, (t, ctx) => mixLanguages(t, ctx.lang), { needsHan: false }),
];
