/**
 * A small HTTP client for model APIs on node:http / node:https with keep-alive agents.
 *
 * Why not the global fetch: in the evaluation benchmark undici's fetch and its web streams took
 * 45% of the runner's CPU and most of its garbage; the same exchange over node:http is about 3×
 * cheaper (docs/performance.md, Evaluation). This module keeps what the targets relied on from
 * fetch and makes the rest explicit:
 *  - one AbortSignal covers connect, headers and the whole body (timeouts and Ctrl-C end a slowly
 *    streamed body at once, not at its next chunk);
 *  - gzip / deflate / br bodies are decompressed (fetch did that too); `accept-encoding` asks for
 *    gzip and deflate, as Node 20's fetch did;
 *  - a body larger than `maxBytes` (after decompression) is cut off as `bad_response`, so a broken
 *    or hostile endpoint cannot exhaust memory (fetch had no limit);
 *  - redirects follow fetch's rules (at most 5; 303, and 301/302 after a POST, become a GET without
 *    body; 307/308 keep method and body), but credentials are never sent to another origin: on a
 *    cross-origin hop only content-type, accept and user-agent survive (fetch dropped only
 *    Authorization, so an Anthropic `x-api-key` would have followed), and https → http is refused;
 *  - TLS uses Node's defaults, so NODE_EXTRA_CA_CERTS and NODE_TLS_REJECT_UNAUTHORIZED apply as
 *    they did to fetch;
 *  - HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and lower-case forms) are honoured, which Node 20's
 *    global fetch did not do (checked: with HTTP_PROXY set, a request went direct): http targets
 *    go through the proxy with an absolute URI, https targets through a CONNECT tunnel (TLS stays
 *    end to end). Loopback hosts never use a proxy, so a local model or gateway keeps working in a
 *    shell with a proxy set. Only http:// proxies; credentials in the proxy URL become
 *    Proxy-Authorization.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Duplex, Readable } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { TargetError } from './errors.ts';

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HeaderGetter {
  get(name: string): string | null;
}

/** The part of a response the targets use. `body` can be iterated once; `text()` reads it whole. */
export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: HeaderGetter;
  readonly body: AsyncIterable<Buffer>;
  text(): Promise<string>;
}

export interface SendOptions {
  signal: AbortSignal;
  /** Largest body accepted, after decompression. */
  maxBytes?: number;
  maxRedirects?: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that may follow a redirect to another origin; everything else may carry a secret. */
const CROSS_ORIGIN_SAFE = new Set(['content-type', 'accept', 'user-agent', 'accept-encoding']);

// Sockets are reused across calls; the target's limiter bounds how many are open at once.
const httpAgent = new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
const httpsAgent = new HttpsAgent({ keepAlive: true, scheduling: 'lifo' });

// ------------------------------------------------------------------ proxies

type Env = Record<string, string | undefined>;

function proxyAuth(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const cred = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(cred).toString('base64')}` };
}

function noProxyMatches(host: string, port: string, list: string): boolean {
  for (const raw of list.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    const name = m[1]!.replace(/^\*?\./, '');
    if (m[2] && m[2] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy for `url` from the environment, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Env = process.env): URL | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1' || host.startsWith('127.')) return undefined;
  const https = url.protocol === 'https:';
  const raw = https ? (env['HTTPS_PROXY'] ?? env['https_proxy'] ?? env['HTTP_PROXY'] ?? env['http_proxy']) : (env['HTTP_PROXY'] ?? env['http_proxy']);
  if (!raw) return undefined;
  const port = url.port || (https ? '443' : '80');
  if (noProxyMatches(host, port, env['NO_PROXY'] ?? env['no_proxy'] ?? '')) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new TargetError('config', 'the proxy in HTTPS_PROXY/HTTP_PROXY is not a URL');
  }
  if (proxy.protocol !== 'http:') throw new TargetError('config', `only http:// proxies are supported, not ${proxy.protocol}`);
  return proxy;
}

/** An https agent whose sockets are TLS over a CONNECT tunnel through `proxy`; kept alive like the direct one. */
class TunnelAgent extends HttpsAgent {
  constructor(private readonly proxy: URL) {
    super({ keepAlive: true, scheduling: 'lifo' });
  }
  // Node's Agent accepts an asynchronous createConnection that reports through the callback.
  override createConnection(options: ConnectionOptions & { host?: string; port?: number }, cb: (err: Error | null, socket?: Duplex) => void): undefined {
    const target = `${options.host}:${options.port ?? 443}`;
    const req = httpRequest({ host: this.proxy.hostname, port: this.proxy.port || 80, method: 'CONNECT', path: target, headers: { host: target, ...proxyAuth(this.proxy) }, agent: false });
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        cb(Object.assign(new Error(`proxy refused CONNECT ${target}: HTTP ${res.statusCode}`), { code: 'EPROXY' }));
        return;
      }
      cb(null, tlsConnect({ ...options, socket, servername: options.servername ?? options.host ?? '' }));
    });
    req.once('error', (e) => cb(e));
    req.end();
    return undefined;
  }
}

const proxyAgents = new Map<string, { http: HttpAgent; https: TunnelAgent }>();
function agentsFor(proxy: URL): { http: HttpAgent; https: TunnelAgent } {
  let a = proxyAgents.get(proxy.href);
  if (!a) proxyAgents.set(proxy.href, (a = { http: new HttpAgent({ keepAlive: true, scheduling: 'lifo' }), https: new TunnelAgent(proxy) }));
  return a;
}

class NodeResponse implements HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: HeaderGetter;
  private used = false;
  constructor(
    private readonly res: IncomingMessage,
    private readonly signal: AbortSignal,
    private readonly maxBytes: number,
  ) {
    this.status = res.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    const h = res.headers;
    this.headers = {
      get: (n) => {
        const v = h[n.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    };
  }

  get body(): AsyncIterable<Buffer> {
    if (this.used) throw new TargetError('bad_response', 'response body read twice');
    this.used = true;
    return this.iterate();
  }

  private async *iterate(): AsyncGenerator<Buffer> {
    const { res, signal, maxBytes } = this;
    const stream = decoded(res);
    // Destroying the stream makes the pending read reject at once, even mid-chunk of a slow body.
    const onAbort = (): void => {
      const err = new Error('aborted');
      err.name = 'AbortError';
      stream.destroy(err);
      res.destroy();
    };
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    let total = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxBytes) {
          res.destroy();
          throw new TargetError('bad_response', `response larger than ${maxBytes} bytes`, { status: this.status });
        }
        yield chunk;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (!res.complete) res.destroy();
    }
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of this.body) chunks.push(c);
    return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  }
}

function decoded(res: IncomingMessage): Readable {
  const enc = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const z = enc === 'gzip' || enc === 'x-gzip' ? createGunzip() : enc === 'deflate' ? createInflate() : enc === 'br' ? createBrotliDecompress() : undefined;
  if (!z) return res;
  res.on('error', (e) => z.destroy(e));
  return res.pipe(z);
}

function once(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:') return reject(new TargetError('config', `unsupported URL scheme ${url.protocol}`));
    const h: OutgoingHttpHeaders = { 'accept-encoding': 'gzip, deflate', 'user-agent': 'zongheng-eval', ...headers };
    if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
    const proxy = proxyFor(url);
    let req;
    if (proxy && !https) {
      // Plain http through the proxy: absolute URI in the request line, sent to the proxy.
      req = httpRequest({ host: proxy.hostname, port: proxy.port || 80, path: url.href, method, headers: { ...h, host: url.host, ...proxyAuth(proxy) }, agent: agentsFor(proxy).http, signal }, resolve);
    } else {
      const agent = proxy ? agentsFor(proxy).https : https ? httpsAgent : httpAgent;
      req = (https ? httpsRequest : httpRequest)(url, { method, headers: h, agent, signal }, resolve);
    }
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends one request (following redirects) and resolves when the response headers arrive. */
export async function httpSend(req: HttpRequest, opts: SendOptions): Promise<HttpResponse> {
  let url = new URL(req.url);
  let { method, headers, body } = req;
  const maxRedirects = opts.maxRedirects ?? MAX_REDIRECTS;
  for (let hop = 0; ; hop++) {
    const res = await once(url, method, headers, body, opts.signal);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) return new NodeResponse(res, opts.signal, opts.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    res.resume(); // drain so the socket goes back to the pool
    if (hop >= maxRedirects) throw new TargetError('network', `more than ${maxRedirects} redirects`, { status: res.statusCode ?? 0 });
    const next = new URL(location, url);
    if (url.protocol === 'https:' && next.protocol === 'http:') throw new TargetError('network', 'redirect from https to http refused', { status: res.statusCode ?? 0 });
    if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => CROSS_ORIGIN_SAFE.has(k.toLowerCase())));
    const status = res.statusCode ?? 0;
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type'));
    }
    url = next;
  }
}
