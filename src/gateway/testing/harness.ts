// Test harness: a real server (startServer) with a gateway config, a scripted upstream, an admin
// API helper and a system to bind keys to. `testConfig` is passed in (test/helpers.ts) so the
// same suite runs on PGlite and on PostgreSQL.
import { readFileSync } from 'node:fs';
import type { Config } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/start.ts';
import { startScriptedUpstream, type ScriptedUpstream } from './upstream.ts';

export const UPSTREAM_KEY_ENV = 'ZH_TEST_UPSTREAM_KEY';
export const UPSTREAM_KEY = 'sk-upstream-secret-do-not-leak';

export const STRICT_POLICY = `name: strict
version: 1
blockReply: { zh: 内容已拦截。, en: Blocked by policy. }
gateway: { label: { enabled: true }, logContent: false }
input:
  - { type: keyword, name: injection, action: block, terms: [{ term: ignore all previous instructions, categories: [owasp-llm-2025.LLM01] }] }
  - { type: pii, action: mask, entities: [phone, email, cn_id] }
output:
  - { type: keyword, name: leaks, action: block, terms: [{ term: planted secret phrase, categories: [tc260.3.1.2.d] }, { term: 青龙计划代号, categories: [tc260.3.1.2.d] }] }
  - { type: pii, action: mask, entities: [phone, email] }
tools:
  default: allow
  rules:
    - { id: shell-needs-review, tool: shell, decision: confirm }
    - { id: no-deletes, tool: 'rm_*', decision: deny }
`;

export interface GatewayTestServer extends RunningServer {
  token: string;
  upstream: ScriptedUpstream;
  systemId: string;
  api: <T = any>(method: string, path: string, body?: unknown, token?: string | null) => Promise<{ status: number; body: T; headers: Headers }>;
  key(policy: string, upstream: string, rpm?: number): Promise<string>;
  cleanup(): Promise<void>;
}

export const TEST_SYSTEM = {
  name: 'Gateway test assistant', owner: 'Platform', domain: 'finance', population: 'public', lifecycleStage: 'operation', autonomyLevel: 'L2',
  organisationRole: 'application-provider', deploymentMode: 'saas', capabilities: ['text-generation', 'rag'], dataCategories: ['personal', 'financial'],
  jurisdictions: ['cn'], models: [{ name: 'qwen', version: '1', source: 'open-source' }],
};

export async function startGatewayTestServer(testConfig: () => Promise<{ config: Config; cleanup: () => Promise<void> }>, gateway: (upstreamUrl: string) => Record<string, unknown>): Promise<GatewayTestServer> {
  process.env[UPSTREAM_KEY_ENV] = UPSTREAM_KEY;
  const upstream = await startScriptedUpstream();
  const { config, cleanup } = await testConfig();
  config.file = { ...(config.file ?? {}), gateway: gateway(upstream.url) };
  const server = await startServer(config, { quiet: true });
  const token = readFileSync(server.adminTokenPath, 'utf8').trim();
  const api: GatewayTestServer['api'] = async (method, path, body, tok = token) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const sys = await api('POST', '/api/systems', TEST_SYSTEM);
  if (sys.status !== 201) throw new Error(`could not create the test system: ${JSON.stringify(sys.body)}`);
  return {
    ...server,
    token,
    upstream,
    systemId: sys.body.id,
    api,
    async key(policy, up, rpm = 0) {
      const r = await api('POST', '/api/gateway/keys', { systemId: sys.body.id, policy, upstream: up, rpm });
      if (r.status !== 201) throw new Error(`key create failed: ${JSON.stringify(r.body)}`);
      return r.body.key as string;
    },
    async cleanup() {
      await server.stop();
      await upstream.close();
      await cleanup();
    },
  };
}

/** Reads a raw SSE response into its data payloads. */
export async function sseData(res: Response): Promise<string[]> {
  const text = await res.text();
  return text.split('\n\n').map((b) => b.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n')).filter(Boolean);
}
