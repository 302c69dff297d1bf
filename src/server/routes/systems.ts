import { z } from 'zod';
import { DOMAINS, GRADES, POPULATIONS, SystemAttributesSchema } from '../../core/system.ts';
import type { Governance } from '../../governance/index.ts';
import { Page, type AddRoute } from '../route.ts';

export function systemRoutes(add: AddRoute, gov: Governance): void {
  add({
    method: 'post', path: '/api/systems', tag: 'systems', permission: 'system:write', status: 201, bodyDoc: SystemAttributesSchema,
    summary: 'Register an AI system; returns it with its derived grade, EU AI Act tier, finance autonomy level and obligations',
    handler: ({ actor, body }) => gov.systems.create(body, actor),
  });
  add({
    method: 'get', path: '/api/systems', tag: 'systems', permission: 'read',
    summary: 'List systems (filter by domain, grade, population, owner, name; ids=a,b,c for a batch lookup of up to 500)',
    query: z.object({ domain: z.enum(DOMAINS).optional(), grade: z.enum(GRADES).optional(), population: z.enum(POPULATIONS).optional(), owner: z.string().max(200).optional(), q: z.string().max(200).optional(),
      ids: z.string().max(500 * 61).transform((v, ctx) => {
        const ids = v.split(',').map((x) => x.trim()).filter(Boolean);
        if (ids.length > 500) ctx.addIssue({ code: 'custom', message: 'at most 500 ids' });
        if (ids.some((x) => x.length > 60)) ctx.addIssue({ code: 'custom', message: 'ids are at most 60 characters' });
        return ids;
      }).optional(),
      cursor: z.string().max(60).optional(), limit: Page.limit }).strict(),
    handler: async ({ query }) => {
      const limit = query.ids ? Math.max(query.limit, Math.min(query.ids.length, 500)) : query.limit;
      const items = await gov.deps.store.read.systems.list({ ...query, limit });
      return { items, nextCursor: items.length === limit ? items.at(-1)!.id : null };
    },
  });
  add({ method: 'get', path: '/api/systems/:id', tag: 'systems', permission: 'read', summary: 'One system with its classification', handler: ({ params }) => gov.systems.get(params.id!) });
  add({
    method: 'patch', path: '/api/systems/:id', tag: 'systems', permission: 'system:write', bodyDoc: SystemAttributesSchema.partial().extend({ reason: z.string().optional() }),
    summary: 'Change attributes; re-derives grade and obligations. A change of models, domain or population flags risks for re-assessment and controls for re-verification',
    handler: ({ actor, params, body }) => {
      const { reason, ...patch } = (body ?? {}) as Record<string, unknown>;
      return gov.systems.update(params.id!, patch, actor, typeof reason === 'string' ? reason : undefined);
    },
  });
  add({ method: 'get', path: '/api/systems/:id/history', tag: 'systems', permission: 'read', summary: 'Every revision of a system', handler: async ({ params }) => ({ items: await (await gov.systems.get(params.id!), gov.deps.store.read.revisions.list('system', params.id!)) }) });
  add({ method: 'get', path: '/api/systems/:id/risk-suggestions', tag: 'risks', permission: 'read', summary: 'Risks suggested from the taxonomy by the system\'s attributes', handler: async ({ params }) => ({ items: await gov.risks.suggestions(params.id!) }) });
  add({
    method: 'post', path: '/api/systems/:id/risk-suggestions/accept', tag: 'risks', permission: 'risk:create', status: 201,
    summary: 'Add suggested risks to the register as proposed (all, or those whose first taxonomy id is listed)',
    bodyDoc: z.object({ taxonomyIds: z.array(z.string()).optional(), reason: z.string().optional() }),
    handler: async ({ actor, params, body }) => ({ items: await gov.risks.acceptSuggestions(params.id!, body ?? {}, actor) }),
  });
  add({ method: 'get', path: '/api/systems/:id/heatmap', tag: 'dashboard', permission: 'read', summary: '5×5 likelihood × impact heat map of the system\'s open risks', handler: async ({ params }) => (await gov.systems.get(params.id!), gov.dashboard.heatMap(params.id!)) });
  add({ method: 'get', path: '/api/systems/:id/coverage', tag: 'controls', permission: 'read', summary: 'Control coverage per framework for one system', handler: async ({ params }) => ({ items: await (await gov.systems.get(params.id!), gov.controls.coverage(params.id!)) }) });
}
