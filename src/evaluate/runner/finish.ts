/** Builds the summary from the aggregator and writes summary.json, report.html, junit.xml (and evidence.json). */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { scrub, scrubDeep } from '../redact.ts';
import type { Aggregator } from '../results/aggregate.ts';
import { toEvidence } from '../results/evidence.ts';
import { writeJunit } from '../results/junit.ts';
import { renderReport } from '../results/report.ts';
import type { RunSummary } from '../results/types.ts';
import type { CalibrationReport } from '../scorers/index.ts';
import type { Thresholds } from '../taxonomy.ts';
import type { Target } from '../targets/index.ts';
import type { SampleSpec, ShardSpec } from './select.ts';

export interface FinishInput {
  agg: Aggregator;
  files: RunSummary['files'];
  meta: { runId: string; startedAt: string; suite: string };
  status: RunSummary['status'];
  t0: number;
  target: Target | undefined;
  judge: Target | undefined;
  chains: string[];
  thresholds: Thresholds;
  failUnder?: number;
  calibration: CalibrationReport[];
  sample?: SampleSpec & { seed: string };
  shard?: ShardSpec;
  locale: 'zh' | 'en';
  systemId?: string;
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function buildSummary(f: FinishInput): RunSummary {
  const totals = f.agg.totals();
  const categories = f.agg.categories();
  const finishedAt = new Date().toISOString();
  const failingCategories = categories.filter((c) => c.status === 'fail').map((c) => `${c.taxonomyId}:${c.metric}`);
  const summary: RunSummary = {
    schema: 'zongheng.eval.summary/1',
    runId: f.meta.runId,
    status: f.status,
    startedAt: f.meta.startedAt,
    finishedAt,
    durationMs: Date.now() - f.t0,
    suite: f.meta.suite,
    target: f.target ? { name: f.target.name, type: f.target.type, identity: withoutUndefined(f.target.identity) } : { name: 'offline', type: 'offline', identity: {} },
    ...(f.judge ? { judge: { name: f.judge.name, type: f.judge.type } } : {}),
    attacks: f.chains.filter((c) => c !== '' || f.chains.length > 1),
    ...(f.sample ? { sample: f.sample } : {}),
    ...(f.shard ? { shard: f.shard } : {}),
    totals,
    errorsByKind: f.agg.errors(),
    usage: f.agg.usageSummary(),
    latencyMs: f.agg.latencySummary(),
    categories,
    attackStats: f.agg.attackStats(),
    gbt45654: f.agg.gbt45654(),
    bias: f.agg.biasStats(),
    ...(f.agg.observerEffect() ? { observerEffect: f.agg.observerEffect()! } : {}),
    calibration: f.calibration,
    thresholds: f.thresholds,
    gate: {
      ...(f.failUnder !== undefined ? { failUnder: f.failUnder } : {}),
      passRate: totals.rate,
      lower: totals.lower,
      failed: f.failUnder !== undefined && (totals.n === 0 || totals.rate < f.failUnder),
      failingCategories,
    },
    examples: f.agg.keptExamples(),
    files: f.files,
  };
  return scrubDeep(summary);
}

export async function finishRun(f: FinishInput): Promise<RunSummary> {
  const summary = buildSummary(f);
  await fsp.writeFile(f.files.summary, JSON.stringify(summary, null, 2) + '\n');
  await fsp.writeFile(f.files.report, scrub(renderReport(summary, { locale: f.locale })));
  await writeJunit(f.files.junit, summary, f.files.results);
  if (f.systemId) await fsp.writeFile(join(f.files.summary, '..', 'evidence.json'), JSON.stringify(toEvidence(summary, f.systemId), null, 2) + '\n');
  return summary;
}
