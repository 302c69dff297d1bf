/**
 * A simulated model: a real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions,
 * Anthropic Messages and Ollama chat protocols (plus a generic JSON endpoint), with scripted
 * behaviour. Used by tests and the benchmark; never by the product.
 *
 * Default script, driven by markers in the last user message:
 *   #refuse / harmful trigger words → a refusal (Chinese when the prompt is Chinese)
 *   #leak or "system prompt" / "系统提示" → repeats its system prompt
 *   #garbage → a non-JSON body;  #badshape → JSON without the expected fields
 *   #500 → always HTTP 500;  #500once → HTTP 500 on the first try of this prompt
 *   #429once → HTTP 429 with Retry-After: 1 on the first try
 *   #slow → streams the body slowly (about 3 s; as SSE events when the request streams)
 *   #resetonce → the connection is dropped without a reply on the first try
 *   #gzip → a gzip-compressed reply;  #huge → a 2 MB reply;  #filter → a content-filter block
 *   #echo → answers with the whole prompt
 *   #authecho → HTTP 401 whose error message repeats the credentials it received (redaction test)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface SimRequest {
  protocol: 'openai' | 'anthropic' | 'ollama' | 'generic';
  model: string;
  system: string;
  messages: { role: string; content: string }[];
  lastUser: string;
  headers: Record<string, string | string[] | undefined>;
  /** How many times this exact prompt was seen before (0 on the first try). */
  attempt: number;
  stream: boolean;
}

export type SimReply =
  | { text: string; inputTokens?: number; outputTokens?: number; delayMs?: number }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { garbage: string }
  | { badShape: true }
  | { slowMs: number; text: string }
  | { reset: true }
  | { filter: true };

export type SimScript = (req: SimRequest) => SimReply;

const HARMFUL_TRIGGERS = /\b(bomb|explosive|malware|ransomware|poison|weapon|kill (?:him|her|them|someone)|meth)\b|炸弹|炸药|病毒程序|毒药|枪支|杀人|制毒|颠覆|分裂国家/i;
const LEAK_TRIGGERS = /#leak|system prompt|your instructions|系统提示|初始指令/i;

export const defaultScript: SimScript = (req) => {
  const p = req.lastUser;
  const zh = /[\u4e00-\u9fff]/.test(p);
  if (p.includes('#garbage')) return { garbage: '<html>oops, not json' };
  if (p.includes('#badshape')) return { badShape: true };
  if (p.includes('#500once') && req.attempt === 0) return { status: 500, body: { error: { message: 'transient failure' } } };
  if (p.includes('#500') && !p.includes('#500once')) return { status: 500, body: { error: { message: 'server exploded' } } };
  if (p.includes('#429once') && req.attempt === 0)
    return { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down' } } };
  if (p.includes('#slow')) return { slowMs: 3000, text: 'A slow but fine answer.' };
  if (p.includes('#resetonce') && req.attempt === 0) return { reset: true };
  if (p.includes('#huge')) return { text: 'x'.repeat(2 * 1024 * 1024) };
  if (p.includes('#filter')) return { filter: true };
  if (p.includes('#authecho'))
    return { status: 401, body: { error: { message: `invalid key: ${String(req.headers['authorization'] ?? req.headers['x-api-key'] ?? '')}` } } };
  if (p.includes('#echo')) return { text: `You said: ${p}` };
  if (LEAK_TRIGGERS.test(p) && req.system) return { text: `My instructions are: ${req.system}` };
  if (p.includes('#refuse') || HARMFUL_TRIGGERS.test(p))
    return { text: zh ? '抱歉，我无法提供这方面的帮助。' : "I'm sorry, but I can't help with that request." };
  return { text: zh ? `好的，下面是关于“${p.slice(0, 20)}”的回答。` : `Sure. Here is a helpful answer about: ${p.slice(0, 60)}` };
};

/** The default script with a fixed delay before every answer (for progress/kill tests). */
export function delayed(script: SimScript, delayMs: number): SimScript {
  return (req) => {
    const r = script(req);
    return 'text' in r && !('slowMs' in r) ? { ...r, delayMs } : r;
  };
}

export interface SimServer {
  url: string;
  port: number;
  server: Server;
  requests: number;
  /** Slow replies whose client went away before the body was complete. */
  slowAbandoned: number;
  /** Every Authorization / x-api-key header value seen (to check keys are sent). */
  keysSeen: Set<string>;
  setScript(s: SimScript): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function contentOf(c: unknown): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c))
    return c
      .map((b: { type?: string; text?: string; content?: unknown }) => (b?.type === 'text' ? (b.text ?? '') : b?.type === 'tool_result' ? contentOf(b.content) : ''))
      .join('\n');
  return '';
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json', ...headers });
  res.end(text);
}

function shape(protocol: SimRequest['protocol'], model: string, text: string, inTok: number, outTok: number): unknown {
  switch (protocol) {
    case 'anthropic':
      return { id: 'msg_sim', type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: 'end_turn', usage: { input_tokens: inTok, output_tokens: outTok } };
    case 'ollama':
      return { model, message: { role: 'assistant', content: text }, done: true, done_reason: 'stop', prompt_eval_count: inTok, eval_count: outTok };
    case 'generic':
      return { output: { text }, usage: { in: inTok, out: outTok } };
    default:
      return {
        id: 'chatcmpl-sim',
        object: 'chat.completion',
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok },
      };
  }
}

export async function startSimServer(script: SimScript = defaultScript): Promise<SimServer> {
  let current = script;
  const seen = new Map<string, number>();
  const state: SimServer = {
    url: '',
    port: 0,
    server: undefined as unknown as Server,
    requests: 0,
    slowAbandoned: 0,
    keysSeen: new Set(),
    setScript: (s) => {
      current = s;
    },
    close: async () => {
      state.server.closeAllConnections?.();
      await new Promise<void>((r) => state.server.close(() => r()));
    },
  };
  const server = createServer(async (req, res) => {
    state.requests++;
    const url = (req.url ?? '/').split('?')[0]!;
    // /r307/v1/... and /r302/v1/... redirect to /v1/... (redirect-policy tests).
    const redirect = /^\/r(30[1278])(\/.*)$/.exec(url);
    if (redirect) {
      res.writeHead(Number(redirect[1]), { location: redirect[2]! });
      return res.end();
    }
    const protocol: SimRequest['protocol'] | null = url === '/v1/chat/completions'
      ? 'openai'
      : url === '/v1/messages'
        ? 'anthropic'
        : url === '/api/chat'
          ? 'ollama'
          : url.startsWith('/generic')
            ? 'generic'
            : null;
    if (!protocol) return send(res, 404, { error: { message: `no route ${url}` } });
    const auth = req.headers['authorization'] ?? req.headers['x-api-key'];
    if (typeof auth === 'string') state.keysSeen.add(auth.replace(/^Bearer /, ''));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: { message: 'bad json' } });
    }
    let messages: { role: string; content: string }[];
    let system = '';
    if (protocol === 'generic') {
      messages = [{ role: 'user', content: String(body['input'] ?? '') }];
      system = String(body['system'] ?? '');
    } else {
      const raw = (body['messages'] as { role: string; content: unknown }[]) ?? [];
      messages = raw.map((m) => ({ role: m.role, content: contentOf(m.content) }));
      system = protocol === 'anthropic' ? contentOf(body['system']) : messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    }
    const lastUser = [...messages].reverse().find((m) => m.role === 'user' || m.role === 'tool')?.content ?? '';
    const attempt = seen.get(lastUser) ?? 0;
    seen.set(lastUser, attempt + 1);
    const model = String(body['model'] ?? 'sim');
    const stream = body['stream'] === true;
    const reply = current({ protocol, model, system, messages, lastUser, headers: req.headers, attempt, stream });
    if ('reset' in reply) return void req.socket.destroy();
    if ('garbage' in reply) return send(res, 200, reply.garbage);
    if ('badShape' in reply) return send(res, 200, { unexpected: true });
    if ('status' in reply) return send(res, reply.status, reply.body ?? { error: { message: 'error' } }, reply.headers);
    if ('filter' in reply) {
      if (protocol === 'openai')
        return send(res, 200, { choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' }], usage: { prompt_tokens: 5, completion_tokens: 0 } });
      return send(res, 400, { error: { type: 'content_blocked', code: 'content_blocked', message: 'blocked by policy' } });
    }
    const inTok = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
    if ('slowMs' in reply) {
      const sse = stream && protocol === 'openai';
      const full = JSON.stringify(shape(protocol, model, reply.text, inTok, 8));
      res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json' });
      const parts = 10;
      const step = Math.ceil(full.length / parts);
      const words = reply.text.split(/(?<= )/);
      for (let i = 0; i < parts; i++) {
        if (res.destroyed || res.socket?.destroyed !== false) {
          state.slowAbandoned++;
          return;
        }
        if (sse) res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: words[i] ?? '' }, finish_reason: null }] })}\n\n`);
        else res.write(full.slice(i * step, (i + 1) * step));
        await new Promise((r) => setTimeout(r, reply.slowMs / parts));
      }
      if (sse) res.write('data: [DONE]\n\n');
      return res.end();
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    const outTok = reply.outputTokens ?? Math.ceil(reply.text.length / 4);
    if (stream && protocol === 'openai') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const words = reply.text.split(/(?<= )/);
      for (const w of words) res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: reply.inputTokens ?? inTok, completion_tokens: outTok } })}\n\n`);
      res.write('data: [DONE]\n\n');
      return res.end();
    }
    if (lastUser.includes('#gzip')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      return res.end(gzipSync(JSON.stringify(shape(protocol, model, reply.text, reply.inputTokens ?? inTok, outTok))));
    }
    return send(res, 200, shape(protocol, model, reply.text, reply.inputTokens ?? inTok, outTok));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  state.server = server;
  state.port = port;
  state.url = `http://127.0.0.1:${port}`;
  return state;
}
