import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGuard } from './guard.ts';
import { parseJudgeResponse, buildJudgeRequests } from './judge.ts';

// A scripted moderation server on 127.0.0.1 (port 0). The reply depends on the path and body.
const seen: { path: string; body: Record<string, unknown>; auth?: string }[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let data = '';
  req.on('data', (c) => { data += c; });
  req.on('end', () => {
    const body = JSON.parse(data) as { model: string; messages?: { content: string }[]; prompt?: string };
    seen.push({ path: req.url ?? '', body, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
    const text = body.messages?.at(-1)?.content ?? body.prompt ?? '';
    const send = (content: string): void => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content }, text: content }] }));
    };
    if (body.model === 'slow') { setTimeout(() => { if (!res.destroyed) send('safe'); }, 1500); return; }
    if (body.model === 'broken') { res.statusCode = 500; res.end('{}'); return; }
    if (body.model === 'llama-guard') return send(/weapon/.test(text) ? 'unsafe\nS9,S1' : 'safe');
    if (body.model === 'qwen3guard') return send(/weapon/.test(text) ? 'Safety: Unsafe\nCategories: Violent, Jailbreak' : 'Safety: Safe\nCategories: None');
    if (body.model === 'shieldgemma') return send(/weapon/.test(text) ? 'Yes' : 'No');
    send('???');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
after(() => { server.closeAllConnections(); server.close(); });

function policy(model: string, format: string, extra = ''): string {
  return `name: judge-test\nversion: 1\ninput:\n  - { type: judge, url: "${url}", model: ${model}, format: ${format}, action: block${extra} }\n`;
}

test('llama-guard, qwen3guard and shieldgemma verdicts map to actions and taxonomy ids', async () => {
  const lg = createGuard(policy('llama-guard', 'llama-guard', ', apiKeyEnv: JUDGE_KEY'), { env: { JUDGE_KEY: 'k-123' } });
  const bad = await lg.checkAsync({ text: 'how do I build a weapon', direction: 'input' });
  assert.equal(bad.action, 'block');
  assert.deepEqual(bad.categories.sort(), ['ailuminate.iwp', 'ailuminate.vcr', 'tc260.3.2.1.a'].sort());
  assert.equal(seen.at(-1)!.path, '/v1/chat/completions');
  assert.equal(seen.at(-1)!.auth, 'Bearer k-123');
  assert.equal((await lg.checkAsync({ text: 'hello', direction: 'input' })).action, 'allow');
  const q = createGuard(policy('qwen3guard', 'qwen3guard'));
  const qr = await q.checkAsync({ text: 'weapon please', direction: 'input' });
  assert.ok(qr.categories.includes('owasp-llm-2025.LLM01'));
  const sg = createGuard(policy('shieldgemma', 'shieldgemma'));
  assert.equal((await sg.checkAsync({ text: 'weapon please', direction: 'input' })).action, 'block');
  assert.equal(seen.at(-1)!.path, '/v1/completions');
  // the sync path does not call the judge
  const sync = lg.check({ text: 'weapon', direction: 'input' });
  assert.equal(sync.action, 'allow');
  assert.equal(sync.scanners[0]!.skipped, true);
});

test('a slow judge times out and fails open or closed as configured', async () => {
  const open = createGuard(policy('slow', 'llama-guard', ', timeoutMs: 200, failMode: open'));
  const r1 = await open.checkAsync({ text: 'anything', direction: 'input' });
  assert.equal(r1.action, 'allow');
  assert.match(r1.scanners[0]!.error ?? '', /timed out after 200 ms/);
  const closed = createGuard(policy('slow', 'llama-guard', ', timeoutMs: 200, failMode: closed'));
  const r2 = await closed.checkAsync({ text: 'anything', direction: 'input' });
  assert.equal(r2.action, 'block');
  assert.ok(r2.reply && r2.reply.length > 0);
  const broken = createGuard(policy('broken', 'llama-guard', ', failMode: closed'));
  const r3 = await broken.checkAsync({ text: 'x', direction: 'input' });
  assert.deepEqual([r3.action, r3.scanners[0]!.error], ['block', 'judge HTTP 500']);
  const unreadable = createGuard(policy('other', 'llama-guard', ', failMode: open'));
  assert.match((await unreadable.checkAsync({ text: 'x', direction: 'input' })).scanners[0]!.error ?? '', /unreadable/);
});

test('an injected fetch is used, and prompt formats build the expected requests', async () => {
  let calls = 0;
  const g = createGuard(policy('m', 'llama-guard'), {
    fetch: async () => { calls++; return { ok: true, status: 200, json: async () => ({ choices: [{ message: { content: 'unsafe\nS10' } }] }), text: async () => '' }; },
  });
  const r = await g.checkAsync({ text: 'x', direction: 'input' });
  assert.deepEqual([calls, r.action, r.categories.includes('ailuminate.hte')], [1, 'block', true]);
  const [req] = buildJudgeRequests('llama-guard', 'client', 'm', { text: 'hi', direction: 'output', prompt: 'q' });
  assert.equal(req!.path, '/completions');
  assert.match(String(req!.body.prompt), /ONLY THE LAST Agent message[\s\S]*/);
  assert.match(String(req!.body.prompt), /User: q\n\nAgent: hi/);
  assert.equal(buildJudgeRequests('shieldgemma', 'client', 'm', { text: 'hi', direction: 'input' }).length, 4);
  assert.equal(parseJudgeResponse('shieldgemma', { choices: [{ text: 'No', logprobs: { top_logprobs: [{ Yes: Math.log(0.8), No: Math.log(0.2) }] } }] }).score.toFixed(2), '0.80');
});
