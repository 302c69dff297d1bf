// Chat completions ⇄ Anthropic Messages: requests, responses and streamed events.

type Json = any;

function textOf(content: Json): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p?.type === 'text' ? String(p.text ?? '') : '')).join('');
  return '';
}

function imageBlock(url: string): Json | undefined {
  const m = /^data:([^;]+);base64,(.*)$/s.exec(url);
  if (m) return { type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } };
  if (/^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
  return undefined;
}

function contentBlocks(content: Json): Json[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) return [];
  const out: Json[] = [];
  for (const p of content) {
    if (p?.type === 'text') out.push({ type: 'text', text: String(p.text ?? '') });
    else if (p?.type === 'image_url') {
      const b = imageBlock(typeof p.image_url === 'string' ? p.image_url : p.image_url?.url ?? '');
      if (b) out.push(b);
    }
  }
  return out;
}

function parseArgs(s: unknown): Json {
  if (typeof s !== 'string') return s ?? {};
  try {
    return s.trim() ? JSON.parse(s) : {};
  } catch {
    return { _raw: s };
  }
}

/** An OpenAI chat.completions request body as an Anthropic Messages request body. */
export function toMessagesRequest(req: Json, model: unknown, defaultMaxTokens: number): Json {
  const system: string[] = [];
  const messages: { role: 'user' | 'assistant'; content: Json[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: Json[]) => {
    if (!blocks.length) return;
    const last = messages.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const m of req.messages ?? []) {
    if (m.role === 'system' || m.role === 'developer') system.push(textOf(m.content));
    else if (m.role === 'user') push('user', contentBlocks(m.content));
    else if (m.role === 'assistant') {
      const blocks = contentBlocks(m.content);
      for (const tc of m.tool_calls ?? []) blocks.push({ type: 'tool_use', id: tc.id, name: tc.function?.name, input: parseArgs(tc.function?.arguments) });
      push('assistant', blocks);
    } else if (m.role === 'tool') push('user', [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: textOf(m.content) }]);
  }
  const out: Json = { model, messages, max_tokens: req.max_completion_tokens ?? req.max_tokens ?? defaultMaxTokens };
  if (system.length) out.system = system.join('\n\n');
  if (req.temperature !== undefined) out.temperature = Math.min(1, req.temperature);
  if (req.top_p !== undefined) out.top_p = req.top_p;
  if (req.stop !== undefined) out.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (req.stream) out.stream = true;
  if (Array.isArray(req.tools) && req.tools.length) {
    out.tools = req.tools.filter((t: Json) => t?.type === 'function').map((t: Json) => ({ name: t.function.name, ...(t.function.description ? { description: t.function.description } : {}), input_schema: t.function.parameters ?? { type: 'object', properties: {} } }));
    const tc = req.tool_choice;
    if (tc === 'required') out.tool_choice = { type: 'any' };
    else if (tc === 'none') out.tool_choice = { type: 'none' };
    else if (tc && typeof tc === 'object' && tc.function?.name) out.tool_choice = { type: 'tool', name: tc.function.name };
  }
  if (req.user) out.metadata = { user_id: String(req.user).slice(0, 256) };
  return out;
}

const FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter', pause_turn: 'stop' };

/** An Anthropic Messages response as an OpenAI chat.completion. */
export function fromMessagesResponse(r: Json, created = Math.floor(Date.now() / 1000)): Json {
  let text = '';
  const toolCalls: Json[] = [];
  for (const b of r.content ?? []) {
    if (b.type === 'text') text += b.text;
    else if (b.type === 'tool_use') toolCalls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
  }
  const message: Json = { role: 'assistant', content: text || (toolCalls.length ? null : ''), refusal: null };
  if (toolCalls.length) message.tool_calls = toolCalls;
  const usage = r.usage ? { prompt_tokens: r.usage.input_tokens ?? 0, completion_tokens: r.usage.output_tokens ?? 0, total_tokens: (r.usage.input_tokens ?? 0) + (r.usage.output_tokens ?? 0) } : undefined;
  return {
    id: `chatcmpl-${String(r.id ?? '').replace(/^msg_/, '') || created}`,
    object: 'chat.completion',
    created,
    model: r.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: FINISH[r.stop_reason] ?? 'stop' }],
    ...(usage ? { usage } : {}),
  };
}

/**
 * Streamed Messages events → chat.completion.chunk objects. Stateful: one instance per stream.
 * `push` returns the chunks (possibly none) an event turns into.
 */
export class MessagesStreamTranslator {
  private id = `chatcmpl-${Date.now()}`;
  private model = '';
  private readonly created = Math.floor(Date.now() / 1000);
  private toolIndex = new Map<number, number>();
  private nextTool = 0;
  private inputTokens = 0;

  private chunk(delta: Json, finish: string | null = null, extra: Json = {}): Json {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra };
  }

  push(event: string | undefined, data: Json): Json[] {
    const type = data?.type ?? event;
    switch (type) {
      case 'message_start': {
        const m = data.message ?? {};
        if (m.id) this.id = `chatcmpl-${String(m.id).replace(/^msg_/, '')}`;
        this.model = m.model ?? '';
        this.inputTokens = m.usage?.input_tokens ?? 0;
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start': {
        const b = data.content_block ?? {};
        if (b.type === 'tool_use') {
          const idx = this.nextTool++;
          this.toolIndex.set(data.index, idx);
          return [this.chunk({ tool_calls: [{ index: idx, id: b.id, type: 'function', function: { name: b.name, arguments: '' } }] })];
        }
        if (b.type === 'text' && b.text) return [this.chunk({ content: b.text })];
        return [];
      }
      case 'content_block_delta': {
        const d = data.delta ?? {};
        if (d.type === 'text_delta') return [this.chunk({ content: d.text })];
        if (d.type === 'input_json_delta') {
          const idx = this.toolIndex.get(data.index) ?? 0;
          return [this.chunk({ tool_calls: [{ index: idx, function: { arguments: d.partial_json ?? '' } }] })];
        }
        return [];
      }
      case 'message_delta': {
        const out = data.usage?.output_tokens ?? 0;
        return [this.chunk({}, FINISH[data.delta?.stop_reason] ?? 'stop', { usage: { prompt_tokens: this.inputTokens, completion_tokens: out, total_tokens: this.inputTokens + out } })];
      }
      case 'error':
        throw new Error(`upstream stream error: ${data.error?.message ?? 'unknown'}`);
      default:
        return []; // ping, content_block_stop, message_stop
    }
  }
}

/** A legacy completions prompt as a one-message chat request (for Anthropic upstreams). */
export function promptToChat(req: Json): Json {
  const prompt = Array.isArray(req.prompt) ? req.prompt.join('\n') : String(req.prompt ?? '');
  const { prompt: _p, ...rest } = req;
  return { ...rest, messages: [{ role: 'user', content: prompt }] };
}
