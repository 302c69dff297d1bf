/** Generic HTTP target (request template + JSON-path mapping) and in-process JS function target. */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Message } from '../types.ts';
import { BaseTarget, getPath, num, type SendResult } from './base.ts';
import type { ResolvedTarget } from './config.ts';
import { TargetError } from './errors.ts';
import { callWithRetry, readJson } from './http-call.ts';
import type { ChatRequest } from './target.ts';

export interface TemplateVars {
  prompt: string;
  system: string;
  messages: { role: string; content: string }[];
  model: string;
  temperature?: number;
  max_tokens?: number;
}

const WHOLE = /^\{\{\s*([a-z_]+)\s*\}\}$/;
const INLINE = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** Renders a body template: a string that is exactly `{{name}}` becomes the raw value; inline uses interpolate text. */
export function renderTemplate(tpl: unknown, vars: TemplateVars): unknown {
  const v = vars as unknown as Record<string, unknown>;
  if (typeof tpl === 'string') {
    const whole = WHOLE.exec(tpl);
    if (whole) return v[whole[1]!] ?? null;
    return tpl.replace(INLINE, (_m, k: string) => {
      const x = v[k];
      return x === undefined || x === null ? '' : typeof x === 'string' ? x : JSON.stringify(x);
    });
  }
  if (Array.isArray(tpl)) return tpl.map((t) => renderTemplate(t, vars));
  if (tpl && typeof tpl === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(tpl)) out[k] = renderTemplate(x, vars);
    return out;
  }
  return tpl;
}

export function templateVars(messages: Message[], model: string, req: { temperature?: number; maxTokens?: number }): TemplateVars {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return {
    prompt: lastUser?.content ?? '',
    system: messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n'),
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    model,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
  };
}

export class HttpTarget extends BaseTarget {
  protected async send(messages: Message[], req: ChatRequest, signal: AbortSignal | undefined, onRetry: () => void): Promise<SendResult> {
    const c = this.resolved.config;
    const t = this.temperature(req);
    const mt = this.maxTokens(req);
    const vars = templateVars(messages, c.model ?? '', { ...(t !== undefined ? { temperature: t } : {}), ...(mt !== undefined ? { maxTokens: mt } : {}) });
    const method = c.method ?? 'POST';
    const url = (c.url ?? c.baseUrl!).replace(INLINE, (_m, k: string) => encodeURIComponent(String((vars as unknown as Record<string, unknown>)[k] ?? '')));
    const tpl = c.body ?? { prompt: '{{prompt}}' };
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.resolved.headers };
    if (this.resolved.apiKey && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      headers['authorization'] = `Bearer ${this.resolved.apiKey}`;
    const map = c.response!;
    const { value, attempts } = await callWithRetry(
      { url, method, headers, ...(method === 'GET' ? {} : { body: JSON.stringify(renderTemplate(tpl, vars)) }) },
      this.policy,
      async (res) => {
        const j = await readJson(res);
        if (map.blocked && getPath(j, map.blocked)) throw new TargetError('blocked', 'the service reported the request as blocked');
        if (map.error) {
          const e = getPath(j, map.error);
          if (e) throw new TargetError('bad_response', `service error: ${typeof e === 'string' ? e : JSON.stringify(e)}`.slice(0, 300));
        }
        const text = getPath(j, map.text);
        if (typeof text !== 'string') throw new TargetError('bad_response', `response has no string at ${map.text}`);
        const inputTokens = map.inputTokens ? num(getPath(j, map.inputTokens)) : undefined;
        const outputTokens = map.outputTokens ? num(getPath(j, map.outputTokens)) : undefined;
        return { text, usage: { ...(inputTokens !== undefined ? { inputTokens } : {}), ...(outputTokens !== undefined ? { outputTokens } : {}) } };
      },
      { ...(signal ? { signal } : {}), onRetry, beforeRetry: () => this.limiter.retrySlot(signal) },
    );
    return { ...value, attempts };
  }
}

/** What a JS target function receives. */
export interface JsTargetRequest {
  messages: Message[];
  prompt: string;
  system: string;
  temperature?: number;
  maxTokens?: number;
}
export type JsTargetFn = (
  req: JsTargetRequest,
  ctx: { signal?: AbortSignal },
) => string | { text: string; usage?: { inputTokens?: number; outputTokens?: number } } | Promise<string | { text: string; usage?: { inputTokens?: number; outputTokens?: number } }>;

export class JsTarget extends BaseTarget {
  private fn?: JsTargetFn;
  /** Lets a caller hand in a function directly instead of a module path. */
  constructor(resolved: ResolvedTarget, fn?: JsTargetFn) {
    super(resolved);
    if (fn) this.fn = fn;
  }
  private async load(): Promise<JsTargetFn> {
    if (this.fn) return this.fn;
    const c = this.resolved.config;
    const path = isAbsolute(c.module!) ? c.module! : resolve(this.resolved.baseDir, c.module!);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (e) {
      throw new TargetError('config', `cannot load js target module ${c.module}: ${(e as Error).message}`);
    }
    const name = c.export ?? 'default';
    const f = mod[name];
    if (typeof f !== 'function') throw new TargetError('config', `module ${c.module} has no function export ${name}`);
    this.fn = f as JsTargetFn;
    return this.fn;
  }
  protected async send(messages: Message[], req: ChatRequest, signal: AbortSignal | undefined): Promise<SendResult> {
    const fn = await this.load();
    const vars = templateVars(messages, '', {});
    const t = this.temperature(req);
    const mt = this.maxTokens(req);
    const call = Promise.resolve().then(() =>
      fn(
        { messages, prompt: vars.prompt, system: vars.system, ...(t !== undefined ? { temperature: t } : {}), ...(mt !== undefined ? { maxTokens: mt } : {}) },
        signal ? { signal } : {},
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timeout = new Promise<never>((_res, reject) => {
      timer = setTimeout(() => reject(new TargetError('timeout', 'js target timed out')), this.policy.timeoutMs);
      onAbort = () => reject(new TargetError('aborted', 'run aborted'));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    let out: Awaited<ReturnType<JsTargetFn>>;
    try {
      out = await Promise.race([call, timeout]);
    } catch (e) {
      if (e instanceof TargetError) throw e;
      throw new TargetError('bad_response', `js target threw: ${(e as Error)?.message ?? String(e)}`);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    if (typeof out === 'string') return { text: out, attempts: 1 };
    if (out && typeof out.text === 'string') return { text: out.text, ...(out.usage ? { usage: out.usage } : {}), attempts: 1 };
    throw new TargetError('bad_response', 'js target returned neither a string nor { text }');
  }
}
