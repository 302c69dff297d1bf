/** OpenAI chat completions (also the Zongheng gateway), Anthropic Messages and Ollama native chat. */
import type { Message } from '../types.ts';
import { BaseTarget, num, type SendResult } from './base.ts';
import type { ResolvedTarget } from './config.ts';
import { TargetError } from './errors.ts';
import { callWithRetry, readJson, readSse, type HttpResponse } from './http-call.ts';
import type { ChatRequest } from './target.ts';

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}

function badShape(what: string): TargetError {
  return new TargetError('bad_response', `response has no ${what}`);
}

// ---------------------------------------------------------------- OpenAI / Zongheng gateway

export function toOpenAiMessages(messages: Message[]): unknown[] {
  return messages.map((m) => {
    if (m.role === 'tool') return { role: 'tool', tool_call_id: m.toolCallId ?? 'call_0', content: m.content };
    if (m.role === 'assistant' && m.toolCalls?.length)
      return {
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })),
      };
    return { role: m.role, content: m.content };
  });
}

export class OpenAiTarget extends BaseTarget {
  private readonly url: string;
  constructor(resolved: ResolvedTarget, defaultBase = 'https://api.openai.com/v1') {
    super(resolved);
    this.url = `${trimSlash(resolved.config.baseUrl ?? defaultBase)}/chat/completions`;
  }

  protected async send(messages: Message[], req: ChatRequest, signal: AbortSignal | undefined, onRetry: () => void): Promise<SendResult> {
    const c = this.resolved.config;
    const stream = c.stream === true;
    const body: Record<string, unknown> = { ...(c.params ?? {}), model: c.model ?? 'default', messages: toOpenAiMessages(messages) };
    const t = this.temperature(req);
    if (t !== undefined) body['temperature'] = t;
    const mt = this.maxTokens(req);
    if (mt !== undefined) body['max_tokens'] = mt;
    if (c.top_p !== undefined) body['top_p'] = c.top_p;
    if (c.stop) body['stop'] = c.stop;
    if (stream) {
      body['stream'] = true;
      body['stream_options'] = { include_usage: true };
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.resolved.headers };
    if (this.resolved.apiKey) headers['authorization'] = `Bearer ${this.resolved.apiKey}`;
    const { value, attempts } = await callWithRetry(
      { url: this.url, method: 'POST', headers, body: JSON.stringify(body) },
      this.policy,
      async (res) => (stream ? readOpenAiStream(res) : parseOpenAi(await readJson(res))),
      { ...(signal ? { signal } : {}), onRetry, beforeRetry: () => this.limiter.retrySlot(signal) },
    );
    return { ...value, attempts };
  }
}

function parseOpenAi(j: unknown): Omit<SendResult, 'attempts'> {
  const o = j as {
    choices?: { message?: { content?: unknown; refusal?: unknown }; finish_reason?: string }[];
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  };
  const choice = o?.choices?.[0];
  if (!choice || typeof choice !== 'object') throw badShape('choices[0]');
  const content = choice.message?.content;
  const refusal = choice.message?.refusal;
  if (choice.finish_reason === 'content_filter' && (content === null || content === undefined || content === ''))
    throw new TargetError('blocked', 'provider content filter blocked the response');
  let text: string;
  if (typeof content === 'string') text = content;
  else if (typeof refusal === 'string') text = refusal;
  else if (content === null && Array.isArray((choice.message as { tool_calls?: unknown[] })?.tool_calls)) text = '';
  else throw badShape('choices[0].message.content string');
  const inputTokens = num(o.usage?.prompt_tokens);
  const outputTokens = num(o.usage?.completion_tokens);
  return {
    text,
    usage: { ...(inputTokens !== undefined ? { inputTokens } : {}), ...(outputTokens !== undefined ? { outputTokens } : {}) },
    ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}),
  };
}

async function readOpenAiStream(res: HttpResponse): Promise<Omit<SendResult, 'attempts'>> {
  let text = '';
  let finishReason: string | undefined;
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let chunks = 0;
  const ttftMs = await readSse(res, (data) => {
    let j: { choices?: { delta?: { content?: string }; finish_reason?: string | null }[]; usage?: Record<string, unknown> };
    try {
      j = JSON.parse(data);
    } catch {
      throw new TargetError('bad_response', 'stream chunk is not JSON');
    }
    chunks++;
    const d = j.choices?.[0];
    if (typeof d?.delta?.content === 'string') text += d.delta.content;
    if (d?.finish_reason) finishReason = d.finish_reason;
    if (j.usage) {
      inputTokens = num(j.usage['prompt_tokens']);
      outputTokens = num(j.usage['completion_tokens']);
    }
  });
  if (chunks === 0) throw new TargetError('bad_response', 'stream carried no data');
  if (finishReason === 'content_filter' && !text) throw new TargetError('blocked', 'provider content filter blocked the response');
  return {
    text,
    usage: { ...(inputTokens !== undefined ? { inputTokens } : {}), ...(outputTokens !== undefined ? { outputTokens } : {}) },
    ...(finishReason ? { finishReason } : {}),
    ...(ttftMs !== undefined ? { ttftMs } : {}),
  };
}

// ---------------------------------------------------------------- Anthropic Messages

type Block = { type: string; [k: string]: unknown };

export function toAnthropic(messages: Message[]): { system?: string; messages: { role: 'user' | 'assistant'; content: Block[] }[] } {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const out: { role: 'user' | 'assistant'; content: Block[] }[] = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    let role: 'user' | 'assistant';
    let blocks: Block[];
    if (m.role === 'tool') {
      role = 'user';
      blocks = [{ type: 'tool_result', tool_use_id: m.toolCallId ?? 'toolu_0', content: m.content }];
    } else if (m.role === 'assistant') {
      role = 'assistant';
      blocks = m.content ? [{ type: 'text', text: m.content }] : [];
      for (const t of m.toolCalls ?? []) {
        let input: unknown = {};
        try {
          input = JSON.parse(t.arguments || '{}');
        } catch {
          input = { raw: t.arguments };
        }
        blocks.push({ type: 'tool_use', id: t.id, name: t.name, input });
      }
    } else {
      role = 'user';
      blocks = [{ type: 'text', text: m.content }];
    }
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return { ...(system.length ? { system: system.join('\n\n') } : {}), messages: out };
}

export class AnthropicTarget extends BaseTarget {
  private readonly url: string;
  constructor(resolved: ResolvedTarget) {
    super(resolved);
    this.url = `${trimSlash(resolved.config.baseUrl ?? 'https://api.anthropic.com')}/v1/messages`;
  }
  protected async send(messages: Message[], req: ChatRequest, signal: AbortSignal | undefined, onRetry: () => void): Promise<SendResult> {
    const c = this.resolved.config;
    const { system, messages: msgs } = toAnthropic(messages);
    const body: Record<string, unknown> = { ...(c.params ?? {}), model: c.model, max_tokens: this.maxTokens(req) ?? 1024, messages: msgs };
    if (system) body['system'] = system;
    const t = this.temperature(req);
    if (t !== undefined) body['temperature'] = Math.min(1, t);
    if (c.top_p !== undefined) body['top_p'] = c.top_p;
    if (c.stop) body['stop_sequences'] = c.stop;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...this.resolved.headers };
    if (this.resolved.apiKey) headers['x-api-key'] = this.resolved.apiKey;
    const { value, attempts } = await callWithRetry(
      { url: this.url, method: 'POST', headers, body: JSON.stringify(body) },
      this.policy,
      async (res) => {
        const j = (await readJson(res)) as { content?: { type?: string; text?: unknown }[]; usage?: Record<string, unknown>; stop_reason?: string };
        if (!Array.isArray(j?.content)) throw badShape('content[]');
        const text = j.content.filter((b) => b?.type === 'text' && typeof b.text === 'string').map((b) => b.text as string).join('');
        if (j.content.length > 0 && text === '' && !j.content.some((b) => b?.type === 'tool_use')) throw badShape('text block');
        const inputTokens = num(j.usage?.['input_tokens']);
        const outputTokens = num(j.usage?.['output_tokens']);
        return {
          text,
          usage: { ...(inputTokens !== undefined ? { inputTokens } : {}), ...(outputTokens !== undefined ? { outputTokens } : {}) },
          ...(j.stop_reason ? { finishReason: j.stop_reason } : {}),
        };
      },
      { ...(signal ? { signal } : {}), onRetry, beforeRetry: () => this.limiter.retrySlot(signal) },
    );
    return { ...value, attempts };
  }
}

// ---------------------------------------------------------------- Ollama native /api/chat

export class OllamaTarget extends BaseTarget {
  private readonly url: string;
  constructor(resolved: ResolvedTarget) {
    super(resolved);
    this.url = `${trimSlash(resolved.config.baseUrl ?? 'http://127.0.0.1:11434')}/api/chat`;
  }
  protected async send(messages: Message[], req: ChatRequest, signal: AbortSignal | undefined, onRetry: () => void): Promise<SendResult> {
    const c = this.resolved.config;
    const options: Record<string, unknown> = { ...(c.params ?? {}) };
    const t = this.temperature(req);
    if (t !== undefined) options['temperature'] = t;
    const mt = this.maxTokens(req);
    if (mt !== undefined) options['num_predict'] = mt;
    if (c.top_p !== undefined) options['top_p'] = c.top_p;
    if (c.stop) options['stop'] = c.stop;
    const msgs = messages.map((m) => {
      if (m.role === 'assistant' && m.toolCalls?.length)
        return {
          role: 'assistant',
          content: m.content,
          tool_calls: m.toolCalls.map((tc) => ({ function: { name: tc.name, arguments: safeJson(tc.arguments) } })),
        };
      return { role: m.role, content: m.content };
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.resolved.headers };
    if (this.resolved.apiKey) headers['authorization'] = `Bearer ${this.resolved.apiKey}`;
    const { value, attempts } = await callWithRetry(
      { url: this.url, method: 'POST', headers, body: JSON.stringify({ model: c.model, messages: msgs, stream: false, options }) },
      this.policy,
      async (res) => {
        const j = (await readJson(res)) as { message?: { content?: unknown }; prompt_eval_count?: unknown; eval_count?: unknown; done_reason?: string };
        if (typeof j?.message?.content !== 'string') throw badShape('message.content');
        const inputTokens = num(j.prompt_eval_count);
        const outputTokens = num(j.eval_count);
        return {
          text: j.message.content,
          usage: { ...(inputTokens !== undefined ? { inputTokens } : {}), ...(outputTokens !== undefined ? { outputTokens } : {}) },
          ...(j.done_reason ? { finishReason: j.done_reason } : {}),
        };
      },
      { ...(signal ? { signal } : {}), onRetry, beforeRetry: () => this.limiter.retrySlot(signal) },
    );
    return { ...value, attempts };
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
}
