import type { Bilingual } from '../i18n.ts';
import {
  AUTONOMY_LEVELS, GRADES, MAJOR_CHANGE_FIELDS,
  type Classification, type DerivationReason, type Obligation, type SystemAttributes,
} from '../system.ts';
import { evaluate, fill, renderFacts, type Condition, type Fact } from './conditions.ts';
import type { ClassificationRule, RuleSet } from './load.ts';
import type { ReasonTemplate } from './schemas.ts';
import { SYSTEM_SCOPE, type SystemContext } from './scopes.ts';

/** Builds a reason sentence: template(value, conditions) plus the rule's note. */
export function reasonText(
  rules: RuleSet,
  template: ReasonTemplate,
  value: Bilingual,
  facts: Fact[],
  note?: Bilingual,
  extra: Record<string, string> = {},
): Bilingual {
  const conditions = renderFacts(facts, rules.labels);
  const out = { zh: '', en: '' };
  for (const loc of ['zh', 'en'] as const) {
    out[loc] = fill(rules.vocabulary.reasons[template][loc], { ...extra, value: value[loc], conditions: conditions[loc] });
    if (note) out[loc] += fill(rules.vocabulary.connectors.note[loc], { note: note[loc] });
  }
  return out;
}

type Derived = 'financeAutonomyLevel' | 'euAiActTier' | 'grade';

/** The highest value (in `order`) over all matching rules that set `key`, with those rules' reasons. */
function derive<V extends string>(
  key: Derived,
  order: readonly V[],
  scope: Condition | undefined,
  fallback: V | undefined,
  ctx: SystemContext,
  rules: RuleSet,
): { value: V | null; reasons: DerivationReason[] } {
  let scopeFacts: Fact[] = [];
  if (scope) {
    const f = evaluate(scope, SYSTEM_SCOPE, ctx);
    if (!f) return { value: null, reasons: [] };
    scopeFacts = f;
  }
  const hits: { rule: ClassificationRule; value: V; facts: Fact[] }[] = [];
  for (const rule of rules.classification.rules) {
    const value = rule[key] as V | undefined;
    if (value === undefined) continue;
    const facts = evaluate(rule.when, SYSTEM_SCOPE, ctx);
    if (facts) hits.push({ rule, value, facts: [...scopeFacts, ...facts] });
  }
  const label = (v: V) => rules.labels.value(key, v);
  if (!hits.length) {
    if (fallback === undefined) return { value: null, reasons: [] };
    const because = reasonText(rules, `${key}Default`, label(fallback), scopeFacts);
    return { value: fallback, reasons: [{ ruleId: `defaults.${key}`, because }] };
  }
  const best = hits.reduce((m, h) => (order.indexOf(h.value) > order.indexOf(m) ? h.value : m), hits[0]!.value);
  const reasons = hits
    .filter((h) => h.value === best)
    .map((h) => ({ ruleId: h.rule.id, because: reasonText(rules, key, label(best), h.facts, h.rule.note) }));
  return { value: best, reasons };
}

/**
 * Classifies a system from its attributes with the rules of data/rules/classification.yaml:
 * finance autonomy level → EU AI Act tier → grade → obligations, each value with its reasons.
 */
export function classify(attrs: SystemAttributes, rules: RuleSet): Classification {
  const c = rules.classification;
  const ctx: SystemContext = { attrs, derived: { financeAutonomyLevel: null, euAiActTier: null, grade: null } };

  const fin = derive('financeAutonomyLevel', AUTONOMY_LEVELS, c.scopes.financeAutonomyLevel, c.defaults.financeAutonomyLevel, ctx, rules);
  ctx.derived.financeAutonomyLevel = fin.value;
  const tier = derive('euAiActTier', c.tierOrder, c.scopes.euAiActTier, c.defaults.euAiActTier, ctx, rules);
  ctx.derived.euAiActTier = tier.value;
  const grade = derive('grade', GRADES, undefined, c.defaults.grade, ctx, rules);
  ctx.derived.grade = grade.value;

  const obligations: Obligation[] = [];
  const seen = new Set<string>();
  for (const rule of c.rules) {
    if (!rule.obligations) continue;
    const facts = evaluate(rule.when, SYSTEM_SCOPE, ctx);
    if (!facts) continue;
    for (const id of rule.obligations) {
      if (seen.has(id)) continue;
      seen.add(id);
      const def = c.obligations.get(id)!;
      obligations.push({
        id,
        framework: def.framework,
        title: def.title,
        controlIds: [...new Set(def.controlIds)],
        reason: { ruleId: rule.id, because: reasonText(rules, 'obligation', def.title, facts, rule.note) },
      });
    }
  }

  return {
    grade: grade.value ?? c.defaults.grade,
    gradeReasons: grade.reasons,
    euAiActTier: tier.value,
    euAiActReasons: tier.reasons,
    financeAutonomyLevel: fin.value,
    financeAutonomyReasons: fin.reasons,
    obligations,
    rulesVersion: c.version,
  };
}

/** Every control id the classification's obligations require, deduplicated, in obligation order. */
export function requiredControlIds(classification: Classification): string[] {
  return [...new Set(classification.obligations.flatMap((o) => o.controlIds))];
}

type MajorField = (typeof MAJOR_CHANGE_FIELDS)[number];
interface MajorChangeView {
  models?: readonly { name: string; version?: string | undefined; source?: string | undefined }[];
  domain?: string;
  population?: string;
}

/**
 * Which of MAJOR_CHANGE_FIELDS differ between two attribute sets (GB/T 45654: a major change
 * requires re-assessment). Models are compared as a set of name + version + source.
 */
export function diffMajorChange(before: MajorChangeView, after: MajorChangeView): MajorField[] {
  const modelKeys = (v: MajorChangeView) =>
    (v.models ?? [])
      .map((m) => JSON.stringify([m.name, m.version ?? null, m.source ?? 'third-party-api']))
      .sort()
      .join('\n');
  const changed: MajorField[] = [];
  for (const f of MAJOR_CHANGE_FIELDS) {
    const differs = f === 'models' ? modelKeys(before) !== modelKeys(after) : before[f] !== after[f];
    if (differs) changed.push(f);
  }
  return changed;
}
