import {
  AUTONOMY_LEVELS, CAPABILITIES, DATA_CATEGORIES, DEPLOYMENT_MODES, DOMAINS, EU_AI_ACT_TIERS, GRADES, JURISDICTIONS,
  LIFECYCLE_STAGES, MODEL_SOURCES, ORGANISATION_ROLES, POPULATIONS,
  type EuAiActTier, type Grade, type SystemAttributes,
} from '../system.ts';
import { EVIDENCE_KINDS, EVIDENCE_PRODUCERS, type CategoryResult, type EvidenceInput, type Finding } from '../evidence.ts';
import type { Analysis } from '../risk.ts';
import type { Scope } from './conditions.ts';

/**
 * The fields each rule file may test. This is schema knowledge (names, types, allowed values,
 * order of levels), not policy: what the fields mean for governance lives in data/rules/.
 */

export type AutonomyLevel = (typeof AUTONOMY_LEVELS)[number];

/** Classification / suggestion context: the attributes plus what has been derived so far. */
export interface SystemContext {
  attrs: SystemAttributes;
  derived: { financeAutonomyLevel: AutonomyLevel | null; euAiActTier: EuAiActTier | null; grade: Grade | null };
}

/** Derivation phases: a classification rule may only test fields of phases before its own effects. */
export const PHASE = { attribute: 0, financeAutonomyLevel: 1, euAiActTier: 2, grade: 3, obligations: 4 } as const;

export const SYSTEM_SCOPE: Scope<SystemContext> = {
  domain: { type: 'enum', values: DOMAINS, get: (c) => c.attrs.domain },
  population: { type: 'enum', values: POPULATIONS, get: (c) => c.attrs.population },
  autonomyLevel: { type: 'enum', values: AUTONOMY_LEVELS, ordered: true, get: (c) => c.attrs.autonomyLevel },
  capabilities: { type: 'enumArray', values: CAPABILITIES, get: (c) => c.attrs.capabilities },
  dataCategories: { type: 'enumArray', values: DATA_CATEGORIES, get: (c) => c.attrs.dataCategories },
  jurisdictions: { type: 'enumArray', values: JURISDICTIONS, get: (c) => c.attrs.jurisdictions },
  userCount: { type: 'number', get: (c) => c.attrs.userCount },
  deploymentMode: { type: 'enum', values: DEPLOYMENT_MODES, get: (c) => c.attrs.deploymentMode },
  organisationRole: { type: 'enum', values: ORGANISATION_ROLES, get: (c) => c.attrs.organisationRole },
  lifecycleStage: { type: 'enum', values: LIFECYCLE_STAGES, ordered: true, get: (c) => c.attrs.lifecycleStage },
  modelSources: { type: 'enumArray', values: MODEL_SOURCES, get: (c) => c.attrs.models.map((m) => m.source) },
  tags: { type: 'stringArray', get: (c) => c.attrs.tags },
  financeAutonomyLevel: {
    type: 'enum', values: AUTONOMY_LEVELS, ordered: true, phase: PHASE.financeAutonomyLevel,
    get: (c) => c.derived.financeAutonomyLevel,
  },
  euAiActTier: { type: 'enum', values: EU_AI_ACT_TIERS, phase: PHASE.euAiActTier, get: (c) => c.derived.euAiActTier },
  grade: { type: 'enum', values: GRADES, ordered: true, phase: PHASE.grade, get: (c) => c.derived.grade },
};

/** Risk-evaluation context. */
export interface RiskContext {
  analysis: Analysis;
  score: number;
  maxImpact: number;
  threshold: number;
}
const dim = (d: keyof Analysis['impact']) => ({ type: 'number' as const, get: (c: RiskContext) => c.analysis.impact[d] });
export const RISK_SCOPE: Scope<RiskContext> = {
  score: { type: 'number', get: (c) => c.score },
  ratio: { type: 'number', get: (c) => c.score / c.threshold },
  threshold: { type: 'number', get: (c) => c.threshold },
  likelihood: { type: 'number', get: (c) => c.analysis.likelihood },
  maxImpact: { type: 'number', get: (c) => c.maxImpact },
  peopleSafety: dim('peopleSafety'),
  financial: dim('financial'),
  legal: dim('legal'),
  reputation: dim('reputation'),
  societal: dim('societal'),
};

// ---------------------------------------------------------------- evidence

export const FINDING_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const OUTCOMES = ['passed', 'failed', 'unknown'] as const;
export const DIRECTIONS = ['higher', 'lower', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type Direction = (typeof DIRECTIONS)[number];

export interface EvidenceItemContext {
  evidence: EvidenceInput;
}
export interface CategoryContext extends EvidenceItemContext {
  category: CategoryResult;
  outcome: Outcome;
  direction: Direction;
  missPoints: number | undefined;
}
export interface FindingContext extends EvidenceItemContext {
  finding: Finding;
}

const common = {
  kind: { type: 'enum', values: EVIDENCE_KINDS, get: (c: EvidenceItemContext) => c.evidence.kind },
  producer: { type: 'enum', values: EVIDENCE_PRODUCERS, get: (c: EvidenceItemContext) => c.evidence.producer },
} as const;

export const EVIDENCE_SCOPE: Scope<EvidenceItemContext> = {
  ...common,
  controlsImplementedCount: { type: 'number', get: (c) => c.evidence.summary.controlsImplemented.length },
  controlsVerifiedCount: { type: 'number', get: (c) => c.evidence.summary.controlsVerified.length },
  categoriesCount: { type: 'number', get: (c) => c.evidence.summary.categories.length },
  findingsCount: { type: 'number', get: (c) => c.evidence.summary.findings.length },
};

export const CATEGORY_SCOPE: Scope<CategoryContext> = {
  ...common,
  taxonomyId: { type: 'string', get: (c) => c.category.taxonomyId },
  metric: { type: 'string', get: (c) => c.category.metric },
  value: { type: 'number', get: (c) => c.category.value },
  threshold: { type: 'number', get: (c) => c.category.threshold },
  n: { type: 'number', get: (c) => c.category.n },
  outcome: { type: 'enum', values: OUTCOMES, get: (c) => c.outcome },
  direction: { type: 'enum', values: DIRECTIONS, get: (c) => c.direction },
  missPoints: { type: 'number', get: (c) => c.missPoints },
};

export const FINDING_SCOPE: Scope<FindingContext> = {
  ...common,
  severity: { type: 'enum', values: FINDING_SEVERITIES, ordered: true, get: (c) => c.finding.severity },
  taxonomyCount: { type: 'number', get: (c) => c.finding.taxonomyIds.length },
  location: { type: 'string', get: (c) => c.finding.location },
};

export const EVIDENCE_SCOPES = { evidence: EVIDENCE_SCOPE, category: CATEGORY_SCOPE, finding: FINDING_SCOPE } as const;
export type EvidenceOn = keyof typeof EVIDENCE_SCOPES;
