import { z } from 'zod';

/**
 * Evidence: the one shape in which technical modules report to the governance core (design.md §1).
 * The governance core reads `summary` through the rule table in data/rules/evidence.yaml.
 */
export const EVIDENCE_KINDS = [
  'evaluation', // a test/red-team run: per-category results
  'guardrail', // runtime aggregates from the guard/gateway
  'policy', // a guard policy activated/changed
  'scan', // infra / model-file / dependency scan findings
  'label', // content-labelling checks
  'monitor-alert', // an alert fired by monitoring
  'attestation', // a person attests a control works (document, review, sign-off)
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const EVIDENCE_PRODUCERS = ['evaluate', 'guard', 'gateway', 'scan', 'label', 'monitor', 'manual', 'import'] as const;

/** A per-category measurement, e.g. refusal rate for gbt45654.A.1.d. `passed` is decided by the producer. */
export const CategoryResultSchema = z
  .object({
    taxonomyId: z.string().min(1).max(100),
    metric: z.string().min(1).max(60), // e.g. refusal_rate, attack_success_rate, accuracy, block_rate
    value: z.number().min(0).max(1e12),
    threshold: z.number().min(0).max(1e12).optional(),
    passed: z.boolean().optional(),
    n: z.number().int().min(0).optional(),
    /** Lower/upper confidence bound when the producer computed one (e.g. Wilson 95%). */
    lower: z.number().optional(),
    upper: z.number().optional(),
  })
  .strict();
export type CategoryResult = z.infer<typeof CategoryResultSchema>;

export const FindingSchema = z
  .object({
    title: z.string().min(1).max(300),
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
    taxonomyIds: z.array(z.string().min(1).max(100)).max(20).default([]),
    location: z.string().max(500).optional(),
    detail: z.string().max(5000).optional(),
  })
  .strict();
export type Finding = z.infer<typeof FindingSchema>;

export const EvidenceSummarySchema = z
  .object({
    categories: z.array(CategoryResultSchema).max(500).default([]),
    findings: z.array(FindingSchema).max(1000).default([]),
    /** Free-form figures (requests, blocks, cases…): numbers only, shown in reports. */
    metrics: z.record(z.string().max(80), z.number()).default({}),
    /** Control (measure) taxonomy ids the producer claims are in place, e.g. an active guard policy → tc260.4.2.1.a. */
    controlsImplemented: z.array(z.string().max(100)).max(100).default([]),
    /** Control taxonomy ids a person or a passing check attests as verified. */
    controlsVerified: z.array(z.string().max(100)).max(100).default([]),
  })
  .strict();
export type EvidenceSummary = z.infer<typeof EvidenceSummarySchema>;

export const EvidenceInputSchema = z
  .object({
    kind: z.enum(EVIDENCE_KINDS),
    producer: z.enum(EVIDENCE_PRODUCERS),
    systemId: z.string().min(1).max(60),
    subject: z.string().min(1).max(500), // what was examined: run id, policy name, file, host
    summary: EvidenceSummarySchema.default({ categories: [], findings: [], metrics: {}, controlsImplemented: [], controlsVerified: [] }),
    detailsUrl: z.string().max(2000).optional(),
    producedAt: z.string().datetime({ offset: true }).optional(),
    /** Explicit links to existing register entries, in addition to what the rules derive. */
    riskIds: z.array(z.string().max(60)).max(100).default([]),
    controlIds: z.array(z.string().max(60)).max(100).default([]),
  })
  .strict();
export type EvidenceInput = z.infer<typeof EvidenceInputSchema>;
