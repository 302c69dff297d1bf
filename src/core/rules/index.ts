/**
 * The governance rules engine: pure functions over rule tables in data/rules/*.yaml.
 *
 *   classify(attrs, rules)                       → Classification (grade, EU tier, finance level, obligations)
 *   suggestRisks(attrs, classification, rules)   → Suggestion[]
 *   evaluateRisk(analysis, threshold, rules)     → Evaluation (score, priority, acceptable, rule, reason)
 *   reviewIntervalDays(priority, rules)          → days to the next review
 *   evidenceEffects(evidence, ctx, rules)        → Effect[] (what the executor should do)
 *   diffMajorChange(before, after)               → the MAJOR_CHANGE_FIELDS that changed
 *
 * No policy lives in TypeScript: the engine only evaluates the generic condition language and
 * renders bilingual reasons from data/rules/vocabulary.yaml.
 */
import { checkKnownIds, loadRules, type LoadOptions, type RuleSet } from './load.ts';

export { classify, diffMajorChange, requiredControlIds } from './classify.ts';
export { suggestRisks, type Suggestion } from './suggest.ts';
export { evaluateRisk, reviewIntervalDays } from './evaluate.ts';
export {
  evidenceEffects,
  type Effect, type EffectSource, type EvidenceContext, type FlagControlsEffect, type IncidentSeverity,
  type MarkControlsEffect, type OpenIncidentEffect, type ProposeRiskEffect, type RaiseLikelihoodEffect,
} from './evidence.ts';
export {
  loadRules, checkKnownIds, listRuleIds, DEFAULT_RULES_DIR, RULE_FILES,
  type ClassificationRule, type ClassificationRules, type EvidenceRule, type EvidenceRules, type LoadOptions,
  type PriorityRule, type RiskEvaluationRules, type RuleSet, type SuggestionRule, type UnknownId,
} from './load.ts';
export type { Condition, Fact } from './conditions.ts';
export type { ObligationDef } from './schemas.ts';

let base: RuleSet | undefined;

/**
 * The rules in data/rules/, read and validated once per process. With `knownIds`, every taxonomy id
 * the rules mention is checked against it on each call (cheap), as in loadRules.
 */
export function defaultRules(opts: LoadOptions = {}): RuleSet {
  base ??= loadRules();
  return opts.knownIds ? checkKnownIds(base, opts.knownIds, opts.onUnknownId) : base;
}
