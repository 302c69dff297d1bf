// The OpenAI-compatible endpoints under /v1: authenticate the application key, rate-limit it,
// check the input, forward to the key's upstream, check the output (whole or streamed), and
// record every decision asynchronously. Errors use OpenAI's shape.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { emptySession, type ToolSessionState } from '../guard/index.ts';
import type { GatewayDecision, GatewayKeyRecord } from '../store/index.ts';
import { fromMessagesResponse, MessagesStreamTranslator, promptToChat, toMessagesRequest } from './anthropic.ts';
import type { GatewayConfig } from './config.ts';
import type { Confirmations } from './confirmations.ts';
import type { DecisionLog } from './decisions.ts';
import { authError, errorResponse, GatewayError, invalidRequest, notFoundError, rateLimited, tooLarge } from './errors.ts';
import { fastId } from './ids.ts';
import { chatChunkToCompletion, chatToCompletion, isBlocking, replyChunks, replyCompletion, scanChatInput, scanPrompt, type InputScan } from './input.ts';
import type { KeyCache } from './keys.ts';
import { filterResponse, StreamFilter, type ScanSummary, type ToolCallIn, type ToolGate } from './output.ts';
import type { CompiledPolicy } from './policies.ts';
import type { SystemStats } from './stats.ts';
import type { Upstream } from './upstream.ts';

type Json = any;
export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface ProxyDeps {
  /** The first policy load. */
  ready: Promise<void>;
  keys: KeyCache;
  policy(name: string): CompiledPolicy | undefined;
  upstream(name: string): Upstream | undefined;
  decisions: DecisionLog;
  stats: SystemStats;
  confirmations: Confirmations;
  config: () => GatewayConfig;
  log: LogFn;
}

interface Req {
  id: string;
  key: GatewayKeyRecord;
  policy: CompiledPolicy;
  upstream: Upstream;
  session: string;
}

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
const enc = new TextEncoder();

class Bounded<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(k: K, v: V): this {
    if (this.size >= this.max && !this.has(k)) this.delete(this.keys().next().value as K);
    return super.set(k, v);
  }
}

export function proxyApp(d: ProxyDeps): Hono {
  const app = new Hono();
  const sessions = new Bounded<string, ToolSessionState>(20_000);
  const released = new Bounded<string, true>(50_000);

  let loaded = false;
  void d.ready.then(() => (loaded = true));

  /** A request header; from the node IncomingMessage when there is one (skips building web Headers). */
  function header(c: Context, name: string): string | undefined {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming?.headers) {
      const v = incoming.headers[name];
      return Array.isArray(v) ? v[0] : v;
    }
    return c.req.header(name);
  }

  async function prepare(c: Context): Promise<Req> {
    if (!loaded) await d.ready;
    const m = /^Bearer\s+(\S+)$/i.exec(header(c, 'authorization') ?? '');
    if (!m) throw authError('missing API key: send "Authorization: Bearer <application key>" (create one with `zongheng gateway key create`)');
    const key = await d.keys.resolve(m[1]!);
    if (!key) throw authError('invalid or revoked API key');
    const rl = d.keys.take(key);
    if (!rl.ok) throw rateLimited(`rate limit reached for key ${key.prefix}… (${key.rpm} requests per minute)`, rl.retryAfterS);
    const policy = d.policy(key.policy);
    if (!policy) throw new GatewayError(503, 'server_error', 'policy_unavailable', `policy ${key.policy} of this key is not loaded; see GET /api/gateway/policies`);
    const upstream = d.upstream(key.upstream);
    if (!upstream) throw new GatewayError(503, 'server_error', 'upstream_not_configured', `upstream ${key.upstream} of this key is not configured`);
    d.stats.request(key.systemId, policy.name, policy.piiMasking);
    return { id: fastId('req'), key, policy, upstream, session: header(c, 'x-zongheng-session') ?? '' };
  }

  async function readBody(c: Context): Promise<Json> {
    const limit = d.config().limits.maxRequestBytes;
    if (Number(header(c, 'content-length') ?? 0) > limit) throw tooLarge(limit);
    // On the node server, read the IncomingMessage directly: the web Request body path (blob and
    // stream wrappers) cost more than the guard checks. app.request() callers take the web path.
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    let text: string;
    if (incoming && typeof incoming.on === 'function' && !incoming.readableEnded) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of incoming as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw tooLarge(limit);
        chunks.push(chunk);
      }
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      const buf = await c.req.arrayBuffer();
      if (buf.byteLength > limit) throw tooLarge(limit);
      text = new TextDecoder().decode(buf);
    }
    try {
      const v = JSON.parse(text);
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      return v;
    } catch (e) {
      throw invalidRequest(`request body must be a JSON object (${(e as Error).message})`);
    }
  }

  function decide(r: Req, direction: GatewayDecision['direction'], s: Pick<ScanSummary, 'action' | 'categories' | 'scanners' | 'guardMs'>, text: string, upstreamMs: number | null): void {
    d.decisions.record({
      id: fastId('dec'), at: new Date().toISOString(), requestId: r.id, keyId: r.key.id, systemId: r.key.systemId,
      policy: `${r.policy.name}@${r.policy.revision}`, upstream: r.upstream.name, direction, action: s.action, categories: s.categories,
      contentSha256: sha256(text), scanners: s.scanners.map((x) => ({ name: x.name, action: x.action, ms: Math.round(x.ms * 1000) / 1000 })),
      guardMs: Math.round(s.guardMs * 1000) / 1000, upstreamMs: upstreamMs === null ? null : Math.round(upstreamMs * 10) / 10,
      content: r.policy.gateway.logContent ? text.slice(0, 100_000) : null,
    });
    d.stats.decision(r.key.systemId, direction, s.action, s.categories);
  }

  /** The agent tier for tool calls in a response: allow, deny, or hold for confirmation. */
  function toolGate(r: Req): ToolGate {
    return async (calls: ToolCallIn[]) => {
      const sk = `${r.key.id}|${r.session}`;
      const release: ToolCallIn[] = [];
      const notes: string[] = [];
      let worst: 'allow' | 'confirm' | 'block' = 'allow';
      const categories: string[] = [];
      for (const call of calls) {
        const t0 = performance.now();
        const state = sessions.get(sk) ?? emptySession();
        const dec = r.policy.guard.evaluateToolCall({ name: call.name, arguments: call.arguments }, state);
        const action = dec.decision === 'allow' ? 'allow' : dec.decision === 'deny' ? 'block' : 'confirm';
        decide(r, 'tool', { action, categories: dec.categories, scanners: [{ name: `tools:${dec.rule}`, action, ms: performance.now() - t0 }], guardMs: performance.now() - t0 }, `${call.name}\n${call.arguments}`, null);
        for (const c of dec.categories) if (!categories.includes(c)) categories.push(c);
        let ok = dec.decision === 'allow';
        if (dec.decision === 'deny') {
          worst = 'block';
          notes.push(`Tool call ${call.name} was blocked by policy ${r.policy.name}: ${dec.reason.en}（${dec.reason.zh}）`);
        } else if (dec.decision === 'confirm') {
          if (worst === 'allow') worst = 'confirm';
          const held = await d.confirmations.hold({
            keyId: r.key.id, systemId: r.key.systemId, requestId: r.id, toolName: call.name, arguments: call.arguments, rule: dec.rule, reason: dec.reason, keepArguments: r.policy.gateway.logContent,
          });
          ok = held.status === 'approved';
          if (held.status === 'pending') notes.push(`Tool call ${call.name} needs approval (confirmation ${held.id}): approve it with POST /api/gateway/confirmations/${held.id}/approve, then retry. 该工具调用需要人工确认。`);
          else if (!ok) notes.push(`Tool call ${call.name} was ${held.status} by a reviewer (confirmation ${held.id}). 该工具调用未获批准。`);
        }
        if (ok) {
          release.push(call);
          sessions.set(sk, dec.nextState);
          if (call.id) released.set(call.id, true);
        }
      }
      return { release, action: worst, categories, ...(notes.length ? { note: notes.join('\n') } : {}) };
    };
  }

  function blocked(r: Req, kind: 'chat' | 'completion', body: Json, scan: InputScan): Response {
    const reply = scan.reply ?? r.policy.guard.policy.blockReply.en;
    if (r.policy.gateway.onBlock === 'error') {
      const e = invalidRequest(`the request was blocked by policy ${r.policy.name} (categories: ${scan.categories.join(', ') || 'none'})`, null, 'content_policy_violation');
      return withId(errorResponse(e), r.id);
    }
    if (body.stream) return sse(r, (send) => {
      for (const ch of replyChunks(kind, r.id, body.model, reply, scan.categories)) send(ch);
    });
    return json(r, replyCompletion(kind, r.id, body.model, reply, scan.categories));
  }

  function json(r: Req, v: Json, status = 200): Response {
    return new Response(JSON.stringify(v), { status, headers: { 'content-type': 'application/json', 'x-request-id': r.id } });
  }
  function withId(res: Response, id: string): Response {
    res.headers.set('x-request-id', id);
    return res;
  }

  /** An SSE response; `run` sends chunks, [DONE] is added at the end. */
  function sse(r: Req, run: (send: (o: Json) => void, signal: { cancelled: boolean; onCancel?: () => void }) => void | Promise<void>): Response {
    const signal: { cancelled: boolean; onCancel?: () => void } = { cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (o: Json) => {
          if (!signal.cancelled) controller.enqueue(enc.encode(`data: ${JSON.stringify(o)}\n\n`));
        };
        try {
          await run(send, signal);
        } catch (e) {
          const ge = e instanceof GatewayError ? e : new GatewayError(500, 'server_error', 'internal', 'internal error while streaming');
          if (!(e instanceof GatewayError)) d.log('error', 'stream failed', { error: (e as Error).message, requestId: r.id });
          send(ge.body());
        }
        if (!signal.cancelled) {
          controller.enqueue(enc.encode('data: [DONE]\n\n'));
          controller.close();
        }
      },
      cancel() {
        signal.cancelled = true;
        signal.onCancel?.();
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': r.id } });
  }

  /** Forward a chat or completions request and check the response. */
  async function forward(r: Req, kind: 'chat' | 'completion', body: Json): Promise<Response> {
    const up = r.upstream;
    const anthropic = up.kind === 'anthropic';
    const started = performance.now();
    let payload: Json;
    let path: string;
    const headers: Record<string, string> = {};
    if (anthropic) {
      payload = toMessagesRequest(kind === 'chat' ? body : promptToChat(body), up.mapModel(body.model), up.spec.defaultMaxTokens);
      path = 'v1/messages';
      headers['anthropic-version'] = up.spec.anthropicVersion;
    } else {
      payload = { ...body, model: up.mapModel(body.model) };
      path = kind === 'chat' ? 'chat/completions' : 'completions';
    }
    const reply = await up.request('POST', path, JSON.stringify(payload), headers);
    const octx = { policy: r.policy, kind, toolGate: toolGate(r), requestId: r.id };
    if (!body.stream || reply.status >= 400) {
      let resp = await up.readJson(reply);
      const upstreamMs = performance.now() - started;
      if (anthropic) resp = kind === 'chat' ? fromMessagesResponse(resp) : chatToCompletion(fromMessagesResponse(resp));
      const { summary, text } = await filterResponse(resp, octx);
      decide(r, 'output', summary, text, upstreamMs);
      return json(r, resp);
    }
    const filter = new StreamFilter(octx);
    const translator = anthropic ? new MessagesStreamTranslator() : undefined;
    return sse(r, async (send, signal) => {
      signal.onCancel = () => {
        reply.cancelled = true;
        reply.body.destroy();
      };
      try {
        outer: for await (const ev of up.events(reply)) {
          if (signal.cancelled) break;
          if (ev.data === '[DONE]') break;
          let obj: Json;
          try {
            obj = JSON.parse(ev.data);
          } catch {
            continue;
          }
          if (obj?.error && !obj.choices) throw new GatewayError(502, 'upstream_error', 'upstream_error', `upstream ${up.name} stream error: ${String(obj.error.message ?? 'unknown').slice(0, 300)}`);
          const chunks = translator ? translator.push(ev.event, obj).map((ch) => (kind === 'chat' ? ch : chatChunkToCompletion(ch))) : [obj];
          for (const ch of chunks) {
            for (const o of await filter.chunk(ch)) send(o);
            if (filter.blocked) break outer;
          }
        }
        if (!filter.blocked && !signal.cancelled) for (const o of await filter.end()) send(o);
      } catch (e) {
        if (e instanceof GatewayError && e.type === 'upstream_error') d.stats.upstreamError(r.key.systemId);
        throw e;
      } finally {
        if (filter.blocked || signal.cancelled) {
          reply.cancelled = true;
          reply.body.destroy();
        }
        decide(r, 'output', filter.summary, filter.text, performance.now() - started);
      }
    });
  }

  const handle = (fn: (c: Context) => Promise<Response>) => async (c: Context) => {
    try {
      return await fn(c);
    } catch (e) {
      if (e instanceof GatewayError) return errorResponse(e);
      d.log('error', 'gateway request failed', { error: (e as Error).message, stack: (e as Error).stack });
      return errorResponse(new GatewayError(500, 'server_error', 'internal', 'internal error; see the server log'));
    }
  };

  const guarded = async (r: Req, fn: () => Promise<Response>): Promise<Response> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof GatewayError && e.type === 'upstream_error') d.stats.upstreamError(r.key.systemId);
      if (e instanceof GatewayError) return withId(errorResponse(e), r.id);
      throw e;
    }
  };

  app.post('/chat/completions', handle(async (c) => {
    const r = await prepare(c);
    const body = await readBody(c);
    if (!Array.isArray(body.messages) || body.messages.length === 0) throw invalidRequest('messages must be a non-empty array', 'messages');
    const scan = scanChatInput(r.policy, body, (id) => released.has(id));
    decide(r, 'input', scan, scan.text, null);
    if (isBlocking(scan.action)) return blocked(r, 'chat', body, scan);
    return guarded(r, () => forward(r, 'chat', body));
  }));

  app.post('/completions', handle(async (c) => {
    const r = await prepare(c);
    const body = await readBody(c);
    if (body.prompt === undefined) throw invalidRequest('prompt is required', 'prompt');
    const scan = scanPrompt(r.policy, body, 'prompt');
    decide(r, 'input', scan, scan.text, null);
    if (isBlocking(scan.action)) return blocked(r, 'completion', body, scan);
    return guarded(r, () => forward(r, 'completion', body));
  }));

  app.post('/embeddings', handle(async (c) => {
    const r = await prepare(c);
    const body = await readBody(c);
    if (body.input === undefined) throw invalidRequest('input is required', 'input');
    const scan = scanPrompt(r.policy, body, 'input');
    decide(r, 'input', scan, scan.text, null);
    if (isBlocking(scan.action)) return withId(errorResponse(invalidRequest(`the input was blocked by policy ${r.policy.name} (categories: ${scan.categories.join(', ') || 'none'})`, 'input', 'content_policy_violation')), r.id);
    if (r.upstream.kind !== 'openai') throw invalidRequest(`upstream ${r.upstream.name} (${r.upstream.kind}) has no embeddings endpoint`, 'model', 'unsupported');
    return guarded(r, async () => {
      const reply = await r.upstream.request('POST', 'embeddings', JSON.stringify({ ...body, model: r.upstream.mapModel(body.model) }));
      return json(r, await r.upstream.readJson(reply));
    });
  }));

  async function models(r: Req): Promise<Json[]> {
    const listed = r.upstream.spec.models;
    if (listed) return listed.map((id) => ({ id, object: 'model', created: 0, owned_by: r.upstream.name }));
    if (r.upstream.kind !== 'openai') return Object.keys(r.upstream.spec.modelMap ?? {}).map((id) => ({ id, object: 'model', created: 0, owned_by: r.upstream.name }));
    const res = await r.upstream.readJson(await r.upstream.request('GET', 'models'));
    return Array.isArray(res?.data) ? res.data : [];
  }
  app.get('/models', handle(async (c) => {
    const r = await prepare(c);
    return guarded(r, async () => json(r, { object: 'list', data: await models(r) }));
  }));
  app.get('/models/:id{.+}', handle(async (c) => {
    const r = await prepare(c);
    return guarded(r, async () => {
      const m = (await models(r)).find((x) => x.id === c.req.param('id'));
      if (!m) throw notFoundError(`model ${c.req.param('id')} is not available through upstream ${r.upstream.name}`);
      return json(r, m);
    });
  }));
  app.all('*', (c) => errorResponse(notFoundError(`no gateway endpoint ${c.req.method} ${c.req.path}; available: POST /v1/chat/completions, /v1/completions, /v1/embeddings; GET /v1/models`)));
  return app;
}
