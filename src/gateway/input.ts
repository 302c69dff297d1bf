// Input side: what the client sends is checked before it goes anywhere. Every user, system and
// tool message is checked (tool results are where indirect prompt injection arrives), so PII in
// an earlier turn — which the client sends again each turn — is masked every time. Masks are
// applied in place; a block stops the request.
import type { Action } from '../guard/index.ts';
import { ACTION_RANK } from '../guard/index.ts';
import { emptySummary, fold, type ScanSummary } from './output.ts';
import type { CompiledPolicy } from './policies.ts';

type Json = any;

export interface InputScan extends ScanSummary {
  /** The safe reply of the first blocking check (in the text's language). */
  reply?: string;
  /** All checked text, joined (hashed for the decision log). */
  text: string;
}

const CHECKED_ROLES = new Set(['user', 'system', 'developer', 'tool', 'function']);

function checkText(p: CompiledPolicy, s: InputScan, text: string): string | undefined {
  if (!text) return undefined;
  s.text += (s.text ? '\n' : '') + text;
  const r = p.guard.check({ text, direction: 'input' });
  fold(s, r);
  if ((r.action === 'block' || r.action === 'confirm') && s.reply === undefined) s.reply = r.reply ?? p.guard.policy.blockReply.en;
  return r.text;
}

/** Checks (and masks in place) the messages of a chat request. */
export function scanChatInput(p: CompiledPolicy, body: Json, releasedToolCall: (id: string) => boolean): InputScan {
  const s: InputScan = { ...emptySummary(), text: '' };
  for (const m of body.messages ?? []) {
    if (CHECKED_ROLES.has(m?.role)) {
      if (typeof m.content === 'string') {
        const masked = checkText(p, s, m.content);
        if (masked !== undefined) m.content = masked;
      } else if (Array.isArray(m.content)) {
        for (const part of m.content) {
          if (part?.type === 'text' && typeof part.text === 'string') {
            const masked = checkText(p, s, part.text);
            if (masked !== undefined) part.text = masked;
          }
        }
      }
    }
    // Tool calls the client reports as made: a call the policy denies stops the conversation here;
    // one that needed confirmation and was not released by the gateway is flagged.
    if (m?.role === 'assistant' && Array.isArray(m.tool_calls)) {
      for (const tc of m.tool_calls) {
        const d = p.guard.evaluateToolCall({ name: String(tc.function?.name ?? ''), arguments: tc.function?.arguments ?? '{}' });
        const action: Action = d.decision === 'deny' ? 'block' : d.decision === 'confirm' && !releasedToolCall(String(tc.id)) ? 'flag' : 'allow';
        if (ACTION_RANK[action] > ACTION_RANK[s.action]) s.action = action;
        if (action !== 'allow') for (const c of d.categories) if (!s.categories.includes(c)) s.categories.push(c);
        if (action === 'block' && s.reply === undefined) s.reply = `${p.guard.policy.blockReply.en} (${d.reason.en})`;
      }
    }
  }
  return s;
}

/** Checks (and masks) a legacy completions prompt: a string or an array of strings. */
export function scanPrompt(p: CompiledPolicy, body: Json, field: 'prompt' | 'input'): InputScan {
  const s: InputScan = { ...emptySummary(), text: '' };
  const v = body[field];
  if (typeof v === 'string') {
    const masked = checkText(p, s, v);
    if (masked !== undefined) body[field] = masked;
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => {
      if (typeof x !== 'string') return; // token arrays are not text
      const masked = checkText(p, s, x);
      if (masked !== undefined) v[i] = masked;
    });
  }
  return s;
}

export function isBlocking(a: Action): boolean {
  return a === 'block' || a === 'confirm';
}

/** The policy's safe reply as a normal (non-streamed) completion. */
export function replyCompletion(kind: 'chat' | 'completion', requestId: string, model: unknown, reply: string, categories: string[]): Json {
  const created = Math.floor(Date.now() / 1000);
  const zongheng = { action: 'block', categories, request_id: requestId };
  const usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  if (kind === 'chat') {
    return { id: `chatcmpl-${requestId}`, object: 'chat.completion', created, model: String(model ?? ''), choices: [{ index: 0, message: { role: 'assistant', content: reply, refusal: null }, logprobs: null, finish_reason: 'content_filter' }], usage, zongheng };
  }
  return { id: `cmpl-${requestId}`, object: 'text_completion', created, model: String(model ?? ''), choices: [{ index: 0, text: reply, logprobs: null, finish_reason: 'content_filter' }], usage, zongheng };
}

/** The same reply as a stream: one content chunk, one finish chunk (then the caller sends [DONE]). */
export function replyChunks(kind: 'chat' | 'completion', requestId: string, model: unknown, reply: string, categories: string[]): Json[] {
  const created = Math.floor(Date.now() / 1000);
  const zongheng = { action: 'block', categories, request_id: requestId };
  if (kind === 'chat') {
    const base = { id: `chatcmpl-${requestId}`, object: 'chat.completion.chunk', created, model: String(model ?? '') };
    return [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: reply }, logprobs: null, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'content_filter' }], zongheng },
    ];
  }
  const base = { id: `cmpl-${requestId}`, object: 'text_completion', created, model: String(model ?? '') };
  return [
    { ...base, choices: [{ index: 0, text: reply, logprobs: null, finish_reason: null }] },
    { ...base, choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'content_filter' }], zongheng },
  ];
}

/** chat.completion → text_completion (Anthropic upstreams serve /v1/completions through Messages). */
export function chatToCompletion(r: Json): Json {
  return {
    id: String(r.id ?? '').replace(/^chatcmpl-/, 'cmpl-'), object: 'text_completion', created: r.created, model: r.model,
    choices: (r.choices ?? []).map((c: Json) => ({ index: c.index, text: c.message?.content ?? '', logprobs: null, finish_reason: c.finish_reason })),
    ...(r.usage ? { usage: r.usage } : {}),
  };
}

export function chatChunkToCompletion(ch: Json): Json {
  return {
    ...ch, object: 'text_completion',
    choices: (ch.choices ?? []).map((c: Json) => ({ index: c.index, text: c.delta?.content ?? '', logprobs: null, finish_reason: c.finish_reason })),
  };
}
