import { z } from 'zod';
import { PRIORITIES, RISK_SOURCES, RISK_STATUSES } from '../../core/risk.ts';
import type { Governance } from '../../governance/index.ts';
import { AssessSchema, ResidualSchema, ReviewSchema, RiskCreateSchema, StatusSchema, TreatSchema } from '../../governance/risks.ts';
import { boolParam, Page, type AddRoute } from '../route.ts';

export const RiskListQuery = z
  .object({
    systemId: z.string().max(60).optional(),
    priority: z.enum(PRIORITIES).optional(),
    status: z.enum(RISK_STATUSES).optional(),
    taxonomy: z.string().max(100).optional(),
    source: z.enum(RISK_SOURCES).optional(),
    open: boolParam.optional(),
    overdue: boolParam.optional(),
    needsReassessment: boolParam.optional(),
    q: z.string().max(200).optional(),
    likelihood: z.coerce.number().int().min(1).max(5).optional(),
    impact: z.coerce.number().int().min(1).max(5).optional(),
    sort: z.enum(['created', 'score', 'review']).default('created'),
    total: boolParam.optional(),
    ...Page,
  })
  .strict();

export function riskRoutes(add: AddRoute, gov: Governance): void {
  const read = gov.deps.store.read;
  add({ method: 'post', path: '/api/risks', tag: 'risks', permission: 'risk:create', status: 201, bodyDoc: RiskCreateSchema, summary: 'Add a risk (optionally with likelihood and impact, which evaluates it)', handler: ({ actor, body }) => gov.risks.create(body, actor) });
  add({
    method: 'get', path: '/api/risks', tag: 'risks', permission: 'read', query: RiskListQuery,
    summary: 'List risks; filter by system, priority, status, taxonomy id, source, open, overdue (review or treatment past due), needsReassessment, heat-map cell (likelihood, impact: open risks at their residual position once treated, else inherent)',
    handler: async ({ query }) => {
      const { taxonomy, total, ...rest } = query;
      const filter = { ...rest, taxonomyId: taxonomy };
      const [items, count] = await Promise.all([read.risks.list(filter), total ? read.risks.count(filter) : Promise.resolve(undefined)]);
      // Totals stop at 10,000 (totalCapped: true beyond): exact counts over the whole register are slow and rarely needed.
      return { items, limit: query.limit, offset: query.offset, ...(count !== undefined ? { total: Math.min(count, 10_000), totalCapped: count > 10_000 } : {}) };
    },
  });
  add({ method: 'get', path: '/api/risks/:id', tag: 'risks', permission: 'read', summary: 'One risk', handler: ({ params }) => gov.risks.get(params.id!) });
  add({ method: 'get', path: '/api/risks/:id/history', tag: 'risks', permission: 'read', summary: 'Every revision of a risk: who, when, what changed, why', handler: async ({ params }) => ({ items: await gov.risks.history(params.id!) }) });
  add({ method: 'get', path: '/api/risks/:id/evidence', tag: 'risks', permission: 'read', summary: 'Evidence linked to a risk', handler: async ({ params }) => ({ items: await read.evidence.list({ riskId: params.id!, limit: 200, offset: 0 }) }) });
  add({ method: 'post', path: '/api/risks/:id/assess', tag: 'risks', permission: 'risk:manage', bodyDoc: AssessSchema, summary: 'Analyse: likelihood 1–5 and impact 1–5 per dimension; evaluates priority against the system threshold', handler: ({ actor, params, body }) => gov.risks.assess(params.id!, body, actor) });
  add({ method: 'post', path: '/api/risks/:id/treat', tag: 'risks', permission: 'risk:manage', bodyDoc: TreatSchema, summary: 'Treat: avoid / mitigate / accept (justification required) / transfer, owner, due date, controls', handler: ({ actor, params, body }) => gov.risks.treat(params.id!, body, actor) });
  add({ method: 'post', path: '/api/risks/:id/residual', tag: 'risks', permission: 'risk:manage', bodyDoc: ResidualSchema, summary: 'Residual analysis after treatment, checked against acceptability again', handler: ({ actor, params, body }) => gov.risks.residual(params.id!, body, actor) });
  add({ method: 'post', path: '/api/risks/:id/review', tag: 'risks', permission: 'risk:manage', bodyDoc: ReviewSchema, summary: 'Record a periodic review: unchanged, reassess or close; sets the next review date', handler: ({ actor, params, body }) => gov.risks.review(params.id!, body, actor) });
  add({ method: 'post', path: '/api/risks/:id/status', tag: 'risks', permission: 'risk:manage', bodyDoc: StatusSchema, summary: 'Accept a proposed risk into the register, reject a proposal, or close a risk (reason required)', handler: ({ actor, params, body }) => gov.risks.setStatus(params.id!, body, actor) });
}
