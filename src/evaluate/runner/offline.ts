/**
 * Offline scoring: a JSONL (or YAML) of pre-captured items — a case's fields plus `response` —
 * scored without calling any target. Produces the same out/ files as a live run.
 */
import type { RunSummary } from '../results/types.ts';
import { runEval, type RunEvalOptions } from './run.ts';

export type OfflineOptions = Omit<RunEvalOptions, 'target' | 'suite' | 'offline' | 'attacks' | 'helpers'> & {
  /** Path to the captured items (each needs `response`), or an iterable of cases with `response`. */
  input: RunEvalOptions['suite'];
};

export function scoreOffline(opts: OfflineOptions): Promise<RunSummary> {
  const { input, ...rest } = opts;
  return runEval({ ...rest, suite: input, offline: true });
}
