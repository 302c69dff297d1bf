/**
 * The node:http client under the targets: aborts and timeouts while a slow body (JSON or SSE) is
 * still streaming, the retry paths, redirects, gzip and the response size limit — all against real
 * servers on 127.0.0.1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultScript, startSimServer, type SimServer } from '../testing/sim-server.ts';
import { createTarget, TargetError } from './index.ts';
import { proxyFor } from './http-client.ts';

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

/**
 * A forward proxy on loopback: absolute-URI requests are relayed to the simulated model, CONNECT
 * tunnels go to `tunnelPort` whatever host was asked for (so `model.test` needs no DNS).
 */
async function startProxy(sim: SimServer, tunnelPort: () => number) {
  const seen: { method: string; target: string; auth?: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', target: req.url ?? '', ...(req.headers['proxy-authorization'] ? { auth: String(req.headers['proxy-authorization']) } : {}) });
    const u = new URL(req.url ?? '/');
    const { 'proxy-authorization': _pa, ...headers } = req.headers;
    const up = httpRequest({ host: '127.0.0.1', port: sim.port, path: u.pathname + u.search, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  server.on('connect', (req, socket) => {
    seen.push({ method: 'CONNECT', target: req.url ?? '' });
    const up = netConnect(tunnelPort(), '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('proxies', () => {
  it('proxyFor: env precedence, NO_PROXY forms, loopback always direct', () => {
    const env = { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://q:2', NO_PROXY: '.internal.example, exact.example:8443, other.example' };
    assert.equal(proxyFor(new URL('https://api.example.com/v1'), env)?.host, 'p:1');
    assert.equal(proxyFor(new URL('http://api.example.com/v1'), env)?.host, 'q:2');
    assert.equal(proxyFor(new URL('https://api.example.com/v1'), { http_proxy: 'q:2' })?.host, 'q:2', 'https falls back to HTTP_PROXY; scheme optional');
    assert.equal(proxyFor(new URL('https://a.internal.example/v1'), env), undefined);
    assert.equal(proxyFor(new URL('https://exact.example:8443/v1'), env), undefined);
    assert.ok(proxyFor(new URL('https://exact.example/v1'), env), 'NO_PROXY entry with a port only matches that port');
    assert.equal(proxyFor(new URL('http://other.example/'), env), undefined);
    assert.equal(proxyFor(new URL('https://x.example/'), { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }), undefined);
    for (const u of ['http://127.0.0.1:8000/v1', 'http://localhost:11434', 'http://[::1]:8420/v1']) assert.equal(proxyFor(new URL(u), env), undefined, u);
    assert.throws(() => proxyFor(new URL('https://x.example/'), { HTTPS_PROXY: 'socks5://p:1' }), (e: TargetError) => e.kind === 'config');
  });

  it('http targets go through HTTP_PROXY with an absolute URI and Proxy-Authorization', async () => {
    const proxy = await startProxy(sim, () => 0);
    const saved = { HTTP_PROXY: process.env['HTTP_PROXY'], NO_PROXY: process.env['NO_PROXY'] };
    process.env['HTTP_PROXY'] = proxy.url.replace('http://', 'http://user:s%40cret@');
    delete process.env['NO_PROXY'];
    try {
      const t = createTarget({ type: 'openai', baseUrl: 'http://model.test/v1', model: 'm', apiKey: 'sk-proxied-1', retries: 0 });
      assert.match((await t.chat(user('through the proxy'))).text, /helpful answer/);
      assert.deepEqual(proxy.seen[0], { method: 'POST', target: 'http://model.test/v1/chat/completions', auth: `Basic ${Buffer.from('user:s@cret').toString('base64')}` });
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
      proxy.server.closeAllConnections();
      proxy.server.close();
    }
  });

  it('https targets tunnel through HTTPS_PROXY with CONNECT (TLS verified end to end); NO_PROXY goes direct', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zh-proxy-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=model.test', '-addext', 'subjectAltName=DNS:model.test'], { stdio: 'ignore' });
    const tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => sim.server.emit('request', req, res));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
    const proxy = await startProxy(sim, () => (tls.address() as AddressInfo).port);
    // A child process, because NODE_EXTRA_CA_CERTS (trusting the test certificate) is read at start-up.
    const script = join(dir, 'call.mts');
    writeFileSync(script, `import { createTarget } from ${JSON.stringify(join(import.meta.dirname, 'index.ts'))};\nconst t = createTarget({ type: 'openai', baseUrl: 'https://model.test/v1', model: 'm', apiKey: 'sk-tunnel-1', retries: 0, timeoutMs: 20000 });\ntry { console.log('OK ' + (await t.chat({ messages: [{ role: 'user', content: 'tunnelled' }] })).text); } catch (e) { console.log('ERR ' + e.kind + ' ' + e.message); }\n`);
    const call = (extra: Record<string, string>) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), HTTPS_PROXY: proxy.url, NO_PROXY: '', ...extra } }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
      );
    try {
      assert.match(await call({}), /^OK Sure\. Here is a helpful answer/);
      assert.deepEqual(proxy.seen.map((x) => [x.method, x.target]), [['CONNECT', 'model.test:443']]);
      assert.match(await call({ NO_PROXY: 'model.test' }), /^ERR network .*ENOTFOUND|^ERR network .*EAI_AGAIN/);
      assert.equal(proxy.seen.length, 1, 'NO_PROXY bypassed the proxy');
      // Without the test CA the certificate is refused, and that is a network error as with fetch.
      const { NODE_EXTRA_CA_CERTS: _ca, ...noCa } = process.env;
      const untrusted = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', script], { env: { ...noCa, HTTPS_PROXY: proxy.url, NO_PROXY: '' } }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
      );
      assert.match(untrusted, /^ERR network .*(SELF_SIGNED|UNABLE_TO_VERIFY|CERT)/);
    } finally {
      proxy.server.closeAllConnections();
      proxy.server.close();
      tls.closeAllConnections();
      tls.close();
    }
  });
});
