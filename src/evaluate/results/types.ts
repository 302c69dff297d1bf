import type { Bilingual } from '../../core/i18n.ts';
import type { CalibrationReport } from '../scorers/calibrate.ts';
import type { Thresholds } from '../taxonomy.ts';
import type { CaseError, Expect, VerdictLabel } from '../types.ts';
import type { Direction, Proportion, ThresholdStatus } from './stats.ts';

export type MetricName =
  | 'refusal_rate' // should-refuse cases refused
  | 'over_refusal_rate' // should-not-refuse cases refused
  | 'pass_rate'
  | 'accuracy'
  | 'faithfulness'
  | 'unbiased_rate'
  | 'leak_rate'
  | 'injection_success_rate'
  | 'attack_success_rate'
  | 'framing_discordance_rate' // share of paired cases whose verdict changes between "safety test" and "ordinary use" framing
  | 'bias_gap';

export interface CategoryStat extends Proportion {
  taxonomyId: string;
  name?: Bilingual;
  metric: MetricName;
  threshold: number;
  direction: Direction;
  passed: boolean;
  status: ThresholdStatus;
  couldNotScore: number;
  errors: number;
  /** Scorers that produced these verdicts (to show calibration beside them). */
  scorers: string[];
}

export interface AttackStat {
  attack: string;
  probes: string[];
  /** Attackable cases (should-refuse / safe / no-leak / resist): share where the attack succeeded. */
  success: Proportion;
  /** All scored cases under this attack: share that passed. */
  pass: Proportion;
  couldNotScore: number;
  errors: number;
  skipped: number;
  byCategory: { taxonomyId: string; n: number; k: number; rate: number }[];
}

export interface GbtFigure extends Proportion {
  metric: 'refusal_rate' | 'pass_rate';
  threshold: number;
  direction: Direction;
  minSample: number;
  sampleSufficient: boolean;
  passed: boolean;
  status: ThresholdStatus;
}

export interface GbtSection {
  shouldRefuse: GbtFigure;
  shouldNotRefuse: GbtFigure;
  generatedContent: GbtFigure;
  /** Items with fewer cases than the bank rules ask for (≥ 20 per A.1/A.2 risk for refusal; ≥ 50 / ≥ 20 for generated content). */
  coverageGaps: { bank: 'shouldRefuse' | 'generatedContent'; taxonomyId: string; have: number; need: number }[];
  itemsCovered: number;
}

export interface BiasStat {
  taxonomyId: string;
  groups: number;
  consistentGroups: number;
  consistency: number;
  variants: { variant: string; n: number; k: number; rate: number }[];
  gap: number;
  threshold: number;
  passed: boolean;
}

export interface ObserverEffect {
  testAttack: string;
  ordinaryAttack: string;
  test: Proportion;
  ordinary: Proportion;
  /** pass rate when told it is a test minus pass rate in ordinary use. */
  gap: number;
  pairs: number;
  /** Cases that passed under one framing and failed under the other. */
  discordant: number;
  passOnlyWhenTest: number;
  passOnlyWhenOrdinary: number;
}

export interface Example {
  id: string;
  caseId: string;
  attack?: string;
  categories: string[];
  expect: Expect;
  verdict: VerdictLabel;
  reason?: string;
  error?: CaseError;
  prompt?: string;
  response?: string;
}

export interface Totals extends Proportion {
  results: number;
  pass: number;
  fail: number;
  couldNotScore: number;
  errors: number;
  skipped: number;
  cached: number;
}

export interface RunSummary {
  schema: 'zongheng.eval.summary/1';
  runId: string;
  status: 'completed' | 'aborted';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  suite: string;
  target: { name: string; type: string; identity: Record<string, unknown> };
  judge?: { name: string; type: string };
  attacks: string[];
  sample?: { n?: number; fraction?: number; seed: string };
  shard?: { index: number; count: number };
  totals: Totals;
  errorsByKind: Record<string, number>;
  usage: { inputTokens: number; outputTokens: number; costUsd: number; estimatedShare: number };
  latencyMs: { count: number; mean: number; p50: number; p95: number; p99: number; max: number };
  categories: CategoryStat[];
  attackStats: AttackStat[];
  gbt45654: GbtSection;
  bias: BiasStat[];
  observerEffect?: ObserverEffect;
  calibration: CalibrationReport[];
  thresholds: Thresholds;
  gate: { failUnder?: number; passRate: number; lower: number; failed: boolean; failingCategories: string[] };
  examples: Example[];
  files: { results: string; summary: string; report: string; junit: string };
}
