import type { Hono } from 'hono';
import { z } from 'zod';
import { gatewayFor, type Gateway } from '../../gateway/index.ts';
import { KeyCreateSchema, PolicySaveSchema } from '../../gateway/manage.ts';
import { UpstreamSpecSchema } from '../../gateway/config.ts';
import type { Governance } from '../../governance/index.ts';
import type { AddRoute } from '../route.ts';

/**
 * The guard check API and the gateway's management API; mounts the OpenAI-compatible gateway
 * at /v1 when a running gateway is given. Permissions reuse the governance roles:
 *   guard check, stats, policies and keys listed → read (stateless or no secrets);
 *   keys and upstreams → system:write (binding a system to a model is system configuration);
 *   policies and tool-call confirmations → control:write (a policy is a control measure, and
 *   approving a held tool call is operating that control);
 *   decision log → audit:read (it is an audit trail); evidence now → evidence:write.
 */
export function guardRoutes(add: AddRoute, gov: Governance, app: Hono, running?: Gateway): void {
  const gw = async (): Promise<Gateway> => {
    const g = running ?? (await gatewayFor(gov));
    await g.ready;
    return g;
  };
  if (running?.config.enabled) app.route('/v1', running.app);

  add({
    method: 'post', path: '/api/guard/check', tag: 'guard', permission: 'read',
    summary: 'Check text with a guard policy (default: injection/jailbreak, harmful intent, PII masking): action, categories, masked text, per-scanner results',
    body: z.object({ text: z.string().max(200_000), direction: z.enum(['input', 'output']), policy: z.string().min(1).max(100).optional(), locale: z.enum(['zh', 'en']).optional() }).strict(),
    handler: async ({ body }) => (await gw()).check(body),
  });

  // ---------------------------------------------------------------- keys
  add({
    method: 'post', path: '/api/gateway/keys', tag: 'gateway', permission: 'gateway:manage', status: 201, body: KeyCreateSchema,
    summary: 'Create an application key bound to a system, policy and upstream; the key is shown once (only its SHA-256 is stored)',
    handler: async ({ body, actor }) => (await gw()).createKey(body, actor),
  });
  add({
    method: 'get', path: '/api/gateway/keys', tag: 'gateway', permission: 'read', summary: 'List application keys (never their values)',
    query: z.object({ systemId: z.string().max(60).optional(), includeRevoked: z.enum(['true', 'false']).optional() }).strict(),
    handler: async ({ query }) => ({ items: await (await gw()).listKeys({ ...(query.systemId ? { systemId: query.systemId } : {}), includeRevoked: query.includeRevoked === 'true' }) }),
  });
  add({ method: 'delete', path: '/api/gateway/keys/:id', tag: 'gateway', permission: 'gateway:manage', summary: 'Revoke an application key (effective at once on this instance, within 30 s on others)', handler: async ({ params, actor }) => (await gw()).revokeKey(params.id!, actor) });

  // ---------------------------------------------------------------- policies
  add({ method: 'get', path: '/api/gateway/policies', tag: 'gateway', permission: 'read', summary: 'Loaded policies (built-in, config file, API) and load errors', handler: async () => (await gw()).listPolicies() });
  add({
    method: 'post', path: '/api/gateway/policies/validate', tag: 'gateway', permission: 'read', body: PolicySaveSchema,
    summary: 'Validate policy YAML without saving: { valid, issues: [{ field, message }] }', handler: async ({ body }) => (await gw()).validatePolicy(body.yaml),
  });
  add({
    method: 'post', path: '/api/gateway/policies', tag: 'gateway', permission: 'gateway:manage', status: 201, body: PolicySaveSchema,
    summary: 'Create or update a policy from YAML (guard format + optional gateway: section); validated, stored as a new revision, hot-reloaded',
    handler: async ({ body, actor }) => (await gw()).savePolicy(body, actor),
  });
  add({ method: 'get', path: '/api/gateway/policies/:name', tag: 'gateway', permission: 'read', summary: 'One policy with its YAML', handler: async ({ params }) => (await gw()).getPolicy(params.name!) });
  add({ method: 'get', path: '/api/gateway/policies/:name/history', tag: 'gateway', permission: 'read', summary: 'Every revision of an API policy', handler: async ({ params }) => (await gw()).policyHistory(params.name!) });
  add({
    method: 'put', path: '/api/gateway/policies/:name', tag: 'gateway', permission: 'gateway:manage', body: PolicySaveSchema,
    summary: 'Replace a policy (the YAML name must match)', handler: async ({ params, body, actor }) => (await gw()).savePolicy(body, actor, params.name!),
  });
  add({ method: 'delete', path: '/api/gateway/policies/:name', tag: 'gateway', permission: 'gateway:manage', summary: 'Delete an API policy (refused while live keys use it)', handler: async ({ params, actor }) => (await gw()).deletePolicy(params.name!, actor) });
  add({ method: 'post', path: '/api/gateway/reload', tag: 'gateway', permission: 'gateway:manage', summary: 'Reload policies (config files, store) and upstreams now; in-flight requests finish with the version they started with', handler: async () => (await gw()).reload() });

  // ---------------------------------------------------------------- upstreams
  add({ method: 'get', path: '/api/gateway/upstreams', tag: 'gateway', permission: 'read', summary: 'Upstreams (config file and API) with circuit state; keys are never shown, only the env var name', handler: async () => (await gw()).listUpstreams() });
  add({
    method: 'put', path: '/api/gateway/upstreams/:name', tag: 'gateway', permission: 'gateway:manage', bodyDoc: UpstreamSpecSchema,
    summary: 'Create or replace an upstream (openai or anthropic); the key is read from the environment variable named in apiKeyEnv',
    handler: async ({ params, body, actor }) => (await gw()).saveUpstream(params.name!, body, actor),
  });
  add({ method: 'delete', path: '/api/gateway/upstreams/:name', tag: 'gateway', permission: 'gateway:manage', summary: 'Delete an API upstream (refused while live keys use it)', handler: async ({ params, actor }) => (await gw()).deleteUpstream(params.name!, actor) });

  // ---------------------------------------------------------------- confirmations
  add({
    method: 'get', path: '/api/gateway/confirmations', tag: 'gateway', permission: 'read', summary: 'Tool-call confirmations (default: pending)',
    query: z.object({ status: z.enum(['pending', 'approved', 'denied', 'expired', 'consumed']).optional(), systemId: z.string().max(60).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }).strict(),
    handler: async ({ query }) => ({ items: await (await gw()).listConfirmations({ status: query.status ?? 'pending', ...(query.systemId ? { systemId: query.systemId } : {}), limit: query.limit }) }),
  });
  add({ method: 'get', path: '/api/gateway/confirmations/:id', tag: 'gateway', permission: 'read', summary: 'One confirmation', handler: async ({ params }) => (await gw()).getConfirmation(params.id!) });
  const Note = z.object({ note: z.string().max(1000).optional() }).strict();
  add({ method: 'post', path: '/api/gateway/confirmations/:id/approve', tag: 'gateway', permission: 'gateway:confirm', body: Note, summary: 'Approve a held tool call (the waiting request releases it; a retry after the hold also passes once)', handler: async ({ params, body, actor }) => (await gw()).decideConfirmation(params.id!, 'approve', actor, body.note) });
  add({ method: 'post', path: '/api/gateway/confirmations/:id/deny', tag: 'gateway', permission: 'gateway:confirm', body: Note, summary: 'Deny a held tool call', handler: async ({ params, body, actor }) => (await gw()).decideConfirmation(params.id!, 'deny', actor, body.note) });

  // ---------------------------------------------------------------- decisions, stats, evidence
  add({
    method: 'get', path: '/api/gateway/decisions', tag: 'gateway', permission: 'audit:read', summary: 'The decision log (content only where the policy allows it)',
    query: z.object({ systemId: z.string().max(60).optional(), requestId: z.string().max(60).optional(), action: z.enum(['allow', 'flag', 'mask', 'confirm', 'block']).optional(), since: z.string().datetime({ offset: true }).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) }).strict(),
    handler: async ({ query }) => ({ items: await gov.deps.store.read.gateway.listDecisions(query) }),
  });
  add({
    method: 'get', path: '/api/gateway/stats', tag: 'gateway', permission: 'read', summary: 'Per system: requests, blocks (input/output/tool), block rate, masks, blocks by category; decision-log health and circuit states',
    query: z.object({ since: z.string().datetime({ offset: true }).optional(), hours: z.coerce.number().min(0.01).max(24 * 366).default(24), systemId: z.string().max(60).optional() }).strict(),
    handler: async ({ query }) => {
      const g = await gw();
      const since = query.since ?? new Date(Date.now() - query.hours * 3_600_000).toISOString();
      return {
        since,
        systems: await g.statsFromLog({ since, ...(query.systemId ? { systemId: query.systemId } : {}) }),
        live: g.stats.live(),
        decisionLog: g.decisions.status(),
        upstreams: (await g.listUpstreams()).items.map((u) => ({ name: u.name, type: u.type, circuit: u.circuit })),
      };
    },
  });
  add({ method: 'post', path: '/api/gateway/evidence', tag: 'gateway', permission: 'evidence:write', summary: 'Record the current guardrail aggregates as evidence now (also done periodically)', handler: async () => (await gw()).emitEvidence() });
}
