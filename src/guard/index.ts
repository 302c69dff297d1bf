// Public API of the guard library (see docs/guard.md).
export { createGuard, applyMasks, type Guard, type GuardOptions } from './guard.ts';
export { parsePolicy, validatePolicy, defaultPolicy, formatPath, GuardPolicyError, GuardPolicySchema, type GuardPolicy, type GuardPolicyInput, type ScannerConfig, type PolicyIssue } from './policy.ts';
export { normalise, normaliseTerm, toOriginal, type Normalised, type NormaliseMode } from './normalise.ts';
export { StreamScanner, type StreamOptions, type StreamUpdate } from './stream.ts';
export { KeywordScanner, PiiScanner, RegexScanner, ClassifierScanner, compileUserRegex, RegexPatternError } from './scanners.ts';
export { JudgeScanner, buildJudgeRequests, parseJudgeResponse, type FetchLike, type JudgeVerdict } from './judge.ts';
export { AhoCorasick } from './aho.ts';
export { CompiledLexicon, parseLexicon, loadLexicon, loadAllowList, coverageReport, type LexiconEntry, type KeywordHit, type CoverageReport, type CoverageRisk } from './lexicon.ts';
export { detectPii, maskValue, isValidCnId, isValidLuhn, isValidUscc, isValidIPv4, entropy, PII_ENTITIES, type PiiEntity, type PiiMatch, type PiiOptions, type MaskStyle } from './pii.ts';
export { Classifier, loadClassifier, type Prediction, type ModelFile } from './classifier.ts';
export { Featurizer, DEFAULT_FEATURES, type FeatureConfig } from './features.ts';
export { evaluateToolCall, parseToolPolicy, emptySession, globMatch, selectJsonPath, ToolPolicySchema, type ToolPolicy, type ToolPolicyInput, type ToolCall, type ToolCallDecision, type ToolDecision, type ToolSessionState } from './agent.ts';
export { ACTION_RANK, maxAction, type Action, type Direction, type Finding, type ScannerResult, type GuardResult, type CheckInput, type ScanContext, type ScanOutput, type Scanner, type AsyncScanner } from './types.ts';
