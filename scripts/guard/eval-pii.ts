// Evaluates the PII detectors on presidio-research's synthetic PII sentences (MIT; all values
// are fake) for the entity types both sides have: email, phone, credit card, IP address.
// A prediction is a true positive when it overlaps a gold span of the same type (each gold span
// counts once); "exact" additionally requires identical boundaries. Prints JSON; no rows.
//
//   node --import tsx scripts/guard/eval-pii.ts [datasetsDir]
import { join } from 'node:path';
import { detectPii, type PiiEntity } from '../../src/guard/pii.ts';
import { readJsonl } from './datasets.ts';

const DS = process.argv[2] ?? '/work/shared/datasets';
const MAP: Record<string, PiiEntity> = { EMAIL_ADDRESS: 'email', PHONE_NUMBER: 'phone', CREDIT_CARD: 'bank_card', IP_ADDRESS: 'ip' };
type Span = { type: PiiEntity; start: number; end: number };
const stats = new Map<PiiEntity, { tp: number; fp: number; fn: number; exact: number }>();
const st = (t: PiiEntity) => { let s = stats.get(t); if (!s) stats.set(t, (s = { tp: 0, fp: 0, fn: 0, exact: 0 })); return s; };
let rows = 0;
const t0 = performance.now();
for (const r of readJsonl(join(DS, 'presidio_synth_pii/synth_dataset_v2.jsonl'))) {
  rows++;
  const text = String(r.full_text);
  const gold: Span[] = (r.spans as { entity_type: string; start_position: number; end_position: number }[])
    .filter((s) => MAP[s.entity_type]).map((s) => ({ type: MAP[s.entity_type]!, start: s.start_position, end: s.end_position }));
  const pred = detectPii(text, { entities: ['email', 'phone', 'bank_card', 'ip'] });
  const used = new Set<number>();
  for (const p of pred) {
    const gi = gold.findIndex((g, i) => !used.has(i) && g.type === p.entity && p.start < g.end && g.start < p.end);
    if (gi >= 0) {
      used.add(gi);
      st(p.entity).tp++;
      if (gold[gi]!.start === p.start && gold[gi]!.end === p.end) st(p.entity).exact++;
    } else st(p.entity).fp++;
  }
  gold.forEach((g, i) => { if (!used.has(i)) st(g.type).fn++; });
}
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const out: Record<string, unknown> = {};
let TP = 0, FP = 0, FN = 0;
for (const [t, s] of [...stats].sort()) {
  TP += s.tp; FP += s.fp; FN += s.fn;
  const p = s.tp / Math.max(1, s.tp + s.fp), rc = s.tp / Math.max(1, s.tp + s.fn);
  out[t] = { gold: s.tp + s.fn, predicted: s.tp + s.fp, precision: r3(p), recall: r3(rc), f1: r3(p + rc ? 2 * p * rc / (p + rc) : 0), exactBoundaryShare: r3(s.exact / Math.max(1, s.tp)) };
}
const P = TP / Math.max(1, TP + FP), R = TP / Math.max(1, TP + FN);
console.log(JSON.stringify({ dataset: 'presidio_synth_pii (synth_dataset_v2)', rows, byEntity: out, micro: { precision: r3(P), recall: r3(R), f1: r3(2 * P * R / (P + R)) }, msTotal: Math.round(performance.now() - t0) }, null, 1));
