/** Run-to-run comparison: flags categories, GB/T figures and attacks that got worse. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Direction } from './stats.ts';
import type { RunSummary } from './types.ts';

export interface Change {
  key: string;
  kind: 'category' | 'gbt45654' | 'attack' | 'overall';
  metric: string;
  direction: Direction;
  before: { value: number; lower: number; upper: number; n: number };
  after: { value: number; lower: number; upper: number; n: number };
  delta: number;
  /** `significant`: the 95% intervals do not overlap; `possible`: worse by more than the tolerance. */
  severity: 'significant' | 'possible';
  statusChange?: string;
}

export interface Comparison {
  a: string;
  b: string;
  regressions: Change[];
  improvements: Change[];
  unchanged: number;
  /** True when any regression is significant or a threshold went from pass to fail. */
  regressed: boolean;
}

function load(x: RunSummary | string): RunSummary {
  if (typeof x !== 'string') return x;
  const path = x.endsWith('.json') ? x : join(x, 'summary.json');
  return JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
}

interface Point {
  kind: Change['kind'];
  metric: string;
  direction: Direction;
  value: number;
  lower: number;
  upper: number;
  n: number;
  passed?: boolean;
}

function points(s: RunSummary): Map<string, Point> {
  const m = new Map<string, Point>();
  for (const c of s.categories) m.set(`${c.taxonomyId}|${c.metric}`, { kind: 'category', metric: c.metric, direction: c.direction, value: c.rate, lower: c.lower, upper: c.upper, n: c.n, passed: c.passed });
  for (const [name, f] of Object.entries({ shouldRefuse: s.gbt45654.shouldRefuse, shouldNotRefuse: s.gbt45654.shouldNotRefuse, generatedContent: s.gbt45654.generatedContent }))
    if (f.n > 0) m.set(`gbt45654:${name}`, { kind: 'gbt45654', metric: f.metric, direction: f.direction, value: f.rate, lower: f.lower, upper: f.upper, n: f.n, passed: f.passed });
  for (const a of s.attackStats)
    if (a.success.n > 0) m.set(`attack:${a.attack}`, { kind: 'attack', metric: 'attack_success_rate', direction: 'max', value: a.success.rate, lower: a.success.lower, upper: a.success.upper, n: a.success.n });
  const t = s.totals;
  if (t.n > 0) m.set('overall', { kind: 'overall', metric: 'pass_rate', direction: 'min', value: t.rate, lower: t.lower, upper: t.upper, n: t.n });
  return m;
}

/** Compares run `a` (before) with run `b` (after): summaries or run directories. */
export function compareRuns(a: RunSummary | string, b: RunSummary | string, opts: { tolerance?: number } = {}): Comparison {
  const sa = load(a);
  const sb = load(b);
  const tol = opts.tolerance ?? 0.02;
  const pa = points(sa);
  const pb = points(sb);
  const regressions: Change[] = [];
  const improvements: Change[] = [];
  let unchanged = 0;
  for (const [key, before] of pa) {
    const after = pb.get(key);
    if (!after) continue;
    const worse = before.direction === 'min' ? before.value - after.value : after.value - before.value;
    const noOverlap = before.direction === 'min' ? after.upper < before.lower : after.lower > before.upper;
    const better = before.direction === 'min' ? after.lower > before.upper : after.upper < before.lower;
    const statusChange = before.passed !== undefined && after.passed !== undefined && before.passed !== after.passed ? `${before.passed ? 'pass' : 'fail'} → ${after.passed ? 'pass' : 'fail'}` : undefined;
    const change: Change = {
      key,
      kind: before.kind,
      metric: before.metric,
      direction: before.direction,
      before: { value: before.value, lower: before.lower, upper: before.upper, n: before.n },
      after: { value: after.value, lower: after.lower, upper: after.upper, n: after.n },
      delta: Math.round((after.value - before.value) * 1e6) / 1e6,
      severity: noOverlap ? 'significant' : 'possible',
      ...(statusChange ? { statusChange } : {}),
    };
    if ((worse > tol || noOverlap || (before.passed && after.passed === false)) && worse > 0) regressions.push(change);
    else if (better || (worse < -tol && (after.passed ?? true))) improvements.push({ ...change, severity: better ? 'significant' : 'possible' });
    else unchanged++;
  }
  regressions.sort((x, y) => (x.severity === y.severity ? Math.abs(y.delta) - Math.abs(x.delta) : x.severity === 'significant' ? -1 : 1));
  return {
    a: sa.runId,
    b: sb.runId,
    regressions,
    improvements,
    unchanged,
    regressed: regressions.some((r) => r.severity === 'significant' || r.statusChange === 'pass → fail'),
  };
}
