// Shapes of the API's JSON (see /api/openapi.json). Only what the console reads.
import type { Bilingual } from '../i18n/index.tsx';

export interface Reason {
  ruleId: string;
  because: Bilingual;
}
export interface Obligation {
  id: string;
  framework: string;
  title: Bilingual;
  controlIds: string[];
  reason: Reason;
}
export interface ModelRef {
  name: string;
  version?: string;
  source?: string;
  provider?: string;
}
export interface SystemRecord {
  id: string;
  name: string;
  description?: string | null;
  owner: string;
  organisation?: string | null;
  organisationRole: string;
  lifecycleStage: string;
  domain: string;
  deploymentMode: string;
  models: ModelRef[];
  population: string;
  userCount?: number | null;
  autonomyLevel: string;
  capabilities: string[];
  dataCategories: string[];
  jurisdictions: string[];
  acceptabilityThreshold: number;
  tags: string[];
  grade: string;
  euAiActTier: string | null;
  financeAutonomyLevel: string | null;
  obligations: Obligation[];
  classification?: { gradeReasons?: Reason[]; euAiActReasons?: Reason[]; financeAutonomyReasons?: Reason[]; rulesVersion?: string };
  revision: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}
export interface Evaluation {
  likelihood: number;
  impact: number;
  score: number;
  priority: string;
  acceptable: boolean;
  threshold: number;
  ruleId: string;
  because: Bilingual;
}
export type Impact = Partial<Record<'peopleSafety' | 'financial' | 'legal' | 'reputation' | 'societal', number>>;
export interface Risk {
  id: string;
  systemId: string;
  title: string;
  description: string | null;
  taxonomyIds: string[];
  source: string;
  status: string;
  analysis: { likelihood: number; impact: Impact; lossValue?: number; rationale?: string } | null;
  evaluation: Evaluation | null;
  likelihood: number | null;
  impact: number | null;
  score: number | null;
  priority: string | null;
  acceptable: boolean | null;
  treatment: { strategy: string; owner: string; dueDate: string; controlIds: string[]; justification?: string; plan?: string } | null;
  residual: { likelihood: number; impact: Impact; evaluation: Evaluation; rationale?: string } | null;
  nextReviewAt: string | null;
  needsReassessment: boolean;
  revision: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}
export interface RiskPage {
  items: Risk[];
  limit: number;
  offset: number;
  total?: number;
  totalCapped?: boolean;
}
export interface Revision {
  revision: number;
  at: string;
  actor: string;
  action: string;
  reason: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
}
export interface Control {
  id: string;
  systemId: string;
  measureId: string;
  framework: string;
  obligationIds: string[];
  applicable: boolean;
  status: string;
  reason: string | null;
  owner: string | null;
  needsReverification: boolean;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}
export interface Coverage {
  framework: string;
  total: number;
  implemented: number;
  verified: number;
  notApplicable: number;
  name?: Bilingual;
  implementedPct?: number;
  verifiedPct?: number;
}
export interface Effect {
  effect: string;
  because: Bilingual;
  outcome: string;
  targets: { id: string; type: string }[];
}
export interface Evidence {
  id: string;
  kind: string;
  producer: string;
  systemId: string;
  subject: string;
  summary: {
    categories: { taxonomyId: string; metric: string; value: number; threshold?: number; passed?: boolean; n?: number }[];
    findings: { title: string; severity: string; taxonomyIds: string[]; location?: string; detail?: string }[];
    metrics: Record<string, number>;
    controlsImplemented: string[];
    controlsVerified: string[];
  };
  detailsUrl: string | null;
  producedAt: string;
  recordedAt: string;
  recordedBy: string;
  contentHash: string;
  effects: Effect[];
  links?: { targetType: string; targetId: string; relation: string }[];
}
export interface Incident {
  id: string;
  systemId: string;
  title: string;
  severity: string;
  status: string;
  description: string | null;
  taxonomyIds: string[];
  openedAt: string;
  closedAt: string | null;
  sourceEvidenceId?: string | null;
  revision?: number;
  updatedAt?: string;
  updatedBy?: string;
}
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  payload: Record<string, unknown>;
  hash: string;
}
export interface TaxonomyItem {
  id: string;
  taxonomy: string;
  parent?: string;
  kind: string;
  code?: string;
  name: Bilingual;
  description?: Bilingual;
}
export interface TaxonomySummary {
  id: string;
  name: Bilingual;
  itemCount: number;
}
export interface Dashboard {
  systemsByGrade: Record<string, number>;
  openRisksByPriority: Record<string, number>;
  heatMap: number[][];
  overdueRisks: number;
  overdueCapped: boolean;
  risksNeedingReassessment: number;
  reassessmentCapped: boolean;
  coverage: Coverage[];
}
export interface HeatMap {
  cells: number[][];
  byPriority: Record<string, number>;
  total: number;
}
export interface Me {
  id: string;
  name: string;
  role: string;
}
