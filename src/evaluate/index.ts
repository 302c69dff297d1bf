/**
 * Zongheng evaluate: evaluation and red-team engine (development side). Usable as a library
 * without a server; the CLI (`zongheng eval run`) and the governance core call into it.
 *
 *   const summary = await runEval({ target: 'target.yaml', suite: 'gbt45654-refusal', out: 'out/run1' });
 *   const evidence = toEvidence(summary, systemId);
 */
export { runEval, scoreOffline, RunConfigError, ResponseCache, type Progress, type RunEvalOptions, type OfflineOptions, type TargetSpec, type SampleSpec, type ShardSpec } from './runner/index.ts';
export { compareRuns, toEvidence, renderReport, wilson, proportion, judgeThreshold, type Comparison, type RunSummary, type CategoryStat, type AttackStat, type GbtSection } from './results/index.ts';
export { builtinRefusalCalibration, calibrate, calibrationsFor, saveCalibration, readLabelled, scoreCase, detectRefusal, type SavedCalibration, type CalibrationReport, type LabelledItem, type ScoreOptions, type CustomScorerFn } from './scorers/index.ts';
export { readSuite, resolveSuite, listSuites, countCases, SuiteError, type SuiteInfo } from './suites/index.ts';
export { ATTACKS, listAttacks, parseChains, applyChain, AttackSpecError, type Attack, type AttackChain } from './attacks/index.ts';
export {
  createTarget,
  functionTarget,
  loadTargetFile,
  loadSecretsFile,
  TargetError,
  TargetConfigError,
  TARGET_TYPES,
  type Target,
  type TargetConfig,
  type TargetConfigInput,
  type SecretSource,
} from './targets/index.ts';
export { GBT45654_ITEMS, GBT45654_CORE17, GBT45654_THRESHOLDS, taxonomyName, type Thresholds } from './taxonomy.ts';
export { scrub, registerSecret } from './redact.ts';
export { EXPECTS } from './types.ts';
export type { Case, Message, Expect, ResultLine, Verdict, VerdictLabel, CaseError, ErrorKind } from './types.ts';
