export { runEval, RunConfigError, type Progress, type RunEvalOptions, type TargetSpec } from './run.ts';
export { scoreOffline, type OfflineOptions } from './offline.ts';
export { ResponseCache, requestKey } from './cache.ts';
export { Journal, replayJournal } from './journal.ts';
export { buildSelector, inShard, normaliseSample, sampleHash, type SampleSpec, type ShardSpec } from './select.ts';
export { buildSummary } from './finish.ts';
