import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startGatewayTestServer, STRICT_POLICY, UPSTREAM_KEY_ENV, type GatewayTestServer } from '../src/gateway/testing/harness.ts';
import { testConfig } from './helpers.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'zongheng');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(25);
  }
}

/** Operating the gateway: confirmations, the decision log under a store outage, evidence, policy hot reload, CLI. */
describe('gateway operations', () => {
  let s: GatewayTestServer;
  let strict: OpenAI;
  const policyFile = join(mkdtempSync(join(tmpdir(), 'zh-gw-policy-')), 'filed.yaml');
  const filed = (term: string) => `name: filed\nversion: 1\noutput:\n  - { type: keyword, action: block, terms: [{ term: ${term}, categories: [tc260.3.1.2.d] }] }\n`;
  before(async () => {
    writeFileSync(policyFile, filed('alpha'));
    s = await startGatewayTestServer(testConfig, (url) => ({
      upstreams: { mock: { type: 'openai', baseUrl: `${url}/v1`, apiKeyEnv: UPSTREAM_KEY_ENV, timeoutMs: 5000, streamIdleMs: 300 } },
      policies: { strict: { yaml: STRICT_POLICY }, filed: { file: policyFile } },
      reloadMs: 200,
      decisions: { flushMs: 20, batchSize: 16, retryMs: 100, insertTimeoutMs: 1000 },
      evidence: { intervalMs: 0 },
      confirmations: { holdMs: 8000, expiryMs: 60_000 },
    }));
    strict = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: await s.key('strict', 'mock'), maxRetries: 0 });
  });
  after(async () => s?.cleanup());

  const pending = () => until(async () => (await s.api('GET', '/api/gateway/confirmations?status=pending')).body.items[0]);

  it('holds a tool call that needs confirmation until it is approved through the API', async () => {
    const call = strict.chat.completions.create({ model: 'tool:shell', tools: [{ type: 'function', function: { name: 'shell', parameters: { type: 'object' } } }], messages: [{ role: 'user', content: 'ls -la' }] });
    const c = await pending();
    assert.equal(c.toolName, 'shell');
    assert.equal(c.rule, 'shell-needs-review');
    assert.equal(c.arguments, null, 'arguments are not kept unless the policy allows content logging');
    const ok = await s.api('POST', `/api/gateway/confirmations/${c.id}/approve`, { note: 'looks fine' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'approved');
    const r = await call;
    const tc = r.choices[0]!.message.tool_calls![0] as any;
    assert.deepEqual([tc.function.name, JSON.parse(tc.function.arguments).cmd], ['shell', 'ls -la']);
    assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
    assert.equal((await s.api('POST', `/api/gateway/confirmations/${c.id}/deny`, {})).status, 409, 'already decided');
    assert.equal((await s.api('GET', `/api/gateway/confirmations/${c.id}`)).body.status, 'consumed');
  });

  it('drops a denied tool call (streaming) and a tool the policy denies outright', async () => {
    const st = strict.chat.completions.create({ model: 'tool:shell', stream: true, messages: [{ role: 'user', content: 'rm -rf /' }] });
    const c = await pending();
    await sleep(500); // longer than the upstream's streamIdleMs: holding a call is not an idle upstream
    assert.equal((await s.api('POST', `/api/gateway/confirmations/${c.id}/deny`, {})).status, 200);
    let text = '';
    let tools = 0;
    for await (const ch of await st) {
      text += ch.choices[0]?.delta?.content ?? '';
      tools += ch.choices[0]?.delta?.tool_calls?.length ?? 0;
    }
    assert.equal(tools, 0);
    assert.match(text, /denied by a reviewer/);
    // A client that goes away mid-stream is not an upstream failure.
    const ac = new AbortController();
    const res = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', signal: ac.signal, headers: { authorization: `Bearer ${strict.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'slow:60', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    await res.body!.getReader().read();
    ac.abort();
    await sleep(300);
    const circuit = (await s.api('GET', '/api/gateway/upstreams')).body.items.find((u: any) => u.name === 'mock').circuit;
    assert.equal(circuit.consecutiveFailures, 0);
    const r = await strict.chat.completions.create({ model: 'tool:rm_tree', messages: [{ role: 'user', content: '/' }] });
    assert.equal(r.choices[0]!.message.tool_calls, undefined);
    assert.match(r.choices[0]!.message.content!, /blocked by policy strict/);
  });

  it('never loses a decision when the store stops mid-traffic, and writes none twice', async () => {
    const log = s.gateway.decisions;
    const store = s.runtime.gov.deps.store.read.gateway;
    await until(async () => (log.pending === 0 && !log.storeDown ? true : undefined));
    await sleep(60);
    const before = await store.countDecisions();
    const real = log.sink;
    let down = false;
    let n = 0;
    // While "down", every other batch actually lands before the failure is reported (a commit whose
    // acknowledgement was lost): the replay must not duplicate those.
    log.sink = { insert: async (b) => { if (down) { if (n++ % 2 === 0) await real.insert(b); throw new Error('store stopped'); } return real.insert(b); } };
    const burst = (k: number) => Promise.all(Array.from({ length: k }, (_, i) => strict.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: `req ${i}` }] })));
    try {
      await burst(10);
      down = true;
      for (let i = 0; i < 3; i++) await burst(10); // requests keep succeeding while the store is down
      await until(async () => (log.storeDown && log.status().spillFiles > 0 ? true : undefined));
      down = false;
      await burst(10);
      await until(async () => { const st = log.status(); return st.pending === 0 && !st.storeDown && st.spillFiles === 0 ? true : undefined; }, 15_000);
    } finally {
      log.sink = real;
    }
    assert.equal(await store.countDecisions(), before + 50 * 2, 'one input and one output decision per request');
    assert.ok(log.status().spilled > 0 && log.status().replayed > 0);
  });

  it('records guardrail evidence that marks tc260.4.2.1.a (and .b for PII masking) implemented for the key\'s system', async () => {
    const r = await s.api('POST', '/api/gateway/evidence');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const mine = r.body.recorded.find((e: any) => e.systemId === s.systemId);
    assert.ok(mine, JSON.stringify(r.body));
    const ev = await s.api('GET', `/api/evidence/${mine.evidenceId}`);
    assert.equal(ev.body.kind, 'guardrail');
    assert.equal(ev.body.producer, 'gateway');
    assert.deepEqual(ev.body.summary.controlsImplemented, ['tc260.4.2.1.a', 'tc260.4.2.1.b']);
    assert.ok(ev.body.summary.metrics.requests >= 50);
    const ctl = await s.api('GET', `/api/controls?systemId=${s.systemId}&measureId=tc260.4.2.1.a`);
    assert.equal(ctl.body.items[0]?.status, 'implemented');
    const stats = await s.api('GET', `/api/gateway/stats?systemId=${s.systemId}`);
    assert.equal(stats.status, 200);
    const sys = stats.body.systems.find((x: any) => x.systemId === s.systemId);
    assert.ok(sys.requests >= 50 && sys.toolDenied >= 1 && typeof sys.blockRate === 'number');
    const dec = await s.api('GET', `/api/gateway/decisions?systemId=${s.systemId}&limit=5`);
    assert.ok(dec.body.items.every((d: any) => d.content === null && /^[0-9a-f]{64}$/.test(d.contentSha256)));
  });

  it('validates policies with field paths, stores revisions, and hot-reloads without dropping in-flight requests', async () => {
    const bad = await s.api('POST', '/api/gateway/policies', { yaml: 'name: broken\nversion: 1\ninput:\n  - { type: keyword, action: explode }\ngateway: { onBlock: maybe }\n' });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.issues, JSON.stringify(bad.body));
    assert.deepEqual(bad.body.error.issues.map((i: any) => i.field).sort(), ['yaml.gateway.onBlock', 'yaml.input[0].action']);
    const v1 = 'name: live\nversion: 1\noutput:\n  - { type: keyword, action: block, terms: [{ term: nothing to see, categories: [tc260.3.1.2.d] }] }\n';
    assert.equal((await s.api('POST', '/api/gateway/policies', { yaml: v1 })).status, 201);
    const live = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: await s.key('live', 'mock'), maxRetries: 0 });
    // A slow stream starts on revision 1; revision 2 (which blocks "part 5") lands mid-stream.
    const slow = (async () => {
      let t = '';
      for await (const ch of await live.chat.completions.create({ model: 'slow:60', stream: true, messages: [{ role: 'user', content: 'go' }] })) t += ch.choices[0]?.delta?.content ?? '';
      return t;
    })();
    await sleep(150);
    const v2 = v1.replace('version: 1', 'version: 2').replace('nothing to see', 'part 5');
    const put = await s.api('PUT', '/api/gateway/policies/live', { yaml: v2 });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.revision, 2);
    assert.match(await slow, /part 5 part 6 part 7 part 8 part 9/);
    const again = await live.chat.completions.create({ model: 'slow:1', messages: [{ role: 'user', content: 'go' }] });
    assert.equal(again.choices[0]!.finish_reason, 'content_filter');
    assert.equal((await s.api('GET', '/api/gateway/policies/live/history')).body.items.length, 2);
    assert.equal((await s.api('PUT', '/api/gateway/policies/strict', { yaml: STRICT_POLICY })).status, 409, 'config policies are read-only through the API');
    assert.equal((await s.api('DELETE', '/api/gateway/policies/live')).status, 409, 'in use by a live key');
    const check = await s.api('POST', '/api/guard/check', { text: 'so part 5 it is', direction: 'output', policy: 'live' });
    assert.equal(check.body.action, 'block');
    // A policy file named in the config is watched: editing it reloads the policy.
    const out = async (text: string) => (await s.api('POST', '/api/guard/check', { text, direction: 'output', policy: 'filed' })).body.action;
    assert.deepEqual([await out('alpha'), await out('beta')], ['block', 'allow']);
    writeFileSync(policyFile, filed('beta'));
    await until(async () => ((await out('beta')) === 'block' ? true : undefined));
    assert.equal(await out('alpha'), 'allow');
    assert.equal((await s.api('GET', '/api/gateway/policies/filed')).body.source, 'config');
  });

  it('CLI: gateway key create/list/revoke and policy list/show/validate', async () => {
    const env = { ZONGHENG_URL: s.url, ZONGHENG_TOKEN: s.token, ZONGHENG_LOG_LEVEL: 'silent' };
    const dir = s.runtime.config.dataDir;
    writeFileSync(join(dir, 'bad.yaml'), 'name: b\nversion: 1\noutput:\n  - { type: pii, action: mask, entities: [shoe_size] }\n');
    writeFileSync(join(dir, 'good.yaml'), STRICT_POLICY);
    // Independent commands in parallel (each CLI start costs seconds).
    const [created, list, unknown, show, badRun, goodRun] = await Promise.all([
      cli(['gateway', 'key', 'create', '--system', s.systemId, '--policy', 'strict', '--upstream', 'mock', '--rpm', '30', '--json'], env),
      cli(['gateway', 'key', 'list', '--json'], env),
      cli(['gateway', 'key', 'create', '--system', s.systemId, '--upstream', 'nowhere'], env),
      cli(['gateway', 'policy', 'show', 'strict'], env),
      cli(['gateway', 'policy', 'validate', join(dir, 'bad.yaml')], env),
      cli(['gateway', 'policy', 'validate', join(dir, 'good.yaml')], env),
    ]);
    assert.equal(created.code, 0, created.stderr);
    const { key, info } = JSON.parse(created.stdout);
    assert.match(key, /^zhk_/);
    assert.equal(info.rpm, 30);
    const c = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: key, maxRetries: 0 });
    assert.match((await c.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'cli' }] })).choices[0]!.message.content!, /^echo: cli/);
    const items = JSON.parse(list.stdout).items;
    assert.ok(items.length > 0 && items.every((k: any) => k.prefix && !('key' in k)));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /upstream nowhere is not configured/);
    assert.match(show.stdout, /planted secret phrase/);
    assert.equal(badRun.code, 1);
    assert.match(badRun.stdout, /output\[0\]\.entities\[0\]/);
    assert.equal(goodRun.code, 0, goodRun.stderr + goodRun.stdout);
    assert.equal((await cli(['gateway', 'key', 'revoke', info.id], env)).code, 0);
    await assert.rejects(c.models.list(), (e: any) => e.status === 401);
  });
});
