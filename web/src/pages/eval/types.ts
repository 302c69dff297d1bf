// Shapes of the evaluation-run API (src/server/routes/eval.ts, summary.json). Only what the console reads.
import type { Bilingual } from '../../i18n/index.tsx';

export interface Rate {
  k: number;
  n: number;
  rate: number;
  lower: number;
  upper: number;
}
export interface CategoryResult extends Rate {
  taxonomyId: string;
  name?: Bilingual;
  metric: string;
  direction: 'min' | 'max';
  threshold: number;
  passed: boolean;
  status: string;
  couldNotScore?: number;
  errors?: number;
}
export interface GbtFigure extends Rate {
  metric: string;
  direction: 'min' | 'max';
  threshold: number;
  passed: boolean;
  status: string;
  minSample: number;
  sampleSufficient: boolean;
}
export interface Totals extends Rate {
  pass: number;
  fail: number;
  errors: number;
  results: number;
  skipped: number;
  couldNotScore: number;
}
export interface Summary {
  status: string;
  suite: string;
  target: { name: string; type?: string };
  totals: Totals;
  gate?: { failed: boolean; passRate: number; lower: number; failingCategories: string[] };
  categories?: CategoryResult[];
  gbt45654?: { shouldRefuse?: GbtFigure; shouldNotRefuse?: GbtFigure; generatedContent?: GbtFigure; itemsCovered?: number; coverageGaps?: { bank: string; have: number; need: number; taxonomyId: string }[] };
  attackStats?: { attack: string; n: number; successes?: number; rate?: number; lower?: number; upper?: number; [k: string]: unknown }[];
  observerEffect?: Record<string, unknown> | null;
  latencyMs?: { p50: number; p95: number; count: number };
  durationMs?: number;
}
export interface EvalRun {
  id: string;
  systemId: string | null;
  status: string;
  origin: string;
  suite: string;
  targetName: string;
  progress: { done: number; total: number; passed?: number; failed?: number; errors?: number; etaSeconds?: number } | null;
  summary: Summary | null;
  evidenceId: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  createdBy: string;
}
export interface ResultLine {
  id: string;
  caseId: string;
  categories: string[];
  expect?: string;
  lang?: string;
  verdict: string;
  prompt?: string;
  response?: string;
  error?: string;
  attack?: string;
  scorer?: { scorer?: string; reason?: string; [k: string]: unknown };
}
export interface Change {
  key: string;
  kind: string;
  metric: string;
  direction: 'min' | 'max';
  before: { value: number; lower: number; upper: number; n: number };
  after: { value: number; lower: number; upper: number; n: number };
  delta: number;
  severity: string;
}
export interface Comparison {
  a: string;
  b: string;
  regressions: Change[];
  improvements: Change[];
  unchanged?: unknown[];
  regressed: boolean;
}

export const pct = (x: number | undefined | null, digits = 1) => (x == null ? '—' : `${(x * 100).toFixed(digits)}%`);
