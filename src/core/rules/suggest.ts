import type { Bilingual } from '../i18n.ts';
import { IMPACT_DIMENSIONS, type Impact } from '../risk.ts';
import type { Classification, DerivationReason, SystemAttributes } from '../system.ts';
import { evaluate } from './conditions.ts';
import { reasonText } from './classify.ts';
import type { RuleSet } from './load.ts';
import { SYSTEM_SCOPE, type SystemContext } from './scopes.ts';

/** A risk worth entering in the register, from data/rules/suggestions.yaml. */
export interface Suggestion {
  /** The first rule (in file order) that suggested it; `reasons` lists every rule. */
  ruleId: string;
  /** Primary id first (TC260 where one fits), then the related ids of other frameworks. */
  taxonomyIds: string[];
  title: Bilingual;
  likelihood: number;
  impact: Impact;
  /** All reasons joined. */
  because: Bilingual;
  reasons: DerivationReason[];
}

/**
 * Risks the system's attributes (and its classification) suggest. Suggestions that share a primary
 * taxonomy id are merged: ids united, likelihood and each impact dimension at their maximum.
 */
export function suggestRisks(
  attrs: SystemAttributes,
  classification: Pick<Classification, 'grade' | 'euAiActTier' | 'financeAutonomyLevel'> | null | undefined,
  rules: RuleSet,
): Suggestion[] {
  const ctx: SystemContext = {
    attrs,
    derived: {
      grade: classification?.grade ?? null,
      euAiActTier: classification?.euAiActTier ?? null,
      financeAutonomyLevel: classification?.financeAutonomyLevel ?? null,
    },
  };
  const byPrimary = new Map<string, Suggestion>();
  const out: Suggestion[] = [];
  for (const rule of rules.suggestions) {
    const facts = evaluate(rule.when, SYSTEM_SCOPE, ctx);
    if (!facts) continue;
    const reason = { ruleId: rule.id, because: reasonText(rules, 'suggestion', rule.title, facts, rule.note) };
    const primary = rule.taxonomyIds[0]!;
    const have = byPrimary.get(primary);
    if (!have) {
      const s: Suggestion = {
        ruleId: rule.id,
        taxonomyIds: [...rule.taxonomyIds],
        title: rule.title,
        likelihood: rule.likelihood,
        impact: { ...rule.impact },
        because: reason.because,
        reasons: [reason],
      };
      byPrimary.set(primary, s);
      out.push(s);
      continue;
    }
    for (const id of rule.taxonomyIds) if (!have.taxonomyIds.includes(id)) have.taxonomyIds.push(id);
    have.likelihood = Math.max(have.likelihood, rule.likelihood);
    for (const d of IMPACT_DIMENSIONS) {
      const v = rule.impact[d];
      if (v !== undefined) have.impact[d] = Math.max(have.impact[d] ?? 0, v);
    }
    have.reasons.push(reason);
    const sep = rules.vocabulary.connectors.reasons;
    have.because = { zh: have.because.zh + sep.zh + reason.because.zh, en: have.because.en + sep.en + reason.because.en };
  }
  return out;
}
