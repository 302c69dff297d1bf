// A scripted model server for tests and benchmarks: real HTTP on 127.0.0.1, speaking OpenAI chat
// completions / completions / embeddings / models and Anthropic Messages (streaming included).
// The behaviour is chosen by the request's `model`:
//   echo (default)   answers "echo: <last user text>"
//   refuse           answers with a refusal
//   leak:<text>      streams (or returns) a reply that contains <text>, split across chunk boundaries
//   slow:<ms>        streams ten chunks, <ms> apart
//   tool:<name>      asks for tool <name> with arguments {"cmd": "<last user text>"}
//   fail500 | reset | ratelimit | hang   fail in those ways
//   instant          a fixed tiny answer (benchmarks)
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = any;

export interface ScriptedUpstream {
  url: string;
  /** Request bodies received, in order (path and parsed body). */
  received: { path: string; body: Json; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

function lastUserText(body: Json): string {
  if (typeof body.prompt === 'string') return body.prompt;
  const msgs = body.messages ?? [];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) return m.content.map((p: Json) => (p.type === 'text' ? p.text : '')).join('');
  }
  return '';
}

/** Splits text into pieces so that `term` is cut in the middle of the stream. */
function splitAcross(text: string, term: string): string[] {
  const at = text.indexOf(term);
  if (at < 0 || term.length < 2) return text.match(/.{1,8}/gsu) ?? [text];
  const mid = at + Math.floor(term.length / 2);
  const before = text.slice(0, mid);
  const after = text.slice(mid);
  return [...(before.match(/.{1,12}/gsu) ?? []), ...(after.match(/.{1,12}/gsu) ?? [])];
}

interface Script {
  pieces: string[];
  delayMs: number;
  tool?: { name: string; args: string };
}

function script(model: string, body: Json): Script | 'fail500' | 'reset' | 'ratelimit' | 'hang' {
  const user = lastUserText(body);
  if (model === 'fail500' || model === 'reset' || model === 'ratelimit' || model === 'hang') return model;
  if (model === 'instant') return { pieces: ['ok'], delayMs: 0 };
  if (model === 'refuse') return { pieces: ["I'm sorry, ", 'I cannot help with that.'], delayMs: 0 };
  if (model.startsWith('leak:')) {
    const term = model.slice(5);
    return { pieces: splitAcross(`Here is the answer you asked for. It mentions ${term} right here, and more text follows after it.`, term), delayMs: 2 };
  }
  if (model.startsWith('slow:')) return { pieces: Array.from({ length: 10 }, (_, i) => `part ${i} `), delayMs: Number(model.slice(5)) || 50 };
  if (model.startsWith('tool:')) return { pieces: [], delayMs: 0, tool: { name: model.slice(5), args: JSON.stringify({ cmd: user }) } };
  const text = `echo: ${user}`;
  return { pieces: text.match(/.{1,6}/gsu) ?? [text], delayMs: 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startScriptedUpstream(opts: { record?: boolean } = {}): Promise<ScriptedUpstream> {
  const received: ScriptedUpstream['received'] = [];
  const record = opts.record ?? true;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: Json = raw ? JSON.parse(raw) : {};
    const path = (req.url ?? '').replace(/\?.*$/, '');
    if (record) received.push({ path, body, headers: req.headers });
    const send = (status: number, v: Json, headers: Record<string, string> = {}) => {
      const s = JSON.stringify(v);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s), ...headers });
      res.end(s);
    };
    if (req.method === 'GET' && path.endsWith('/models')) return send(200, { object: 'list', data: [{ id: 'echo', object: 'model', created: 0, owned_by: 'scripted' }] });
    if (path.endsWith('/embeddings')) {
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      return send(200, { object: 'list', model: body.model, data: inputs.map((_: unknown, i: number) => ({ object: 'embedding', index: i, embedding: [0.1, 0.2, 0.3] })), usage: { prompt_tokens: 1, total_tokens: 1 } });
    }
    const anthropic = path.endsWith('/messages');
    const chat = anthropic || path.endsWith('/chat/completions');
    const sc = script(String(body.model ?? 'echo'), body);
    if (sc === 'fail500') return send(500, { error: { message: 'scripted failure', type: 'server_error' } });
    if (sc === 'ratelimit') return send(429, { error: { message: 'slow down', type: 'rate_limit_error' } }, { 'retry-after': '7' });
    if (sc === 'reset') return void req.socket.destroy();
    if (sc === 'hang') return; // never answers
    const id = `x${Date.now()}`;
    const text = sc.pieces.join('');
    if (anthropic) return anthropicReply(res, body, sc, id, text);
    if (!body.stream) {
      const message: Json = { role: 'assistant', content: sc.tool ? null : text };
      if (sc.tool) message.tool_calls = [{ id: `call_${id}`, type: 'function', function: { name: sc.tool.name, arguments: sc.tool.args } }];
      const choice = chat ? { index: 0, message, logprobs: null, finish_reason: sc.tool ? 'tool_calls' : 'stop' } : { index: 0, text, logprobs: null, finish_reason: 'stop' };
      return send(200, { id: `chatcmpl-${id}`, object: chat ? 'chat.completion' : 'text_completion', created: 1, model: body.model, choices: [choice], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const base = { id: `chatcmpl-${id}`, object: chat ? 'chat.completion.chunk' : 'text_completion', created: 1, model: body.model };
    const ev = (v: Json) => res.write(`data: ${JSON.stringify(v)}\n\n`);
    const piece = (delta: Json, finish: string | null = null) => ev({ ...base, choices: [chat ? { index: 0, delta, logprobs: null, finish_reason: finish } : { index: 0, text: delta.content ?? '', logprobs: null, finish_reason: finish }] });
    if (chat) piece({ role: 'assistant', content: '' });
    for (const p of sc.pieces) {
      if (res.destroyed) return;
      if (sc.delayMs) await sleep(sc.delayMs);
      piece({ content: p });
    }
    if (sc.tool) {
      const args = sc.tool.args;
      piece({ tool_calls: [{ index: 0, id: `call_${id}`, type: 'function', function: { name: sc.tool.name, arguments: '' } }] });
      piece({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, Math.floor(args.length / 2)) } }] });
      piece({ tool_calls: [{ index: 0, function: { arguments: args.slice(Math.floor(args.length / 2)) } }] });
    }
    piece({}, sc.tool ? 'tool_calls' : 'stop');
    res.end('data: [DONE]\n\n');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function anthropicReply(res: http.ServerResponse, body: Json, sc: Script, id: string, text: string): Promise<void> {
  const msgId = `msg_${id}`;
  if (!body.stream) {
    const content: Json[] = sc.tool ? [{ type: 'tool_use', id: `toolu_${id}`, name: sc.tool.name, input: JSON.parse(sc.tool.args) }] : [{ type: 'text', text }];
    const s = JSON.stringify({ id: msgId, type: 'message', role: 'assistant', model: body.model, content, stop_reason: sc.tool ? 'tool_use' : 'end_turn', usage: { input_tokens: 5, output_tokens: 7 } });
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(s);
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const ev = (type: string, v: Json) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...v })}\n\n`);
  ev('message_start', { message: { id: msgId, type: 'message', role: 'assistant', model: body.model, content: [], usage: { input_tokens: 5, output_tokens: 0 } } });
  ev('ping', {});
  if (sc.tool) {
    ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_${id}`, name: sc.tool.name, input: {} } });
    ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: sc.tool.args } });
  } else {
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    for (const p of sc.pieces) {
      if (sc.delayMs) await sleep(sc.delayMs);
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } });
    }
  }
  ev('content_block_stop', { index: 0 });
  ev('message_delta', { delta: { stop_reason: sc.tool ? 'tool_use' : 'end_turn' }, usage: { output_tokens: 7 } });
  ev('message_stop', {});
  res.end();
}
