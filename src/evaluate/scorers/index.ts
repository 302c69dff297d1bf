export { detectRefusal, loadRefusalPatterns, REFUSAL_PATTERNS_FILE, type RefusalResult } from './refusal.ts';
export { JudgeOutputSchema, builtinRubric, judgeMessages, parseJudgeReply, runJudge, type JudgeInput, type JudgeOutput } from './judge.ts';
export { extractJson, regexFind, scoreAssertions, validateJsonSchema } from './match.ts';
export { normalise, numericMatch, supportRatio, tokenF1, tokens } from './text.ts';
export { scoreCase, scoreChoice, scoreFaithful, scoreLeak, scoreReference, type CustomScorerFn, type ScoreOptions } from './score.ts';
export { builtinRefusalCalibration, calibrate, readLabelled, type CalibrationReport, type LabelledItem, type ScorerLike } from './calibrate.ts';
export { calibrationsFor, saveCalibration, type SavedCalibration } from './calibration-store.ts';
