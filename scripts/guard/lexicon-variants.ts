// Build-time spelling variants of Chinese lexicon terms, so evasions such as "zha dan", "zhadan",
// "zzzd" or a homophone swap (one character replaced by another of the same reading) match as
// plain lexicon terms: no runtime cost, the automaton just holds more patterns.
//
// - full pinyin, spaced and joined (toneless; ü as both "u" and "v"), for terms whose joined
//   pinyin has at least `minPinyin` letters;
// - pinyin initials for terms of at least `minInitials` Han characters (shorter initials are
//   too ambiguous);
// - homophones: each character replaced in turn by up to `perChar` characters of the same
//   toned reading in this term (level-1 GB 2312 characters listed in data/attacks/homophones.json,
//   most frequent in our benign Chinese text first), for terms of
//   `minHomophoneLen`–`maxHomophoneLen` Han characters.
// The caller filters every variant against benign text before shipping it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinyin } from 'pinyin-pro';

export type VariantKind = 'pinyin' | 'initials' | 'homophone';
export interface VariantOpts { minPinyin: number; minInitials: number; minHomophoneLen: number; maxHomophoneLen: number; perChar: number }
export const VARIANT_DEFAULTS: VariantOpts = { minPinyin: 6, minInitials: 4, minHomophoneLen: 3, maxHomophoneLen: 6, perChar: 2 };

const HAN = /^[\u4e00-\u9fff]+$/;
/** Characters by toned reading: the level-1 GB 2312 characters of data/attacks/homophones.json,
 * each under its default pinyin-pro reading, most frequent (in `freq`) first. */
let byReading: Map<string, string[]> | undefined;
function readings(root: string, freq: ReadonlyMap<string, number>): Map<string, string[]> {
  if (byReading) return byReading;
  const chars = Object.keys((JSON.parse(readFileSync(join(root, 'data/attacks/homophones.json'), 'utf8')) as { table: Record<string, string[]> }).table).sort();
  byReading = new Map();
  for (const ch of chars) {
    const r = pinyin(ch, { toneType: 'num' });
    const l = byReading.get(r) ?? [];
    l.push(ch);
    byReading.set(r, l);
  }
  for (const l of byReading.values()) l.sort((a, b) => (freq.get(b) ?? 0) - (freq.get(a) ?? 0) || (a < b ? -1 : 1));
  return byReading;
}

/** Variants of one term (the term itself excluded), deterministic order, no duplicates. */
export function termVariants(term: string, root: string, freq: ReadonlyMap<string, number>, o: VariantOpts = VARIANT_DEFAULTS): { text: string; kind: VariantKind }[] {
  if (!HAN.test(term)) return [];
  const out = new Map<string, VariantKind>();
  const add = (t: string, kind: VariantKind): void => { if (t !== term && !out.has(t)) out.set(t, kind); };
  const syl = pinyin(term, { toneType: 'none', type: 'array', v: true }) as string[];
  if (syl.length === term.length && syl.every((s) => /^[a-z]+$/.test(s))) {
    if (syl.join('').length >= o.minPinyin) {
      add(syl.join(' '), 'pinyin');
      add(syl.join(''), 'pinyin');
      if (syl.some((s) => s.includes('v'))) {
        const u = syl.map((s) => s.replace(/v/g, 'u'));
        add(u.join(' '), 'pinyin');
        add(u.join(''), 'pinyin');
      }
    }
    if (term.length >= o.minInitials) add(syl.map((s) => s[0]).join(''), 'initials');
  }
  if (term.length >= o.minHomophoneLen && term.length <= o.maxHomophoneLen) {
    // the reading of each character in this term (context-aware), then the most frequent other
    // characters with exactly that toned reading
    const rd = readings(root, freq);
    const toned = pinyin(term, { toneType: 'num', type: 'array' }) as string[];
    if (toned.length === term.length) {
      for (let i = 0; i < term.length; i++) {
        const cands = (rd.get(toned[i]!) ?? []).filter((c) => c !== term[i]).slice(0, o.perChar);
        for (const h of cands) add(term.slice(0, i) + h + term.slice(i + 1), 'homophone');
      }
    }
  }
  return [...out].map(([text, kind]) => ({ text, kind }));
}
