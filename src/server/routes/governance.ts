import { z } from 'zod';
import { EVIDENCE_KINDS, EVIDENCE_PRODUCERS, EvidenceInputSchema } from '../../core/evidence.ts';
import type { Governance } from '../../governance/index.ts';
import { ControlSetSchema } from '../../governance/controls.ts';
import { TokenCreateSchema } from '../../governance/auth.ts';
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES, IncidentCreateSchema, IncidentPatchSchema } from '../../governance/incidents.ts';
import { CONTROL_STATUSES } from '../../store/index.ts';
import { boolParam, Page, type AddRoute } from '../route.ts';

/** Controls, evidence, incidents, taxonomies, dashboard, audit and tokens. */
export function governanceRoutes(add: AddRoute, gov: Governance): void {
  const read = gov.deps.store.read;
  const tax = gov.deps.taxonomies;

  add({ method: 'get', path: '/api/taxonomies', tag: 'taxonomies', permission: 'read', summary: 'All taxonomies (TC260, GB/T 45654, AILuminate, OWASP, NIST, ISO 42001, EU AI Act) with item counts', handler: async () => ({ items: tax.list() }) });
  add({
    method: 'get', path: '/api/taxonomies/search', tag: 'taxonomies', permission: 'read', summary: 'Search items by id, code or name in Chinese or English',
    query: z.object({ q: z.string().min(1).max(200), taxonomy: z.string().max(60).optional(), kind: z.string().max(60).optional(), limit: z.coerce.number().int().min(1).max(200).default(20) }).strict(),
    handler: async ({ query }) => ({ items: tax.search(query.q, { taxonomy: query.taxonomy, kind: query.kind, limit: query.limit }) }),
  });
  add({
    method: 'get', path: '/api/taxonomies/:id', tag: 'taxonomies', permission: 'read', summary: 'One taxonomy with all its items, or one item (with links) when given an item id',
    handler: async ({ params }) => {
      const t = tax.get(params.id!);
      if (t) return t;
      const item = tax.item(params.id!);
      if (item) return { ...item, children: tax.children(item.id).map((c) => c.id), links: tax.links(item.id), measures: tax.measuresFor(item.id) };
      const { notFound } = await import('../../core/errors.ts');
      throw notFound('taxonomy or taxonomy item', params.id!);
    },
  });

  add({
    method: 'get', path: '/api/controls', tag: 'controls', permission: 'read', summary: 'List controls (filter by system, framework, status, measure)',
    query: z.object({ systemId: z.string().max(60).optional(), framework: z.string().max(60).optional(), status: z.enum(CONTROL_STATUSES).optional(), measureId: z.string().max(100).optional(), applicable: boolParam.optional(), needsReverification: boolParam.optional(), ...Page }).strict(),
    handler: async ({ query }) => ({ items: await read.controls.list(query), limit: query.limit, offset: query.offset }),
  });
  add({ method: 'get', path: '/api/controls/coverage', tag: 'controls', permission: 'read', summary: 'Coverage per framework across all systems: % of applicable controls implemented and verified', query: z.object({ systemId: z.string().max(60).optional() }).strict(), handler: async ({ query }) => ({ items: await gov.controls.coverage(query.systemId) }) });
  add({ method: 'get', path: '/api/controls/:id', tag: 'controls', permission: 'read', summary: 'One control', handler: ({ params }) => gov.controls.get(params.id!) });
  add({ method: 'get', path: '/api/controls/:id/history', tag: 'controls', permission: 'read', summary: 'Every revision of a control', handler: async ({ params }) => ({ items: await gov.controls.history(params.id!) }) });
  add({ method: 'post', path: '/api/controls/:id/status', tag: 'controls', permission: 'control:write', bodyDoc: ControlSetSchema, summary: 'Set status: planned, in-progress, implemented, verified, not-applicable (reason required)', handler: ({ actor, params, body }) => gov.controls.set(params.id!, body, actor) });

  add({ method: 'post', path: '/api/evidence', tag: 'evidence', permission: 'evidence:write', status: 201, bodyDoc: EvidenceInputSchema, summary: 'Record evidence from a technical module; the rule table turns it into risk and control changes', handler: ({ actor, body }) => gov.recordEvidence(body, actor) });
  add({
    method: 'get', path: '/api/evidence', tag: 'evidence', permission: 'read', summary: 'List evidence (filter by system, kind, producer, linked risk or control)',
    query: z.object({ systemId: z.string().max(60).optional(), kind: z.enum(EVIDENCE_KINDS).optional(), producer: z.enum(EVIDENCE_PRODUCERS).optional(), riskId: z.string().max(60).optional(), controlId: z.string().max(60).optional(), ...Page }).strict(),
    handler: async ({ query }) => ({ items: await read.evidence.list(query), limit: query.limit, offset: query.offset }),
  });
  add({ method: 'get', path: '/api/evidence/:id', tag: 'evidence', permission: 'read', summary: 'One evidence record with the effects it had', handler: ({ params }) => gov.evidence.get(params.id!) });

  add({
    method: 'get', path: '/api/incidents', tag: 'incidents', permission: 'read', summary: 'List incidents, newest first (filter by system, status, severity)',
    query: z.object({ systemId: z.string().max(60).optional(), status: z.enum(INCIDENT_STATUSES).optional(), severity: z.enum(INCIDENT_SEVERITIES).optional(), ...Page }).strict(),
    handler: async ({ query }) => ({ items: await read.incidents.list(query), limit: query.limit, offset: query.offset }),
  });
  add({ method: 'post', path: '/api/incidents', tag: 'incidents', permission: 'incident:write', status: 201, bodyDoc: IncidentCreateSchema, summary: 'Report an incident for a system by hand (evidence rules also open them)', handler: ({ actor, body }) => gov.incidents.create(body, actor) });
  add({ method: 'get', path: '/api/incidents/:id', tag: 'incidents', permission: 'read', summary: 'One incident with its full revision history', handler: async ({ params }) => ({ ...(await gov.incidents.get(params.id!)), history: await gov.incidents.history(params.id!) }) });
  add({ method: 'patch', path: '/api/incidents/:id', tag: 'incidents', permission: 'incident:write', bodyDoc: IncidentPatchSchema, summary: 'Change title, severity, status (open → investigating → resolved → closed, or reopen), description or taxonomy ids; reason required', handler: ({ actor, params, body }) => gov.incidents.update(params.id!, body, actor) });

  add({ method: 'get', path: '/api/dashboard', tag: 'dashboard', permission: 'read', summary: 'Systems by grade, open risks by priority, heat map, overdue, coverage', handler: () => gov.dashboard.summary() });
  add({ method: 'get', path: '/api/heatmap', tag: 'dashboard', permission: 'read', summary: '5×5 heat map of all open risks (or one system with ?systemId=)', query: z.object({ systemId: z.string().max(60).optional() }).strict(), handler: ({ query }) => gov.dashboard.heatMap(query.systemId) });

  add({
    method: 'get', path: '/api/audit', tag: 'audit', permission: 'audit:read', summary: 'Audit entries (hash-chained, append-only)',
    query: z.object({ entityType: z.string().max(40).optional(), entityId: z.string().max(60).optional(), after: z.coerce.number().int().min(0).optional(), order: z.enum(['asc', 'desc']).default('desc'), limit: Page.limit }).strict(),
    handler: async ({ query }) => ({ items: await gov.audit.list({ entityType: query.entityType, entityId: query.entityId, afterSeq: query.after, limit: query.limit, descending: query.order === 'desc' }) }),
  });
  add({ method: 'get', path: '/api/audit/verify', tag: 'audit', permission: 'audit:read', summary: 'Walk the hash chain; report the first broken entry', handler: () => gov.audit.verify() });

  add({ method: 'get', path: '/api/tokens', tag: 'auth', permission: 'token:manage', summary: 'List tokens (never their values)', handler: async () => ({ items: await gov.auth.list() }) });
  add({ method: 'post', path: '/api/tokens', tag: 'auth', permission: 'token:manage', status: 201, body: TokenCreateSchema, summary: 'Create a principal and token with a role; the token value is shown once', handler: ({ actor, body }) => gov.auth.create(body, actor) });
  add({ method: 'delete', path: '/api/tokens/:id', tag: 'auth', permission: 'token:manage', summary: 'Revoke a token', handler: ({ actor, params }) => gov.auth.revoke(params.id!, actor) });
  add({ method: 'get', path: '/api/whoami', tag: 'auth', permission: 'read', summary: 'The caller\'s principal and role', handler: async ({ actor }) => actor });
}
