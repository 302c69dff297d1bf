import { z } from 'zod';

/** Risk analysis and treatment vocabulary (design.md §3, CAICT risk loop). */
export const IMPACT_DIMENSIONS = ['peopleSafety', 'financial', 'legal', 'reputation', 'societal'] as const;
export type ImpactDimension = (typeof IMPACT_DIMENSIONS)[number];

export const RISK_SOURCES = ['manual', 'suggestion', 'evaluation', 'scan', 'runtime', 'incident'] as const;
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const STRATEGIES = ['avoid', 'mitigate', 'accept', 'transfer'] as const;
export type Strategy = (typeof STRATEGIES)[number];
/**
 * proposed → identified (accepted into the register) → analysed (scored) → treating (plan set) →
 * treated (residual recorded) / accepted (residual accepted) → closed. `rejected` ends a proposal.
 */
export const RISK_STATUSES = ['proposed', 'identified', 'analysed', 'treating', 'treated', 'accepted', 'closed', 'rejected'] as const;
export type RiskStatus = (typeof RISK_STATUSES)[number];

const level = z.number().int().min(1).max(5);
export const LevelSchema = level;

/** Impact 1–5 per dimension; omitted dimensions are not affected. At least one is required. */
export const ImpactSchema = z
  .object({
    peopleSafety: level.optional(),
    financial: level.optional(),
    legal: level.optional(),
    reputation: level.optional(),
    societal: level.optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: 'give at least one impact dimension (peopleSafety, financial, legal, reputation, societal), each 1–5',
  });
export type Impact = z.infer<typeof ImpactSchema>;

export const AnalysisSchema = z
  .object({
    likelihood: level,
    impact: ImpactSchema,
    lossValue: z.number().min(0).max(1e15).optional(),
    rationale: z.string().max(5000).optional(),
  })
  .strict();
export type Analysis = z.infer<typeof AnalysisSchema>;

export interface Evaluation {
  likelihood: number;
  impact: number; // the maximum over dimensions
  score: number; // likelihood × impact, 1–25
  priority: Priority;
  acceptable: boolean;
  threshold: number;
  ruleId: string;
  because: { zh: string; en: string };
}

export function maxImpact(impact: Impact): number {
  let m = 0;
  for (const d of IMPACT_DIMENSIONS) m = Math.max(m, impact[d] ?? 0);
  return m;
}
