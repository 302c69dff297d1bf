import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromMessagesResponse, MessagesStreamTranslator, toMessagesRequest } from '../src/gateway/anthropic.ts';
import { DecisionLog } from '../src/gateway/decisions.ts';
import { fastId } from '../src/gateway/ids.ts';
import { CircuitBreaker, generateAppKey, hashAppKey, parseGatewayPolicy, TokenBucket } from '../src/gateway/index.ts';
import { evidenceFor, SystemStats } from '../src/gateway/stats.ts';
import type { GatewayDecision } from '../src/store/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('gateway parts', () => {
  it('circuit breaker: opens after N consecutive failures, lets one half-open probe through after the cooldown', () => {
    let now = 0;
    const cb = new CircuitBreaker(3, 1000, () => now);
    cb.failure();
    cb.failure();
    cb.success(); // a success resets the count
    cb.failure();
    cb.failure();
    assert.equal(cb.admit().ok, true);
    cb.failure();
    assert.equal(cb.state, 'open');
    const denied = cb.admit();
    assert.ok(!denied.ok && denied.retryAfterS >= 1);
    now = 1000;
    const probe = cb.admit();
    assert.deepEqual(probe, { ok: true, probe: true });
    assert.equal(cb.admit().ok, false, 'only one probe at a time');
    cb.failure(); // the probe failed: open again for a full cooldown
    assert.equal(cb.state, 'open');
    now = 2000;
    assert.equal(cb.admit().ok, true);
    cb.success();
    assert.equal(cb.state, 'closed');
    assert.equal(cb.snapshot().opens, 2);
  });

  it('token bucket: rpm requests at once, then one per 60/rpm seconds; 0 = unlimited', () => {
    let now = 0;
    const b = new TokenBucket(60, () => now);
    for (let i = 0; i < 60; i++) assert.equal(b.take().ok, true);
    const r = b.take();
    assert.ok(!r.ok && Math.abs(r.retryAfterS - 1) < 0.01);
    now = 1000;
    assert.equal(b.take().ok, true);
    assert.equal(b.take().ok, false);
    const free = new TokenBucket(0, () => now);
    for (let i = 0; i < 1000; i++) assert.equal(free.take().ok, true);
  });

  it('application keys are random and only their SHA-256 is kept; ids are unique and ordered', () => {
    const a = generateAppKey();
    assert.match(a, /^zhk_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, generateAppKey());
    assert.match(hashAppKey(a), /^[0-9a-f]{64}$/);
    const ids = Array.from({ length: 5000 }, () => fastId('dec'));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
  });

  it('decision log: spills to JSONL while the store fails, replays after a restart, once per decision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zh-declog-'));
    try {
      const stored = new Map<string, GatewayDecision>();
      let inserts = 0;
      let failing = true;
      const sink = { insert: async (b: GatewayDecision[]) => { inserts++; if (failing) { if (inserts % 2) for (const d of b) stored.set(d.id, d); throw new Error('down'); } for (const d of b) stored.set(d.id, d); } };
      const opts = { dir, flushMs: 10, batchSize: 5, maxBuffer: 12, insertTimeoutMs: 200, retryMs: 20 };
      const log = new DecisionLog(sink, opts);
      const mk = (i: number): GatewayDecision => ({ id: fastId('dec'), at: new Date().toISOString(), requestId: `r${i}`, keyId: 'k', systemId: 's', policy: 'p', upstream: 'u', direction: 'input', action: 'allow', categories: [], contentSha256: null, scanners: [], guardMs: 0, upstreamMs: null, content: null });
      const all = Array.from({ length: 40 }, (_, i) => mk(i));
      for (const d of all) log.record(d); // more than maxBuffer: overflow goes straight to disk
      await sleep(100);
      await log.close(); // the process stops while the store is still down
      assert.ok(readdirSync(dir).some((f) => f.startsWith('decisions-spill')));
      assert.ok(readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8').includes('"requestId"'));
      failing = false;
      const next = new DecisionLog(sink, opts); // a new process: replays what the last one spilled
      await next.flush();
      await next.close();
      assert.equal(stored.size, all.length);
      for (const d of all) assert.deepEqual(stored.get(d.id), d);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('translates chat completions to Anthropic Messages and back', () => {
    const req = toMessagesRequest({
      stream: true, temperature: 1.5, stop: 'END', max_tokens: 50, tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'lookup', description: 'd', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'result' },
        { role: 'user', content: 'and?' },
      ],
    }, 'claude-x', 1024);
    assert.equal(req.system, 'sys');
    assert.equal(req.max_tokens, 50);
    assert.equal(req.temperature, 1);
    assert.deepEqual(req.stop_sequences, ['END']);
    assert.deepEqual(req.tool_choice, { type: 'any' });
    assert.deepEqual(req.tools[0], { name: 'lookup', description: 'd', input_schema: { type: 'object', properties: { q: { type: 'string' } } } });
    assert.deepEqual(req.messages.map((m: any) => m.role), ['user', 'assistant', 'user']);
    assert.deepEqual(req.messages[0].content[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } });
    assert.deepEqual(req.messages[1].content[0], { type: 'tool_use', id: 't1', name: 'lookup', input: { q: 'x' } });
    assert.deepEqual(req.messages[2].content, [{ type: 'tool_result', tool_use_id: 't1', content: 'result' }, { type: 'text', text: 'and?' }]);

    const resp = fromMessagesResponse({ id: 'msg_1', model: 'm', content: [{ type: 'text', text: 'a' }, { type: 'tool_use', id: 'tu', name: 'lookup', input: { q: 1 } }], stop_reason: 'tool_use', usage: { input_tokens: 3, output_tokens: 4 } });
    assert.equal(resp.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(resp.choices[0].message.tool_calls[0], { id: 'tu', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } });
    assert.deepEqual(resp.usage, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });

    const t = new MessagesStreamTranslator();
    const out = [
      ...t.push('message_start', { type: 'message_start', message: { id: 'msg_9', model: 'm', usage: { input_tokens: 2 } } }),
      ...t.push('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'he' } }),
      ...t.push('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'tu', name: 'f' } }),
      ...t.push('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } }),
      ...t.push('ping', { type: 'ping' }),
      ...t.push('message_delta', { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 5 } }),
    ];
    assert.equal(out[0].id, 'chatcmpl-9');
    assert.equal(out[1].choices[0].delta.content, 'he');
    assert.equal(out[2].choices[0].delta.tool_calls[0].function.name, 'f');
    assert.equal(out[3].choices[0].delta.tool_calls[0].function.arguments, '{"a":');
    assert.equal(out.at(-1).choices[0].finish_reason, 'length');
    assert.throws(() => t.push('error', { type: 'error', error: { message: 'overloaded' } }), /overloaded/);
  });

  it('policy YAML: guard format plus a gateway: section, errors name the field', () => {
    const ok = parseGatewayPolicy('name: p\nversion: 1\ngateway: { label: { enabled: true, text: "[AI]" }, onBlock: error }\ninput: [{ type: pii, action: mask }]\n');
    assert.deepEqual([ok.policy.name, ok.gateway.onBlock, ok.gateway.label.text, ok.gateway.logContent], ['p', 'error', '[AI]', false]);
    assert.throws(() => parseGatewayPolicy('name: p\nversion: 1\ngateway: { colour: red, streamOverlap: 2 }\n'), (e: any) => {
      assert.deepEqual(e.issues.map((i: any) => i.path).sort(), ['gateway.colour', 'gateway.streamOverlap']);
      return true;
    });
  });

  it('evidence: guardrail aggregates claim tc260.4.2.1.a, and .b when PII is masked', () => {
    const st = new SystemStats();
    st.request('sys_a', 'default', true);
    st.decision('sys_a', 'input', 'block', ['owasp-llm-2025.LLM01']);
    st.request('sys_a', 'default', true);
    st.decision('sys_a', 'input', 'mask', ['gbt45654.A.4.f']);
    st.request('sys_b', 'lax', false);
    const [a, b] = st.drain();
    const ea: any = evidenceFor(a!, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(ea.summary.controlsImplemented, ['tc260.4.2.1.a', 'tc260.4.2.1.b']);
    assert.equal(ea.summary.metrics.requests, 2);
    assert.equal(ea.summary.metrics['blocked:owasp-llm-2025.LLM01'], 1);
    assert.equal(ea.summary.metrics.pii_masked, 1);
    assert.deepEqual((evidenceFor(b!, '2026-01-01T00:00:00.000Z') as any).summary.controlsImplemented, ['tc260.4.2.1.a']);
    assert.deepEqual(st.drain(), []);
  });
});
