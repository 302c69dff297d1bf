// Talking to upstream models: keep-alive HTTP(S), timeouts, body limits, a circuit breaker per
// upstream, and failures turned into OpenAI-shaped errors. The upstream key is read from the
// environment variable the spec names, at request time; it is never logged or returned.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { UpstreamSpec } from './config.ts';
import { GatewayError, upstreamError } from './errors.ts';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Opens after N consecutive failures; after the cooldown one probe goes through (half-open). */
export class CircuitBreaker {
  state: CircuitState = 'closed';
  failures = 0;
  openedAt = 0;
  opens = 0;
  private probing = false;
  constructor(private readonly threshold: number, private readonly cooldownMs: number, private readonly now = () => Date.now()) {}

  /** May a request go now? In half-open state only one probe at a time. */
  admit(): { ok: true; probe: boolean } | { ok: false; retryAfterS: number } {
    if (this.state === 'closed') return { ok: true, probe: false };
    const waited = this.now() - this.openedAt;
    if (this.state === 'open' && waited >= this.cooldownMs) this.state = 'half-open';
    if (this.state === 'half-open' && !this.probing) {
      this.probing = true;
      return { ok: true, probe: true };
    }
    return { ok: false, retryAfterS: Math.max(1, (this.cooldownMs - waited) / 1000) };
  }
  success(): void {
    this.failures = 0;
    this.probing = false;
    this.state = 'closed';
  }
  failure(): void {
    this.failures++;
    this.probing = false;
    if (this.state === 'half-open' || this.failures >= this.threshold) {
      if (this.state !== 'open') this.opens++;
      this.state = 'open';
      this.openedAt = this.now();
    }
  }
  snapshot() {
    return { state: this.state, consecutiveFailures: this.failures, opens: this.opens, openedAt: this.openedAt ? new Date(this.openedAt).toISOString() : null };
  }
}

export interface UpstreamReply {
  status: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
  /** Milliseconds to response headers. */
  ms: number;
  /** Set by the gateway before it drops the body on purpose (client gone, output blocked). */
  cancelled?: boolean;
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 256 }), https: new https.Agent({ keepAlive: true, maxSockets: 256 }) };

function classify(err: NodeJS.ErrnoException): 'reset' | 'refused' | 'timeout' {
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'refused';
  if (err.code === 'ETIMEDOUT') return 'timeout';
  return 'reset';
}

export class Upstream {
  readonly circuit: CircuitBreaker;
  private readonly base: URL;
  private readonly urls = new Map<string, URL>();
  constructor(readonly name: string, readonly spec: UpstreamSpec, private readonly env: Record<string, string | undefined> = process.env) {
    this.circuit = new CircuitBreaker(spec.circuit.failures, spec.circuit.cooldownMs);
    this.base = new URL(spec.baseUrl.endsWith('/') ? spec.baseUrl : spec.baseUrl + '/');
  }

  get kind(): UpstreamSpec['type'] {
    return this.spec.type;
  }

  mapModel(model: unknown): unknown {
    return typeof model === 'string' && this.spec.modelMap?.[model] ? this.spec.modelMap[model] : model;
  }

  private authHeaders(): Record<string, string> {
    const key = this.spec.apiKeyEnv ? this.env[this.spec.apiKeyEnv] : undefined;
    if (!key) return {};
    return this.spec.type === 'anthropic' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` };
  }

  /**
   * Sends a request; resolves at response headers. Connection failures, timeouts and 5xx count
   * against the circuit; when it is open the call fails fast with 503.
   */
  request(method: 'GET' | 'POST', path: string, body?: string, extraHeaders: Record<string, string> = {}): Promise<UpstreamReply> {
    const admit = this.circuit.admit();
    if (!admit.ok) return Promise.reject(upstreamError(this.name, 'circuit_open', `${this.circuit.failures} consecutive failures`, admit.retryAfterS));
    let url = this.urls.get(path);
    if (!url) this.urls.set(path, (url = new URL(path.replace(/^\//, ''), this.base)));
    const lib = url.protocol === 'https:' ? https : http;
    const started = performance.now();
    const headers: Record<string, string> = {
      accept: 'application/json, text/event-stream',
      ...(this.spec.headers ?? {}),
      ...extraHeaders,
      ...this.authHeaders(),
    };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise<UpstreamReply>((resolve, reject) => {
      let settled = false;
      const fail = (e: GatewayError) => {
        if (settled) return;
        settled = true;
        this.circuit.failure();
        reject(e);
      };
      const req = lib.request(url, { method, headers, agent: url.protocol === 'https:' ? agents.https : agents.http }, (res) => {
        clearTimeout(timer);
        if (settled) return void res.destroy();
        settled = true;
        const status = res.statusCode ?? 502;
        if (status >= 500) this.circuit.failure();
        else this.circuit.success();
        resolve({ status, headers: res.headers, body: res, ms: performance.now() - started });
      });
      const timer = setTimeout(() => {
        fail(upstreamError(this.name, 'timeout', `no response within ${this.spec.timeoutMs} ms`));
        req.destroy();
      }, this.spec.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        fail(upstreamError(this.name, classify(err), err.code ?? err.message));
      });
      req.end(body);
    });
  }

  /** Reads a whole (non-streamed) body within the size limit and what is left of the timeout. */
  readBody(reply: UpstreamReply): Promise<string> {
    const limit = this.spec.maxResponseBytes;
    const left = Math.max(10, this.spec.timeoutMs - reply.ms);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => {
        reply.body.destroy();
        this.circuit.failure();
        reject(upstreamError(this.name, 'timeout', `response body not complete within ${this.spec.timeoutMs} ms`));
      }, left);
      reply.body.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          clearTimeout(timer);
          reply.body.destroy();
          reject(upstreamError(this.name, 'too_large', `more than ${limit} bytes`));
          return;
        }
        chunks.push(c);
      });
      reply.body.on('end', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      reply.body.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        this.circuit.failure();
        reject(upstreamError(this.name, 'reset', err.code ?? err.message));
      });
      reply.body.on('aborted', () => {
        clearTimeout(timer);
        this.circuit.failure();
        reject(upstreamError(this.name, 'reset', 'connection closed before the response was complete'));
      });
    });
  }

  /** JSON body; an upstream error status becomes an OpenAI-shaped error (its message kept when it has one). */
  async readJson(reply: UpstreamReply): Promise<any> {
    const text = await this.readBody(reply);
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (reply.status >= 400) throw this.statusError(reply, parsed);
    if (parsed === undefined) throw upstreamError(this.name, 'bad_response', 'response was not JSON');
    return parsed;
  }

  /** An upstream error status as our error: 4xx keep their status and message, 5xx become 502. */
  statusError(reply: UpstreamReply, parsed: any): GatewayError {
    const msg = typeof parsed?.error?.message === 'string' ? parsed.error.message.slice(0, 500) : `HTTP ${reply.status}`;
    if (reply.status === 429) {
      const ra = Number(reply.headers['retry-after']);
      return new GatewayError(429, 'rate_limit_error', 'upstream_rate_limited', `upstream ${this.name} rate limited the request: ${msg}`, { 'retry-after': String(Number.isFinite(ra) && ra > 0 ? Math.ceil(ra) : 1) });
    }
    if (reply.status >= 500) return upstreamError(this.name, 'status', `HTTP ${reply.status}: ${msg}`);
    return new GatewayError(reply.status, parsed?.error?.type ?? 'invalid_request_error', parsed?.error?.code ?? null, `upstream ${this.name}: ${msg}`);
  }

  /**
   * Server-sent events of a streamed response. The idle timeout runs only while waiting for the
   * upstream (not while the consumer holds an event, e.g. during a tool-call confirmation). A body
   * the gateway itself cancelled (`reply.cancelled`, the client went away) is not a failure.
   */
  async *events(reply: UpstreamReply): AsyncGenerator<{ event?: string; data: string }> {
    const body = reply.body;
    let timer: NodeJS.Timeout | undefined;
    let idle = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        body.destroy(new Error('idle'));
      }, this.spec.streamIdleMs);
    };
    let aborted = false;
    body.once('aborted', () => (aborted = true));
    let buf = '';
    let event: string | undefined;
    let data: string[] = [];
    const decoder = new TextDecoder();
    const iterator = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    try {
      for (;;) {
        arm();
        const next = await iterator.next();
        clearTimeout(timer);
        if (next.done) break;
        buf += decoder.decode(next.value, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          if (line === '') {
            if (data.length) yield { ...(event ? { event } : {}), data: data.join('\n') };
            event = undefined;
            data = [];
          } else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          else if (line.startsWith('event:')) event = line.slice(6).trim();
        }
      }
      if (aborted && !reply.cancelled) throw new Error('aborted');
      if (data.length) yield { ...(event ? { event } : {}), data: data.join('\n') };
    } catch (e) {
      if (reply.cancelled) return;
      this.circuit.failure();
      if (idle) throw upstreamError(this.name, 'timeout', `stream idle for more than ${this.spec.streamIdleMs} ms`);
      throw upstreamError(this.name, 'reset', `stream interrupted (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    } finally {
      clearTimeout(timer);
      if (!body.complete) body.destroy();
    }
  }
}
