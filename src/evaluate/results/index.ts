export { Aggregator, thresholdFor } from './aggregate.ts';
export { compareRuns, type Change, type Comparison } from './compare.ts';
export { toEvidence } from './evidence.ts';
export { writeJunit, xmlEscape } from './junit.ts';
export { renderReport } from './report.ts';
export { barChart, esc } from './charts.ts';
export { Histogram, judgeThreshold, proportion, wilson, type Direction, type Proportion, type ThresholdStatus } from './stats.ts';
export type { AttackStat, BiasStat, CategoryStat, Example, GbtFigure, GbtSection, MetricName, ObserverEffect, RunSummary, Totals } from './types.ts';
