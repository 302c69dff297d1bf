// Prints the classifier figures of data/guard/models/metrics.json as Markdown tables (for
// docs/guard.md). Run after train.ts:  node --import tsx scripts/guard/report.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUARD_DATA_DIR } from '../../src/guard/data.ts';

type P = { n: number; pos: number; precision: number; recall: number; f1: number; fpr: number };
type S = Record<string, { n: number; rate: number; metric: string }>;
const m = JSON.parse(readFileSync(join(GUARD_DATA_DIR, 'models', 'metrics.json'), 'utf8')) as {
  report: Record<string, { threshold: number; train: number; val: number; test: number; test_model: P; test_model_by_language: Record<string, P>; test_keyword_baseline: P; members: Record<string, { l2: number; threshold: number; test: P }>; test_by_source: S; test_keyword_by_source: S }> & { categories?: { testAccuracy: number; test: number } };
  leaveOneSourceOut: Record<string, { heldOut: S; byMember?: Record<string, S>; withHarm?: S }>;
};
const f = (x: number): string => x.toFixed(3);
const name = { inj: 'injection / jailbreak', harm: 'harmful intent', out: 'harmful output' } as Record<string, string>;
const HEADS = ['inj', 'harm', 'out'].filter((h) => m.report[h]);
const out: string[] = [];
out.push('| classifier | test rows (pos) | model P | R | F1 | FPR | EN R / FPR | ZH R / FPR | keyword baseline P | R | F1 |', '|---|---|---|---|---|---|---|---|---|---|---|');
for (const h of HEADS) {
  const r = m.report[h]!;
  const en = r.test_model_by_language.en!, zh = r.test_model_by_language.zh!, k = r.test_keyword_baseline;
  const zhR = zh.pos ? f(zh.recall) : '–';
  out.push(`| ${name[h]} | ${r.test_model.n} (${r.test_model.pos}) | ${f(r.test_model.precision)} | ${f(r.test_model.recall)} | ${f(r.test_model.f1)} | ${f(r.test_model.fpr)} | ${f(en.recall)} / ${f(en.fpr)} | ${zhR} / ${f(zh.fpr)} | ${f(k.precision)} | ${f(k.recall)} | ${f(k.f1)} |`);
}
out.push('', '| classifier | member | L2 | own threshold | test P | R | F1 | FPR |', '|---|---|---|---|---|---|---|---|');
for (const h of HEADS) {
  for (const [mn, v] of Object.entries(m.report[h]!.members)) out.push(`| ${name[h]} | ${mn} | ${v.l2} | ${v.threshold} | ${f(v.test.precision)} | ${f(v.test.recall)} | ${f(v.test.f1)} | ${f(v.test.fpr)} |`);
}
out.push('', '| classifier | test source | n | metric | model | keyword baseline |', '|---|---|---|---|---|---|');
for (const h of HEADS) {
  const r = m.report[h]!;
  for (const [s, v] of Object.entries(r.test_by_source)) out.push(`| ${name[h]} | ${s} | ${v.n} | ${v.metric} | ${f(v.rate)} | ${f(r.test_keyword_by_source[s]!.rate)} |`);
}
out.push('', '| classifier | held-out source(s), never seen in training | n | metric | ensemble | n-gram member | concept member | with harmful model |', '|---|---|---|---|---|---|---|---|');
for (const [k, v] of Object.entries(m.leaveOneSourceOut)) {
  const [h, group] = k.split(':');
  for (const [s, x] of Object.entries(v.heldOut)) {
    if (s === 'pint') continue; // 8 mixed rows: too few to read
    const bm = v.byMember ?? {};
    const wh = v.withHarm?.[s] ? f(v.withHarm[s]!.rate) : '–';
    out.push(`| ${name[h!]} | ${group === s ? s : `${s} (with ${group!.split('+').filter((g) => g !== s).join(', ')})`} | ${x.n} | ${x.metric} | ${f(x.rate)} | ${bm.ngram?.[s] ? f(bm.ngram[s]!.rate) : '–'} | ${bm.concept?.[s] ? f(bm.concept[s]!.rate) : '–'} | ${wh} |`);
  }
}
if (m.report.categories) out.push('', `Harm-category head: accuracy ${f(m.report.categories.testAccuracy)} on ${m.report.categories.test} categorised harmful test rows.`);
console.log(out.join('\n'));
