/**
 * The node:http client under the targets: aborts and timeouts while a slow body (JSON or SSE) is
 * still streaming, the retry paths, redirects, gzip and the response size limit — all against real
 * servers on 127.0.0.1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultScript, startSimServer, type SimServer } from '../testing/sim-server.ts';
import { createTarget, TargetError } from './index.ts';

let sim: SimServer;
before(async () => {
  sim = await startSimServer();
});
after(async () => {
  await sim.close();
});

const user = (content: string) => ({ messages: [{ role: 'user' as const, content }] });
const openai = (extra: Record<string, unknown> = {}) => createTarget({ type: 'openai', baseUrl: `${sim.url}/v1`, model: 'm', apiKey: 'sk-http-client-test-123456', ...extra });

/** Waits (bounded) until `cond` holds; the server notices a closed socket at its next write. */
async function eventually(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(cond(), what);
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('http client', () => {
  it('an abort while an SSE body is streaming ends the call and closes the connection', async () => {
    const before = sim.slowAbandoned;
    const ac = new AbortController();
    const t = openai({ stream: true, retries: 0 });
    const started = sim.requests;
    const call = t.chat(user('#slow stream'), ac.signal);
    await eventually(() => sim.requests > started, 'request reached the server');
    await new Promise((r) => setTimeout(r, 400)); // a few SSE events have arrived
    ac.abort();
    await assert.rejects(call, (e: TargetError) => e.kind === 'aborted');
    await eventually(() => sim.slowAbandoned > before, 'server saw the client go away before the body was complete');
  });

  it('the per-attempt timeout covers a slowly streamed SSE body and a slow JSON body', async () => {
    const before = sim.slowAbandoned;
    await assert.rejects(openai({ stream: true, retries: 0, timeoutMs: 500 }).chat(user('#slow sse')), (e: TargetError) => e.kind === 'timeout');
    await assert.rejects(openai({ retries: 0, timeoutMs: 500 }).chat(user('#slow json')), (e: TargetError) => e.kind === 'timeout');
    await eventually(() => sim.slowAbandoned >= before + 2, 'both slow bodies were abandoned');
  });

  it('retries a dropped connection, a timed-out attempt, and honours retry-after-ms', async () => {
    assert.equal((await openai({ retries: 2, backoffBaseMs: 1 }).chat(user('#resetonce a'))).attempts, 2);
    await assert.rejects(openai({ retries: 0 }).chat(user('#resetonce b')), (e: TargetError) => e.kind === 'network');

    sim.setScript((req) => (req.lastUser.includes('lateonce') && req.attempt === 0 ? { slowMs: 3000, text: 'late' } : defaultScript(req)));
    const r = await openai({ retries: 1, backoffBaseMs: 1, timeoutMs: 400 }).chat(user('lateonce'));
    assert.equal(r.attempts, 2);
    assert.match(r.text, /helpful answer/);

    sim.setScript((req) => (req.attempt === 0 ? { status: 429, headers: { 'retry-after-ms': '300' }, body: { error: { message: 'wait' } } } : defaultScript(req)));
    const ra = await openai({ retries: 1, backoffBaseMs: 1 }).chat(user('retry-after-ms case'));
    assert.equal(ra.attempts, 2);
    // retry-after-ms is read (not just Retry-After): one beyond the 120 s limit ends the case at once.
    sim.setScript(() => ({ status: 429, headers: { 'retry-after-ms': '200000' }, body: { error: { message: 'wait' } } }));
    await assert.rejects(openai({ retries: 3 }).chat(user('too long')), (e: TargetError) => e.kind === 'rate_limited');
    sim.setScript(defaultScript);
  });

  it('gives up at once on a Retry-After beyond the limit, and an abort during backoff is aborted', async () => {
    sim.setScript(() => ({ status: 429, headers: { 'retry-after': '3600' }, body: { error: { message: 'come back in an hour' } } }));
    const seen = sim.requests;
    await assert.rejects(openai({ retries: 3 }).chat(user('hour')), (e: TargetError) => e.kind === 'rate_limited' && e.status === 429);
    assert.equal(sim.requests - seen, 1, 'no retry was attempted');

    sim.setScript(() => ({ status: 503, body: { error: { message: 'down' } } }));
    const ac = new AbortController();
    const t = openai({ retries: 5, backoffBaseMs: 20_000, backoffMaxMs: 20_000 });
    const call = t.chat(user('backoff'), ac.signal);
    await eventually(() => t.stats().retries >= 1, 'first attempt failed and a long backoff began');
    ac.abort();
    await assert.rejects(call, (e: TargetError) => e.kind === 'aborted');
    sim.setScript(defaultScript);
  });

  it('decompresses gzip, and cuts off a body above maxResponseBytes as bad_response', async () => {
    assert.match((await openai().chat(user('#gzip hello'))).text, /helpful answer/);
    await assert.rejects(openai({ retries: 0, maxResponseBytes: 1024 * 1024 }).chat(user('#huge')), (e: TargetError) => e.kind === 'bad_response' && /larger than/.test(e.message));
    assert.equal((await openai({ retries: 0 }).chat(user('#huge'))).text.length, 2 * 1024 * 1024);
  });

  it('follows a same-origin 307 with method, body and key; never sends the key to another origin', async () => {
    const t = createTarget({ type: 'openai', baseUrl: `${sim.url}/r307/v1`, model: 'm', apiKey: 'sk-same-origin-redirect-1' });
    assert.match((await t.chat(user('redirected'))).text, /helpful answer/);
    assert.ok(sim.keysSeen.has('sk-same-origin-redirect-1'));

    const hop = await listen((req, res) => {
      res.writeHead(307, { location: `${sim.url}${req.url}` });
      res.end();
    });
    try {
      const x = createTarget({ type: 'anthropic', baseUrl: hop.url, model: 'c', apiKey: 'ak-cross-origin-redirect-2' });
      assert.match((await x.chat(user('cross origin'))).text, /helpful answer/);
      assert.ok(!sim.keysSeen.has('ak-cross-origin-redirect-2'), 'x-api-key was dropped on the cross-origin hop');
    } finally {
      hop.server.closeAllConnections();
      hop.server.close();
    }
  });

  it('a redirect loop ends as a network error', async () => {
    const loop = await listen((req, res) => {
      res.writeHead(308, { location: req.url ?? '/' });
      res.end();
    });
    try {
      await assert.rejects(createTarget({ type: 'openai', baseUrl: `${loop.url}/v1`, model: 'm', retries: 0 }).chat(user('loop')), (e: TargetError) => e.kind === 'network' && /redirects/.test(e.message));
    } finally {
      loop.server.closeAllConnections();
      loop.server.close();
    }
  });

  it('connection refused is a network error naming the errno', async () => {
    await assert.rejects(createTarget({ type: 'openai', baseUrl: 'http://127.0.0.1:1/v1', model: 'm', retries: 0 }).chat(user('x')), (e: unknown) => e instanceof TargetError && e.kind === 'network' && /ECONNREFUSED/.test(e.message));
  });
});
