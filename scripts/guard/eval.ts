// End-to-end evaluation of the default guard policy (keywords + classifiers + PII) on the held
// back test split (rows the shipped models never saw), per source: block rate for attack /
// harmful sources (recall), block rate for benign sources (false positives). Also reports a
// keyword-only policy as the baseline. Prints JSON; no rows.
//
//   node --import tsx scripts/guard/eval.ts [datasetsDir]
import { createGuard, defaultPolicy, type GuardPolicy } from '../../src/guard/index.ts';
import { loadExamples, splitOf } from './train-data.ts';

const DS = process.argv[2] ?? '/work/shared/datasets';
const test = loadExamples(DS).filter((e) => splitOf(e) === 'test');
const all = test.filter((e) => e.out === undefined);
const outputs = test.filter((e) => e.out !== undefined);
const full = createGuard(defaultPolicy());
const kwPolicy: GuardPolicy = { ...defaultPolicy(), input: defaultPolicy().input.filter((s) => s.type === 'keyword') };
const kwOnly = createGuard(kwPolicy);

type Agg = { n: number; blocked: number; kwBlocked: number; flagged: number; label: 'attack' | 'harmful' | 'benign' };
const by = new Map<string, Agg>();
for (const e of all) {
  const label = e.inj === 1 ? 'attack' : e.harm === 1 ? 'harmful' : 'benign';
  let a = by.get(e.source);
  if (!a) by.set(e.source, (a = { n: 0, blocked: 0, kwBlocked: 0, flagged: 0, label }));
  a.n++;
  const r = full.check({ text: e.text, direction: 'input' });
  if (r.action === 'block') a.blocked++;
  else if (r.action === 'flag') a.flagged++;
  if (kwOnly.check({ text: e.text, direction: 'input' }).action === 'block') a.kwBlocked++;
}
const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const rows: Record<string, unknown> = {};
const tot: Record<string, { n: number; blocked: number; kw: number }> = {};
for (const [s, a] of [...by].sort()) {
  rows[s] = { label: a.label, n: a.n, blockRate: r3(a.blocked / a.n), flagRate: r3(a.flagged / a.n), keywordOnlyBlockRate: r3(a.kwBlocked / a.n) };
  const key = `${a.label}:${/[\u4e00-\u9fff]/.test(s) || s.includes('-zh-') || ['cvalues', 'safetybench-zh'].includes(s) ? 'zh' : 'en'}`;
  const t = (tot[key] ??= { n: 0, blocked: 0, kw: 0 });
  t.n += a.n; t.blocked += a.blocked; t.kw += a.kwBlocked;
}
const summary = Object.fromEntries(Object.entries(tot).sort().map(([k, t]) => [k, { n: t.n, blockRate: r3(t.blocked / t.n), keywordOnlyBlockRate: r3(t.kw / t.n) }]));
// output direction: model responses (harmful = the response complies with a harmful request)
const outBy = new Map<string, { n: number; blocked: number; flagged: number; label: string }>();
for (const e of outputs) {
  let a = outBy.get(e.source);
  if (!a) outBy.set(e.source, (a = { n: 0, blocked: 0, flagged: 0, label: e.out === 1 ? 'harmful-response' : 'benign-response' }));
  a.n++;
  const r = full.check({ text: e.text, direction: 'output' });
  if (r.action === 'block') a.blocked++;
  else if (r.action === 'flag') a.flagged++;
}
const outRows = Object.fromEntries([...outBy].sort().map(([s, a]) => [s, { label: a.label, n: a.n, blockRate: r3(a.blocked / a.n), flagRate: r3(a.flagged / a.n) }]));
const outTot: Record<string, { n: number; blocked: number }> = {};
for (const a of outBy.values()) { const t = (outTot[a.label] ??= { n: 0, blocked: 0 }); t.n += a.n; t.blocked += a.blocked; }
const outputSummary = Object.fromEntries(Object.entries(outTot).sort().map(([k, t]) => [k, { n: t.n, blockRate: r3(t.blocked / t.n) }]));
console.log(JSON.stringify({ policy: 'data/guard/policies/default.yaml', split: 'test (20%, grouped)', summary, bySource: rows, output: { summary: outputSummary, bySource: outRows } }, null, 1));
