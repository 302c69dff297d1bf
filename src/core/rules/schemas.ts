import { z } from 'zod';
import { BilingualSchema } from '../i18n.ts';
import { AUTONOMY_LEVELS, EU_AI_ACT_TIERS, GRADES } from '../system.ts';
import { ImpactSchema, LevelSchema, PRIORITIES } from '../risk.ts';
import { EVIDENCE_KINDS } from '../evidence.ts';
import { CONDITION_TEMPLATES } from './conditions.ts';
import { FINDING_SEVERITIES } from './scopes.ts';

/** Shapes of the files in data/rules/. Conditions stay `unknown` here and are compiled by load.ts. */

const Bi = BilingualSchema;
const RuleId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'ids use letters, digits, ".", "_" and "-"');
/** Syntax of taxonomy ids; whether an id exists is checked against the registry through `knownIds`. */
export const TAXONOMY_FAMILIES = [
  'tc260', 'gbt45654', 'ailuminate', 'owasp-llm-2025', 'nist-rmf', 'nist-genai', 'iso42001', 'eu-ai-act',
] as const;
const TaxId = z
  .string()
  .regex(
    new RegExp(`^(${TAXONOMY_FAMILIES.join('|')})\\.[A-Za-z0-9][A-Za-z0-9._-]*$`),
    `a taxonomy id is <family>.<item> with family one of ${TAXONOMY_FAMILIES.join(', ')}`,
  );
const Version = z.literal(1);
const Sets = z.record(z.string(), z.array(z.string())).optional();
const Condition = z.unknown();

// ---------------------------------------------------------------- vocabulary.yaml
const templates = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, Bi])) as Record<K, typeof Bi>).strict();

export const REASON_TEMPLATES = {
  grade: ['value', 'conditions'],
  gradeDefault: ['value'],
  euAiActTier: ['value', 'conditions'],
  euAiActTierDefault: ['value', 'conditions'],
  financeAutonomyLevel: ['value', 'conditions'],
  financeAutonomyLevelDefault: ['value', 'conditions'],
  obligation: ['value', 'conditions'],
  suggestion: ['conditions'],
  priority: ['value', 'conditions', 'score', 'likelihood', 'impact', 'threshold'],
} as const;
export type ReasonTemplate = keyof typeof REASON_TEMPLATES;

export const VocabularyFileSchema = z
  .object({
    version: Version,
    connectors: z.object({ and: Bi, or: Bi, list: Bi, reasons: Bi, note: Bi }).strict(),
    conditions: templates(Object.keys(CONDITION_TEMPLATES) as (keyof typeof CONDITION_TEMPLATES)[]),
    reasons: templates(Object.keys(REASON_TEMPLATES) as ReasonTemplate[]),
    fields: z.record(z.string(), Bi),
    values: z.record(z.string(), z.record(z.string(), Bi)),
  })
  .strict();
export type VocabularyFile = z.infer<typeof VocabularyFileSchema>;

// ---------------------------------------------------------------- classification.yaml
export const ObligationDefSchema = z
  .object({ id: RuleId, framework: z.string().min(1), title: Bi, controlIds: z.array(TaxId).min(1) })
  .strict();
export type ObligationDef = z.infer<typeof ObligationDefSchema>;

export const ObligationsFileSchema = z.object({ version: Version, obligations: z.array(ObligationDefSchema).min(1) }).strict();
export type ObligationsFile = z.infer<typeof ObligationsFileSchema>;

export const ClassificationFileSchema = z
  .object({
    version: Version,
    sets: Sets,
    euAiActTierOrder: z.array(z.enum(EU_AI_ACT_TIERS)),
    scopes: z.object({ euAiActTier: Condition.optional(), financeAutonomyLevel: Condition.optional() }).strict().default({}),
    defaults: z
      .object({
        grade: z.enum(GRADES),
        euAiActTier: z.enum(EU_AI_ACT_TIERS).optional(),
        financeAutonomyLevel: z.enum(AUTONOMY_LEVELS).optional(),
      })
      .strict(),
    rules: z
      .array(
        z
          .object({
            id: RuleId,
            note: Bi.optional(),
            when: Condition.optional(),
            grade: z.enum(GRADES).optional(),
            euAiActTier: z.enum(EU_AI_ACT_TIERS).optional(),
            financeAutonomyLevel: z.enum(AUTONOMY_LEVELS).optional(),
            obligations: z.array(RuleId).min(1).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type ClassificationFile = z.infer<typeof ClassificationFileSchema>;

// ---------------------------------------------------------------- suggestions.yaml
export const SuggestionsFileSchema = z
  .object({
    version: Version,
    sets: Sets,
    rules: z
      .array(
        z
          .object({
            id: RuleId,
            note: Bi.optional(),
            when: Condition,
            taxonomyIds: z.array(TaxId).min(1),
            title: Bi,
            likelihood: LevelSchema,
            impact: ImpactSchema,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type SuggestionsFile = z.infer<typeof SuggestionsFileSchema>;

// ---------------------------------------------------------------- risk-evaluation.yaml
export const RiskEvaluationFileSchema = z
  .object({
    version: Version,
    score: z.literal('likelihood-times-max-impact'),
    priorityRules: z
      .array(z.object({ id: RuleId, priority: z.enum(PRIORITIES), when: Condition.optional(), note: Bi.optional() }).strict())
      .min(1),
    reviewIntervalDays: z
      .object(Object.fromEntries(PRIORITIES.map((p) => [p, z.number().int().min(1).max(3650)])) as Record<(typeof PRIORITIES)[number], z.ZodNumber>)
      .strict(),
  })
  .strict();
export type RiskEvaluationFile = z.infer<typeof RiskEvaluationFileSchema>;

// ---------------------------------------------------------------- evidence.yaml
export const EFFECT_SOURCES = ['evaluation', 'scan', 'runtime', 'incident'] as const;
export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const CONTROL_SETS = ['measures', 'controlsImplemented', 'controlsVerified'] as const;
const Likelihood = z.union([LevelSchema, z.literal('fromSeverity')]);
const ImpactSpec = z.union([ImpactSchema, z.literal('fromTaxonomy')]).default('fromTaxonomy');
const riskFields = {
  title: Bi,
  impact: ImpactSpec,
  source: z.enum(EFFECT_SOURCES).optional(),
  fallbackTaxonomyIds: z.array(TaxId).min(1).optional(),
};
export const EffectSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('propose-risk'), likelihood: Likelihood, ...riskFields }).strict(),
  z.object({ type: z.literal('raise-likelihood'), to: Likelihood, ...riskFields }).strict(),
  z.object({ type: z.literal('mark-controls'), status: z.enum(['implemented', 'verified']), controlIds: z.enum(CONTROL_SETS) }).strict(),
  z.object({ type: z.literal('flag-controls'), controlIds: z.enum(CONTROL_SETS) }).strict(),
  z.object({ type: z.literal('open-incident'), severity: z.enum([...INCIDENT_SEVERITIES, 'fromFinding']), title: Bi }).strict(),
]);
export type EffectSpec = z.infer<typeof EffectSpecSchema>;

const perKey = <K extends string, T extends z.ZodType>(keys: readonly K[], t: T) =>
  z.object(Object.fromEntries(keys.map((k) => [k, t])) as Record<K, T>).strict();

export const EvidenceFileSchema = z
  .object({
    version: Version,
    metrics: z.record(
      z.string().min(1).max(60),
      z.object({ higherIsBetter: z.boolean(), unit: z.enum(['fraction', 'percent', 'other']) }).strict(),
    ),
    sourceByKind: perKey(EVIDENCE_KINDS, z.enum(EFFECT_SOURCES)),
    likelihoodBySeverity: perKey(FINDING_SEVERITIES, LevelSchema),
    defaultImpact: ImpactSchema,
    impactByTaxonomy: z.array(z.object({ prefix: TaxId, impact: ImpactSchema }).strict()),
    labels: z
      .object({
        notGiven: Bi,
        directions: perKey(['higher', 'lower', 'unknown'] as const, Bi),
        severity: perKey(FINDING_SEVERITIES, Bi),
        kind: perKey(EVIDENCE_KINDS, Bi),
      })
      .strict(),
    rules: z
      .array(
        z
          .object({
            id: RuleId,
            on: z.enum(['evidence', 'category', 'finding']),
            when: Condition.optional(),
            effects: z.array(EffectSpecSchema).min(1),
            because: Bi,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type EvidenceFile = z.infer<typeof EvidenceFileSchema>;
