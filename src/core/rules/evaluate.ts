import { validationFailed } from '../errors.ts';
import { maxImpact, type Analysis, type Evaluation, type Priority } from '../risk.ts';
import { evaluate, formatNumber } from './conditions.ts';
import { reasonText } from './classify.ts';
import type { RuleSet } from './load.ts';
import { RISK_SCOPE, type RiskContext } from './scopes.ts';

/**
 * Scores an analysis and sets its priority with data/rules/risk-evaluation.yaml:
 * score = likelihood × max impact; the first priority rule that matches wins;
 * acceptable = score <= threshold.
 */
export function evaluateRisk(analysis: Analysis, acceptabilityThreshold: number, rules: RuleSet): Evaluation {
  if (!Number.isFinite(acceptabilityThreshold) || acceptabilityThreshold < 1 || acceptabilityThreshold > 25) {
    throw validationFailed('the acceptability threshold must be between 1 and 25', { field: 'acceptabilityThreshold', allowed: '1–25' });
  }
  const impact = maxImpact(analysis.impact);
  if (impact < 1) throw validationFailed('give at least one impact dimension', { field: 'impact', allowed: 'peopleSafety, financial, legal, reputation, societal: 1–5' });
  const score = analysis.likelihood * impact;
  const ctx: RiskContext = { analysis, score, maxImpact: impact, threshold: acceptabilityThreshold };
  for (const rule of rules.riskEvaluation.priorityRules) {
    const facts = evaluate(rule.when, RISK_SCOPE, ctx);
    if (!facts) continue;
    const because = reasonText(rules, 'priority', rules.labels.value('priority', rule.priority), facts, rule.note, {
      score: formatNumber(score),
      likelihood: formatNumber(analysis.likelihood),
      impact: formatNumber(impact),
      threshold: formatNumber(acceptabilityThreshold),
    });
    return {
      likelihood: analysis.likelihood,
      impact,
      score,
      priority: rule.priority,
      acceptable: score <= acceptabilityThreshold,
      threshold: acceptabilityThreshold,
      ruleId: rule.id,
      because,
    };
  }
  // Unreachable: the loader requires the last rule to have no condition.
  throw new Error('no priority rule matched');
}

/** Days until the next review of a risk of this priority (risk-evaluation.yaml reviewIntervalDays). */
export function reviewIntervalDays(priority: Priority, rules: RuleSet): number {
  return rules.riskEvaluation.reviewIntervalDays[priority];
}
