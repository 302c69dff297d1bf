import { z } from 'zod';
import { BilingualSchema } from './i18n.ts';

/**
 * An AI system under governance (design.md §3). The enumerations are deliberately closed so that
 * classification rules (data/rules/classification.yaml) can be validated against them at start-up.
 */
export const ORGANISATION_ROLES = ['technology-provider', 'application-provider', 'both'] as const;
export const LIFECYCLE_STAGES = ['planning', 'design', 'development', 'testing', 'deployment', 'operation', 'retired'] as const;
export const DOMAINS = [
  'finance', 'medical', 'government', 'education', 'transport', 'energy', 'telecom', 'public-safety',
  'critical-infrastructure', 'employment', 'legal', 'retail', 'media', 'entertainment', 'social', 'software-engineering',
  'manufacturing', 'internal-operations', 'general',
] as const;
export const DEPLOYMENT_MODES = ['saas', 'public-api', 'private-cloud', 'on-premise', 'edge', 'embedded'] as const;
export const POPULATIONS = ['internal', 'business', 'public', 'minors'] as const;
export const AUTONOMY_LEVELS = ['L1', 'L2', 'L3', 'L4'] as const;
export const MODEL_SOURCES = ['proprietary', 'open-source', 'third-party-api', 'fine-tuned'] as const;
export const CAPABILITIES = [
  'text-generation', 'image-generation', 'audio-generation', 'video-generation', 'code-generation', 'rag',
  'tool-use', 'agent', 'decision-support', 'automated-decision', 'biometric-identification', 'emotion-recognition',
  'profiling', 'recommendation', 'companionship', 'content-moderation',
] as const;
export const DATA_CATEGORIES = [
  'public', 'proprietary', 'personal', 'sensitive-personal', 'biometric', 'health', 'financial', 'minors',
  'important-data', 'source-code', 'credentials',
] as const;
export const JURISDICTIONS = ['cn', 'eu', 'us', 'other'] as const;

export const ModelRefSchema = z
  .object({
    name: z.string().min(1).max(200),
    version: z.string().max(100).optional(),
    source: z.enum(MODEL_SOURCES).default('third-party-api'),
    provider: z.string().max(200).optional(),
  })
  .strict();
export type ModelRef = z.infer<typeof ModelRefSchema>;

/** Attributes a user supplies; everything classification derives is computed from these. */
export const SystemAttributesSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    owner: z.string().min(1).max(200),
    organisation: z.string().max(200).optional(),
    organisationRole: z.enum(ORGANISATION_ROLES).default('application-provider'),
    lifecycleStage: z.enum(LIFECYCLE_STAGES).default('development'),
    domain: z.enum(DOMAINS),
    deploymentMode: z.enum(DEPLOYMENT_MODES).default('saas'),
    models: z.array(ModelRefSchema).max(50).default([]),
    population: z.enum(POPULATIONS),
    userCount: z.number().int().min(0).max(10_000_000_000).optional(),
    autonomyLevel: z.enum(AUTONOMY_LEVELS).default('L1'),
    capabilities: z.array(z.enum(CAPABILITIES)).max(CAPABILITIES.length).default([]),
    dataCategories: z.array(z.enum(DATA_CATEGORIES)).max(DATA_CATEGORIES.length).default([]),
    jurisdictions: z.array(z.enum(JURISDICTIONS)).max(JURISDICTIONS.length).default(['cn']),
    /** Risks whose score exceeds this (1–25, likelihood × impact) are not acceptable without treatment. */
    acceptabilityThreshold: z.number().int().min(1).max(25).default(8),
    tags: z.array(z.string().min(1).max(60)).max(50).default([]),
  })
  .strict();
export type SystemAttributes = z.infer<typeof SystemAttributesSchema>;
export type SystemAttributesInput = z.input<typeof SystemAttributesSchema>;

export const GRADES = ['low', 'medium', 'high', 'critical'] as const;
export type Grade = (typeof GRADES)[number];
export const EU_AI_ACT_TIERS = ['prohibited', 'high-risk', 'limited-risk', 'minimal-risk', 'gpai', 'gpai-systemic'] as const;
export type EuAiActTier = (typeof EU_AI_ACT_TIERS)[number];

/** One explained conclusion: what was derived, and the rule and attribute values that produced it. */
export const DerivationReasonSchema = z.object({
  ruleId: z.string(),
  because: BilingualSchema,
});
export type DerivationReason = z.infer<typeof DerivationReasonSchema>;

export const ObligationSchema = z.object({
  id: z.string(),
  framework: z.string(),
  title: BilingualSchema,
  /** Taxonomy ids of the measures/controls this obligation instantiates for the system. */
  controlIds: z.array(z.string()),
  reason: DerivationReasonSchema,
});
export type Obligation = z.infer<typeof ObligationSchema>;

export const ClassificationSchema = z.object({
  grade: z.enum(GRADES),
  gradeReasons: z.array(DerivationReasonSchema),
  euAiActTier: z.enum(EU_AI_ACT_TIERS).nullable(),
  euAiActReasons: z.array(DerivationReasonSchema),
  financeAutonomyLevel: z.enum(AUTONOMY_LEVELS).nullable(),
  financeAutonomyReasons: z.array(DerivationReasonSchema),
  obligations: z.array(ObligationSchema),
  rulesVersion: z.string(),
});
export type Classification = z.infer<typeof ClassificationSchema>;

/** Attribute changes that GB/T 45654 treats as a major update requiring re-assessment. */
export const MAJOR_CHANGE_FIELDS = ['models', 'domain', 'population'] as const;
