// Builds the starter Chinese lexicon data/guard/lexicons/zh-sensitive.tsv from
// /work/shared/datasets/sensitive_lexicon_zh (konsheng/Sensitive-lexicon, MIT), and prints a
// JSON summary with the GB/T 45654 coverage of all lexicons in data/guard/lexicons/.
//
//   node --import tsx scripts/guard/build-lexicon.ts [datasetsDir]
//
// Steps: map each source list to taxonomy ids (data/guard/lexicon-sources.tsv); route terms of
// mixed lists by cue substrings (data/guard/lexicon-routing.tsv); drop terms that are too short
// or generic: single characters, pure digits/punctuation, ASCII words under 4 letters, two-
// character terms of mixed lists that no cue routed, and any term that occurs in benign text
// (a benign corpus from the shared datasets plus our own benign prompts). Terms are printed to
// no log; only counts are.
import { readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseTerm, normalise } from '../../src/guard/normalise.ts';
import { AhoCorasick } from '../../src/guard/aho.ts';
import { readTsv, GUARD_DATA_DIR } from '../../src/guard/data.ts';
import { coverageReport, loadLexicon, type LexiconEntry } from '../../src/guard/lexicon.ts';
import { ACTION_RANK, type Action } from '../../src/guard/types.ts';
import { parse as parseYaml } from 'yaml';
import { readCsv, readJsonl } from './datasets.ts';
import { termVariants, type VariantKind } from './lexicon-variants.ts';
import { loadExamples } from './train-data.ts';

const DS = process.argv[2] ?? '/work/shared/datasets';
const SRC = join(DS, 'sensitive_lexicon_zh');
const OUT = join(GUARD_DATA_DIR, 'lexicons');
const ROOT = join(GUARD_DATA_DIR, '..', '..');

interface SourceRule { cats: string[]; action: Action; mode: 'fixed' | 'route' }
const sources = new Map<string, SourceRule>();
for (const [list, cats, action, mode] of readTsv('lexicon-sources.tsv')) {
  sources.set(list!, { cats: cats!.split(','), action: action as Action, mode: mode as 'fixed' | 'route' });
}
const cues = readTsv('lexicon-routing.tsv').map(([cue, cats, action]) => ({ cue: normaliseTerm(cue!), cats: cats!.split(','), action: action as Action }));

// ---- benign corpus (for the generic-term filter)
function benignDocs(): string[] {
  const docs: string[] = [];
  for (const r of readJsonl(join(DS, 'cvalues_responsibility_zh/cvalues_responsibility_prompts.jsonl'))) docs.push(String(r.prompt));
  for (const r of readJsonl(join(DS, 'halueval_qa/halueval_qa_one_turn.jsonl'))) docs.push(`${r.knowledge} ${r.question} ${r.right_answer}`);
  const tqa = readCsv(join(DS, 'truthfulqa/TruthfulQA.csv'));
  for (const r of tqa.rows) docs.push(`${r.Question} ${r['Best Answer']}`);
  const xs = readCsv(join(DS, 'xstest/xstest_prompts.csv'));
  for (const r of xs.rows) if (r.label === 'safe') docs.push(r.prompt!);
  for (const r of readJsonl(join(DS, 'deepset_prompt_injections/deepset_prompt_injections.jsonl'))) if (r.label === 0) docs.push(String(r.text));
  let k = 0;
  for (const r of readJsonl(join(DS, 'bbq_sample/bbq_sample.jsonl'))) if (k++ % 4 === 0) docs.push(`${r.context} ${r.question}`);
  // our own benign prompts (data/guard/train-extra/benign.yaml): every list in it
  const own = parseYaml(readFileSync(join(GUARD_DATA_DIR, 'train-extra', 'benign.yaml'), 'utf8')) as Record<string, string[]>;
  for (const list of Object.values(own)) docs.push(...list);
  return docs;
}

function cjkCount(s: string): number {
  let n = 0;
  for (const ch of s) { const c = ch.codePointAt(0)!; if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) n++; }
  return n;
}

const rows = readFileSync(join(SRC, 'sensitive_lexicon_zh.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
const dropped: Record<string, number> = {};
const drop = (why: string): void => { dropped[why] = (dropped[why] ?? 0) + 1; };
interface Cand { raw: string; cats: Set<string>; action: Action; routed: boolean }
const cands = new Map<string, Cand>();
for (const [rawTerm, list] of rows) {
  const raw = (rawTerm ?? '').trim();
  const rule = sources.get(list ?? '');
  if (!rule) { drop('unknown-list'); continue; }
  const p = normaliseTerm(raw);
  const len = [...p].length;
  if (len < 2) { drop('too-short'); continue; }
  const cjk = cjkCount(p);
  const ascii = /^[\x00-\x7f]+$/.test(p);
  if (/^[\p{N}\p{P}\p{S}\s]+$/u.test(p)) { drop('digits-or-punctuation'); continue; }
  const isUrl = ascii && /[a-z0-9-]\.[a-z]{2,}/.test(p);
  if (ascii && !isUrl && p.replace(/[^a-z]/g, '').length < 4) { drop('short-ascii'); continue; }
  let cats = rule.cats, action = rule.action, routed = rule.mode === 'fixed';
  if (rule.mode === 'route') {
    const c = cues.find((q) => p.includes(q.cue));
    if (c) { cats = c.cats; action = c.action; routed = true; }
  }
  if (!routed && cjk > 0 && len <= 2) { drop('two-char-unrouted'); continue; }
  const prev = cands.get(p);
  if (prev) {
    for (const c of cats) prev.cats.add(c);
    if (ACTION_RANK[action] > ACTION_RANK[prev.action]) prev.action = action;
    prev.routed ||= routed;
  } else cands.set(p, { raw, cats: new Set(cats), action, routed });
}

// ---- generic-term filter: drop terms that occur in benign text
const benign = benignDocs().map((d) => normalise(d).text);
/** Number of benign documents each (normalised) key occurs in. */
function benignHits(keys: readonly string[], docs: readonly string[] = benign): Int32Array {
  const ac = AhoCorasick.build(keys as string[]);
  const docHits = new Int32Array(keys.length);
  const w = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
  for (const t of docs) {
    const n = ac.scan(t);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const p = ac.matchPattern(i);
      const end = ac.matchEnd(i), start = end - keys[p]!.length;
      // word boundaries for ASCII terms
      if (w(keys[p]!.charCodeAt(0)) && start > 0 && w(t.charCodeAt(start - 1))) continue;
      if (w(keys[p]!.charCodeAt(keys[p]!.length - 1)) && end < t.length && w(t.charCodeAt(end))) continue;
      seen.add(p);
    }
    for (const p of seen) docHits[p]!++;
  }
  return docHits;
}
const keys = [...cands.keys()];
const docHits = benignHits(keys);
const out: string[] = [
  '# Derived from konsheng/Sensitive-lexicon @ 5a8da94c (MIT; see zh-sensitive.LICENSE and zh-sensitive.NOTICE.md).',
  '# Built by scripts/guard/build-lexicon.ts: source lists mapped to taxonomy ids, generic terms dropped.',
  '# Many terms are sensitive only under PRC content rules: treat matches as a signal, not proof of harm.',
  '# term\tcategories\taction',
];
const entries: LexiconEntry[] = [];
keys.forEach((k, i) => {
  const c = cands.get(k)!;
  if (docHits[i]! >= 1) { drop('occurs-in-benign-text'); return; }
  const cats = [...c.cats].sort();
  out.push(`${c.raw.replace(/\t/g, ' ')}\t${cats.join(',')}\t${c.action}`);
  entries.push({ term: c.raw, categories: cats, action: c.action });
});
writeFileSync(join(OUT, 'zh-sensitive.tsv'), out.join('\n') + '\n');
copyFileSync(join(SRC, 'LICENSE'), join(OUT, 'zh-sensitive.LICENSE'));

// discrimination phrases from our own templates (group × predicate)
interface Templates { predicates: Record<'zh' | 'en', { text: string; action: Action }[]>; groups: Record<string, Record<'zh' | 'en', string[]>> }
const tpl = parseYaml(readFileSync(join(GUARD_DATA_DIR, 'lexicon-templates.yaml'), 'utf8')) as Templates;
const gen: string[] = [
  '# Generated by scripts/guard/build-lexicon.ts from data/guard/lexicon-templates.yaml (our own lists).',
  '# Exact group × derogatory-predicate phrases; a baseline for the A.2 risks, not a curated library.',
  '# term\tcategories\taction',
];
for (const [risk, g] of Object.entries(tpl.groups)) {
  for (const lang of ['zh', 'en'] as const) {
    for (const group of g[lang] ?? []) {
      for (const pr of tpl.predicates[lang]) gen.push(`${lang === 'zh' ? group + pr.text : `${group} ${pr.text}`}\t${risk},ailuminate.hte\t${pr.action}`);
    }
  }
}
writeFileSync(join(OUT, 'discrimination-generated.tsv'), gen.join('\n') + '\n');

// A.1 risks the source lexicon barely covers (A.1.e, A.1.g): subject × predicate and phrases
interface RiskTpl { subjects: Record<'zh' | 'en', string[]>; predicates: Record<'zh' | 'en', { text: string; action: Action }[]>; phrases: Record<'zh' | 'en', string[]> }
const risks = (tpl as unknown as { risks: Record<string, RiskTpl> }).risks;
const riskOut: string[] = [
  '# Generated by scripts/guard/build-lexicon.ts from data/guard/lexicon-templates.yaml (our own lists, section risks).',
  '# Exact subject × predicate phrases and hand-written phrases for A.1.e and A.1.g; a baseline, not a curated library.',
  '# term\tcategories\taction',
];
for (const [risk, r] of Object.entries(risks)) {
  const extra = risk.endsWith('A.1.e') ? ',ailuminate.hte' : '';
  for (const lang of ['zh', 'en'] as const) {
    for (const s of r.subjects[lang]) for (const pr of r.predicates[lang]) riskOut.push(`${lang === 'zh' ? s + pr.text : `${s} ${pr.text}`}\t${risk}${extra}\t${pr.action}`);
    for (const ph of r.phrases[lang]) riskOut.push(`${ph}\t${risk}${extra}\tflag`);
  }
}
writeFileSync(join(OUT, 'risk-generated.tsv'), riskOut.join('\n') + '\n');

// ---- pinyin, pinyin-initial and homophone variants of Chinese terms (scripts/guard/lexicon-variants.ts)
const variantStats: Record<string, Record<string, number>> = {};
// variants are also filtered against every benign prompt of the classifier training sources
const charFreq = new Map<string, number>();
for (const d of benign) for (const ch of d) if (ch >= '\u4e00' && ch <= '\u9fff') charFreq.set(ch, (charFreq.get(ch) ?? 0) + 1);
const variantBenign = [...benign, ...loadExamples(DS).filter((e) => e.inj !== 1 && e.harm !== 1 && e.out === undefined).map((e) => normalise(e.text).text)];
function writeVariants(file: string, from: LexiconEntry[], header: string[]): void {
  const base = new Set<string>();
  for (const f of readdirSync(OUT).filter((f) => f.endsWith('.tsv') && !f.includes('-variants'))) for (const e of loadLexicon(join(OUT, f))) base.add(normaliseTerm(e.term));
  const vs = new Map<string, { cats: string[]; action: Action; kind: VariantKind }>();
  for (const e of from) {
    for (const v of termVariants(normaliseTerm(e.term), ROOT, charFreq)) {
      const k = normaliseTerm(v.text);
      if (!k || base.has(k) || vs.has(k)) continue;
      // initials are ambiguous: they only flag
      vs.set(k, { cats: e.categories, action: v.kind === 'initials' && e.action === 'block' ? 'flag' : e.action!, kind: v.kind });
    }
  }
  const vkeys = [...vs.keys()];
  const hits = benignHits(vkeys, variantBenign);
  const stats: Record<string, number> = { sourceTerms: from.length, droppedInBenign: 0 };
  const lines = [...header, '# term\tcategories\taction'];
  vkeys.forEach((k, i) => {
    if (hits[i]! >= 1) { stats.droppedInBenign!++; return; }
    const v = vs.get(k)!;
    stats[v.kind] = (stats[v.kind] ?? 0) + 1;
    lines.push(`${k}\t${v.cats.join(',')}\t${v.action}`);
  });
  writeFileSync(join(OUT, file), lines.join('\n') + '\n');
  variantStats[file] = stats;
}
writeVariants('zh-extra-variants.tsv', [...loadLexicon(join(OUT, 'zh-extra.tsv')), ...loadLexicon(join(OUT, 'risk-generated.tsv'))], [
  '# Generated by scripts/guard/build-lexicon.ts: pinyin, pinyin-initial and homophone spellings of the',
  '# Chinese terms of zh-extra.tsv and risk-generated.tsv (our own lists); variants found in benign text dropped.',
]);
writeVariants('zh-sensitive-variants.tsv', entries.filter((e) => e.action === 'block'), [
  '# Derived from konsheng/Sensitive-lexicon @ 5a8da94c (MIT; see zh-sensitive.LICENSE and zh-sensitive.NOTICE.md).',
  '# Generated by scripts/guard/build-lexicon.ts: pinyin, pinyin-initial and homophone spellings of the',
  '# block-action terms of zh-sensitive.tsv; variants found in benign text dropped.',
]);

// coverage over every lexicon file in the folder
const all: LexiconEntry[] = [];
const allBase: LexiconEntry[] = [];
for (const f of readdirSync(OUT).filter((f) => f.endsWith('.tsv')).sort()) {
  const es = loadLexicon(join(OUT, f));
  all.push(...es);
  if (!f.includes('-variants')) allBase.push(...es);
}
const cov = coverageReport(all);
const covBase = coverageReport(allBase);
const byAction: Record<string, number> = {};
for (const e of entries) byAction[e.action!] = (byAction[e.action!] ?? 0) + 1;
console.log(JSON.stringify({ sourceRows: rows.length, kept: entries.length, byAction, dropped, variants: variantStats, coverageWithoutVariants: { total: covBase.total, ok: covBase.ok, risks: covBase.risks.map((r) => `${r.id}=${r.count}/${r.required}`), shortfalls: covBase.shortfalls }, coverage: { total: cov.total, ok: cov.ok, risks: cov.risks.map((r) => `${r.id}=${r.count}/${r.required}`), shortfalls: cov.shortfalls, other: cov.other } }, null, 1));
