// Managing the gateway through the API: application keys, policies (validated, stored with
// revisions, hot-reloaded), upstreams, confirmations, and the guard check itself.
import { z } from 'zod';
import { monotonicFactory } from 'ulid';
import { conflict, notFound, validationFailed, ZonghengError } from '../core/errors.ts';
import { GuardPolicyError, type CheckInput } from '../guard/index.ts';
import { zodToError, type Actor, type Governance } from '../governance/index.ts';
import type { GatewayKeyRecord } from '../store/index.ts';
import { UpstreamSpecSchema, type GatewayConfig, type UpstreamSpec } from './config.ts';
import type { Confirmations } from './confirmations.ts';
import { generateAppKey, hashAppKey, type KeyCache } from './keys.ts';
import { compilePolicy, parseGatewayPolicy, type CompiledPolicy, type PolicyRegistry } from './policies.ts';
import { Upstream } from './upstream.ts';

const ulid = monotonicFactory();
const actorLabel = (a: Actor) => `${a.name} <${a.id}>`;

export const KeyCreateSchema = z
  .object({
    systemId: z.string().min(1).max(60),
    policy: z.string().min(1).max(100).default('default'),
    upstream: z.string().min(1).max(64),
    /** Requests per minute (0 = unlimited); the config's default when absent. */
    rpm: z.number().int().min(0).max(1_000_000).optional(),
    label: z.string().max(200).optional(),
  })
  .strict();

export const PolicySaveSchema = z.object({ yaml: z.string().min(1).max(2_000_000) }).strict();

function policyError(e: unknown): ZonghengError {
  if (e instanceof GuardPolicyError) {
    const issues = e.issues.map((i) => ({ field: i.path ? `yaml.${i.path}` : 'yaml', message: i.message }));
    return validationFailed(`invalid policy: ${e.message}`, { field: issues[0]?.field ?? 'yaml', issues });
  }
  return validationFailed(`invalid policy: ${(e as Error).message}`, { field: 'yaml' });
}

export function policyInfo(p: CompiledPolicy, withYaml = false) {
  return {
    name: p.name, source: p.source, revision: p.revision, digest: p.digest, loadedAt: p.loadedAt, ...(p.file ? { file: p.file } : {}),
    description: p.guard.policy.description ?? null,
    input: p.guard.policy.input.map((s) => ({ type: s.type, name: s.name ?? s.type, action: s.action })),
    output: p.guard.policy.output.map((s) => ({ type: s.type, name: s.name ?? s.type, action: s.action })),
    tools: p.guard.policy.tools ? { default: p.guard.policy.tools.default, rules: p.guard.policy.tools.rules.length } : null,
    piiMasking: p.piiMasking, gateway: p.gateway, ...(withYaml ? { yaml: p.yaml } : {}),
  };
}

/** Public view of an upstream: the env var NAME only, never a key; plus circuit state. */
function upstreamInfo(name: string, spec: UpstreamSpec, source: 'config' | 'api', up: Upstream | undefined, env: Record<string, string | undefined>) {
  return { name, source, ...spec, apiKeySet: spec.apiKeyEnv ? Boolean(env[spec.apiKeyEnv]) : false, circuit: up?.circuit.snapshot() ?? null };
}

export interface ManagementDeps {
  gov: Governance;
  config: GatewayConfig;
  policies: PolicyRegistry;
  keys: KeyCache;
  confirmations: Confirmations;
  env?: Record<string, string | undefined>;
}

export function gatewayManagement(d: ManagementDeps) {
  const store = d.gov.deps.store;
  const env = d.env ?? process.env;
  let stored = new Map<string, UpstreamSpec>();
  const live = new Map<string, { key: string; up: Upstream }>();

  function specFor(name: string): { spec: UpstreamSpec; source: 'config' | 'api' } | undefined {
    const c = d.config.upstreams[name];
    if (c) return { spec: c, source: 'config' };
    const s = stored.get(name);
    return s ? { spec: s, source: 'api' } : undefined;
  }

  /** The Upstream instance for a name; kept across reloads while its spec is unchanged (circuit state survives). */
  function upstreamFor(name: string): Upstream | undefined {
    const s = specFor(name);
    if (!s) return undefined;
    const key = JSON.stringify(s.spec);
    const cur = live.get(name);
    if (cur && cur.key === key) return cur.up;
    const up = new Upstream(name, s.spec, env);
    live.set(name, { key, up });
    return up;
  }

  let upChain: Promise<unknown> = Promise.resolve();
  /** One at a time (see PolicyRegistry.reload). */
  function reloadUpstreams(): Promise<void> {
    const next = upChain.then(loadUpstreams);
    upChain = next.catch(() => undefined);
    return next;
  }
  async function loadUpstreams(): Promise<void> {
    const rows = await store.read.gateway.listUpstreams();
    const next = new Map<string, UpstreamSpec>();
    for (const r of rows) {
      const p = UpstreamSpecSchema.safeParse(r.spec);
      if (p.success) next.set(r.name, p.data);
    }
    stored = next;
  }

  function upstreamNames(): string[] {
    return [...new Set([...Object.keys(d.config.upstreams), ...stored.keys()])].sort();
  }

  async function reload() {
    await reloadUpstreams().catch(() => undefined);
    const r = await d.policies.reload();
    return { ...r, policies: d.policies.list().map((p) => p.name), upstreams: upstreamNames() };
  }

  function requirePolicy(name: string): CompiledPolicy {
    const p = d.policies.get(name);
    if (!p) throw notFound('policy', name);
    return p;
  }

  return {
    policies: d.policies,
    upstreamFor,
    reload,

    /** The guard check behind POST /api/guard/check (judges included when the policy has any). */
    async check(input: CheckInput & { policy?: string }) {
      const p = requirePolicy(input.policy ?? 'default');
      const r = await p.guard.checkAsync({ text: input.text, direction: input.direction, ...(input.locale ? { locale: input.locale } : {}) });
      return {
        action: r.action, categories: r.categories, ...(r.text !== undefined ? { text: r.text } : {}), ...(r.reply !== undefined ? { reply: r.reply } : {}),
        policy: { name: p.name, revision: p.revision },
        scanners: r.scanners.map((s) => ({
          name: s.name, type: s.type, action: s.action, score: s.score, categories: s.categories, ms: Math.round(s.ms * 1000) / 1000,
          ...(s.skipped ? { skipped: true } : {}), ...(s.error ? { error: s.error } : {}),
          findings: s.findings.map((f) => ({ start: f.start, end: f.end, category: f.category, kind: f.kind, action: f.action, ...(f.detail !== undefined && f.kind === 'keyword' ? { detail: f.detail } : {}) })),
        })),
        ms: Math.round(r.ms * 1000) / 1000,
      };
    },

    // ------------------------------------------------------------ keys
    async createKey(input: unknown, actor: Actor): Promise<{ key: string; info: GatewayKeyRecord }> {
      const parsed = KeyCreateSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const v = parsed.data;
      if (!(await store.read.systems.get(v.systemId))) throw validationFailed(`system ${v.systemId} does not exist`, { field: 'systemId', allowed: 'a system id from GET /api/systems' });
      if (!d.policies.has(v.policy)) throw validationFailed(`policy ${v.policy} is not loaded`, { field: 'policy', allowed: d.policies.list().map((p) => p.name).join(', ') });
      await reloadUpstreams().catch(() => undefined);
      if (!specFor(v.upstream)) throw validationFailed(`upstream ${v.upstream} is not configured`, { field: 'upstream', allowed: upstreamNames().join(', ') || 'none configured: add one under gateway.upstreams in the config file or PUT /api/gateway/upstreams/:name' });
      const key = generateAppKey();
      const info: GatewayKeyRecord = {
        id: `gwk_${ulid().toLowerCase()}`, prefix: key.slice(0, 10), systemId: v.systemId, policy: v.policy, upstream: v.upstream, rpm: v.rpm ?? d.config.defaults.rpm,
        label: v.label ?? null, createdAt: new Date().toISOString(), createdBy: actorLabel(actor), revokedAt: null, lastUsedAt: null,
      };
      await store.tx(async (r) => {
        await r.gateway.insertKey({ ...info, hash: hashAppKey(key) });
        await r.audit.append([{ actor: actorLabel(actor), action: 'gateway.key.create', entityType: 'gateway-key', entityId: info.id, payload: { systemId: info.systemId, policy: info.policy, upstream: info.upstream, rpm: info.rpm } }]);
      });
      return { key, info };
    },
    listKeys: (f: { systemId?: string; includeRevoked?: boolean } = {}) => store.read.gateway.listKeys(f),
    async revokeKey(id: string, actor: Actor): Promise<GatewayKeyRecord> {
      const rec = await store.tx(async (r) => {
        const cur = await r.gateway.getKey(id);
        if (!cur) throw notFound('gateway key', id);
        const k = (await r.gateway.revokeKey(id))!;
        if (!cur.revokedAt) await r.audit.append([{ actor: actorLabel(actor), action: 'gateway.key.revoke', entityType: 'gateway-key', entityId: id, payload: { systemId: k.systemId } }]);
        return k;
      });
      d.keys.evict(id);
      return rec;
    },

    // ------------------------------------------------------------ policies
    listPolicies: () => ({ items: d.policies.list().map((p) => policyInfo(p)), errors: Object.fromEntries(d.policies.errors) }),
    getPolicy: (name: string) => policyInfo(requirePolicy(name), true),
    policyHistory: async (name: string) => ({ items: await store.read.gateway.policyHistory(name) }),
    /** Validation only: `{ valid, name?, issues[] }` with field paths. */
    validatePolicy(yaml: string) {
      try {
        const { policy, gateway } = parseGatewayPolicy(yaml);
        return { valid: true, name: policy.name, issues: [], gateway };
      } catch (e) {
        if (e instanceof GuardPolicyError) return { valid: false, issues: e.issues.map((i) => ({ field: i.path, message: i.message })) };
        return { valid: false, issues: [{ field: '', message: (e as Error).message }] };
      }
    },
    /** Create or update an API policy (the name comes from the YAML, or must match `name`). Validated and compiled before it is stored. */
    async savePolicy(input: unknown, actor: Actor, name?: string) {
      const parsed = PolicySaveSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      let pname: string;
      try {
        const { policy } = parseGatewayPolicy(parsed.data.yaml);
        pname = policy.name;
        if (!/^[A-Za-z0-9._-]{1,100}$/.test(pname)) throw validationFailed('policy names are 1–100 letters, digits, . _ -', { field: 'yaml.name' });
        if (name && name !== pname) throw validationFailed(`the policy's name is ${pname} but the URL names ${name}`, { field: 'yaml.name', allowed: name });
        // Compile now so lexicon paths and classifier models are checked before anything is stored.
        compilePolicy(pname, parsed.data.yaml, 'api', 0);
      } catch (e) {
        if (e instanceof ZonghengError) throw e;
        throw policyError(e);
      }
      const ro = d.policies.readOnly(pname);
      if (ro) throw conflict(`policy ${pname} comes from the ${ro === 'config' ? 'config file' : 'built-in defaults'} and cannot be changed through the API`);
      const existing = await store.read.gateway.getPolicy(pname);
      const revision = await store.tx(async (r) => {
        const rev = await r.gateway.savePolicy(pname, parsed.data.yaml, actorLabel(actor), existing && !existing.deleted ? 'update' : 'create');
        await r.audit.append([{ actor: actorLabel(actor), action: 'gateway.policy.save', entityType: 'gateway-policy', entityId: pname, payload: { revision: rev } }]);
        return rev;
      });
      await d.policies.reload();
      return { ...policyInfo(requirePolicy(pname)), revision, created: !existing || existing.deleted };
    },
    async deletePolicy(name: string, actor: Actor) {
      const ro = d.policies.readOnly(name);
      if (ro) throw conflict(`policy ${name} comes from the ${ro === 'config' ? 'config file' : 'built-in defaults'} and cannot be deleted through the API`);
      const existing = await store.read.gateway.getPolicy(name);
      if (!existing || existing.deleted) throw notFound('policy', name);
      const inUse = (await store.read.gateway.listKeys()).filter((k) => k.policy === name);
      if (inUse.length) throw conflict(`policy ${name} is used by ${inUse.length} live key(s) (${inUse.slice(0, 5).map((k) => k.id).join(', ')}); revoke them first`);
      const revision = await store.tx(async (r) => {
        const rev = await r.gateway.savePolicy(name, null, actorLabel(actor), 'delete');
        await r.audit.append([{ actor: actorLabel(actor), action: 'gateway.policy.delete', entityType: 'gateway-policy', entityId: name, payload: { revision: rev } }]);
        return rev;
      });
      await d.policies.reload();
      return { name, deleted: true, revision };
    },

    // ------------------------------------------------------------ upstreams
    async listUpstreams() {
      await reloadUpstreams().catch(() => undefined);
      return { items: upstreamNames().map((n) => { const s = specFor(n)!; return upstreamInfo(n, s.spec, s.source, live.get(n)?.up, env); }) };
    },
    async saveUpstream(name: string, input: unknown, actor: Actor) {
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw validationFailed('upstream names are 1–64 letters, digits, . _ -', { field: 'name' });
      if (d.config.upstreams[name]) throw conflict(`upstream ${name} comes from the config file and cannot be changed through the API`);
      if (input && typeof input === 'object' && ('apiKey' in input || 'key' in input)) throw validationFailed('upstream keys are never stored: put the key in an environment variable and name it in apiKeyEnv', { field: 'apiKey' });
      const parsed = UpstreamSpecSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const revision = await store.tx(async (r) => {
        const rev = await r.gateway.saveUpstream(name, parsed.data, actorLabel(actor));
        await r.audit.append([{ actor: actorLabel(actor), action: 'gateway.upstream.save', entityType: 'gateway-upstream', entityId: name, payload: { type: parsed.data.type, baseUrl: parsed.data.baseUrl, revision: rev } }]);
        return rev;
      });
      await reloadUpstreams();
      return { ...upstreamInfo(name, parsed.data, 'api', undefined, env), revision };
    },
    async deleteUpstream(name: string, actor: Actor) {
      if (d.config.upstreams[name]) throw conflict(`upstream ${name} comes from the config file and cannot be deleted through the API`);
      const inUse = (await store.read.gateway.listKeys()).filter((k) => k.upstream === name);
      if (inUse.length) throw conflict(`upstream ${name} is used by ${inUse.length} live key(s); revoke them first`);
      const ok = await store.tx(async (r) => {
        const removed = await r.gateway.deleteUpstream(name);
        if (removed) await r.audit.append([{ actor: actorLabel(actor), action: 'gateway.upstream.delete', entityType: 'gateway-upstream', entityId: name, payload: {} }]);
        return removed;
      });
      if (!ok) throw notFound('upstream', name);
      await reloadUpstreams();
      live.delete(name);
      return { name, deleted: true };
    },

    // ------------------------------------------------------------ confirmations
    listConfirmations: (f: { status?: 'pending' | 'approved' | 'denied' | 'expired' | 'consumed'; systemId?: string; limit: number }) => store.read.gateway.listConfirmations(f),
    async getConfirmation(id: string) {
      const c = await store.read.gateway.getConfirmation(id);
      if (!c) throw notFound('confirmation', id);
      return c;
    },
    decideConfirmation: (id: string, decision: 'approve' | 'deny', actor: Actor, note?: string) => d.confirmations.decide(id, decision, actorLabel(actor), note),

    // ------------------------------------------------------------ stats
    async statsFromLog(f: { since: string; systemId?: string }) {
      const { rows, categories } = await store.read.gateway.decisionStats(f);
      const bySystem = new Map<string, any>();
      for (const r of rows) {
        const k = r.systemId ?? '(none)';
        const s = bySystem.get(k) ?? { systemId: r.systemId, requests: 0, inputBlocked: 0, outputBlocked: 0, masked: 0, flagged: 0, toolDenied: 0, toolConfirm: 0, guardMsAvg: 0, upstreamMsAvg: null, blocksByCategory: {} as Record<string, number> };
        if (r.direction === 'input') {
          s.requests += r.n;
          s.guardMsAvg = r.guardMsAvg ?? 0;
        }
        if (r.direction === 'output' && r.upstreamMsAvg !== null) s.upstreamMsAvg = r.upstreamMsAvg;
        if (r.action === 'block') s[r.direction === 'input' ? 'inputBlocked' : r.direction === 'output' ? 'outputBlocked' : 'toolDenied'] += r.n;
        else if (r.action === 'mask') s.masked += r.n;
        else if (r.action === 'flag') s.flagged += r.n;
        else if (r.action === 'confirm' && r.direction === 'tool') s.toolConfirm += r.n;
        bySystem.set(k, s);
      }
      for (const c of categories) {
        const s = bySystem.get(c.systemId ?? '(none)');
        if (s && c.action === 'block') s.blocksByCategory[c.category] = (s.blocksByCategory[c.category] ?? 0) + c.n;
      }
      return [...bySystem.values()].map((s) => ({ ...s, blockRate: s.requests ? (s.inputBlocked + s.outputBlocked) / s.requests : 0 }));
    },
  };
}
export type GatewayManagement = ReturnType<typeof gatewayManagement>;
