// External judge scanner: asks an OpenAI-compatible moderation model (Llama Guard, Qwen3Guard,
// ShieldGemma) and maps its verdict to taxonomy ids. Asynchronous only; a timeout, HTTP error
// or unreadable answer fails open (allow) or closed (the scanner's action), as configured.
import { parse as parseYaml } from 'yaml';
import type { Bilingual } from '../core/i18n.ts';
import { readText } from './data.ts';
import type { AsyncScanner, Finding, ScanContext, ScanOutput } from './types.ts';
import type { ScannerConfig } from './policy.ts';

type JudgeConfig = Extract<ScannerConfig, { type: 'judge' }>;
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>;

interface FormatSpec {
  defaultWrap: 'server' | 'client';
  categories?: Record<string, { name?: string; taxonomy: string[] }>;
  principles?: string[];
  prompt: string;
}
let formats: Record<string, FormatSpec> | undefined;
function spec(format: string): FormatSpec {
  formats ??= parseYaml(readText('judge-formats.yaml')) as Record<string, FormatSpec>;
  const s = formats[format];
  if (!s) throw new Error(`unknown judge format ${format}`);
  return s;
}

export interface JudgeVerdict { score: number; categories: string[]; raw: string }

function fill(t: string, vars: Record<string, string>): string {
  return t.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? vars[k]! : m));
}

/** Build the request bodies (one per ShieldGemma principle, otherwise one). */
export function buildJudgeRequests(format: JudgeConfig['format'], wrap: 'server' | 'client', model: string, ctx: { text: string; direction: 'input' | 'output'; prompt?: string }): { path: string; body: Record<string, unknown> }[] {
  const s = spec(format);
  const role = ctx.direction === 'input' ? 'User' : 'Agent';
  const convo: { role: string; content: string }[] = ctx.direction === 'input'
    ? [{ role: 'user', content: ctx.text }]
    : [{ role: 'user', content: ctx.prompt ?? '' }, { role: 'assistant', content: ctx.text }];
  if (format === 'shieldgemma') {
    return (s.principles ?? []).map((principle) => {
      const prompt = fill(s.prompt, {
        role_lower: role === 'User' ? 'user' : 'chatbot', kind: role === 'User' ? 'prompt' : 'response',
        content_label: role === 'User' ? 'Human Question' : 'Chatbot Response', content: ctx.text,
        content_ref: role === 'User' ? 'human question' : 'chatbot response', principle,
      });
      return wrap === 'client'
        ? { path: '/completions', body: { model, prompt, max_tokens: 1, temperature: 0, logprobs: 5 } }
        : { path: '/chat/completions', body: { model, messages: [{ role: 'user', content: prompt }], max_tokens: 1, temperature: 0, logprobs: true, top_logprobs: 5 } };
    });
  }
  if (wrap === 'server') return [{ path: '/chat/completions', body: { model, messages: convo, max_tokens: 32, temperature: 0 } }];
  const cats = Object.entries(s.categories ?? {}).map(([k, v]) => (v.name ? `${k}: ${v.name}.` : `${k}.`)).join('\n');
  const conversation = convo.map((m) => `${m.role === 'user' ? 'User' : 'Agent'}: ${m.content}`).join('\n\n');
  return [{ path: '/completions', body: { model, prompt: fill(s.prompt, { role, categories: cats, conversation }), max_tokens: 32, temperature: 0 } }];
}

function textOf(resp: unknown): string {
  const c = (resp as { choices?: { message?: { content?: string }; text?: string }[] }).choices?.[0];
  return (c?.message?.content ?? c?.text ?? '').trim();
}

/** P(Yes) from OpenAI logprobs (chat or completions shape), or undefined. */
function yesProbability(resp: unknown): number | undefined {
  const c = (resp as { choices?: { logprobs?: { content?: { top_logprobs?: { token: string; logprob: number }[] }[]; top_logprobs?: Record<string, number>[] } }[] }).choices?.[0];
  let pairs: [string, number][] = [];
  const chat = c?.logprobs?.content?.[0]?.top_logprobs;
  if (chat) pairs = chat.map((t) => [t.token, t.logprob]);
  const comp = c?.logprobs?.top_logprobs?.[0];
  if (comp) pairs = Object.entries(comp);
  let yes = 0, no = 0;
  for (const [tok, lp] of pairs) {
    const t = tok.trim().toLowerCase();
    if (t === 'yes') yes += Math.exp(lp); else if (t === 'no') no += Math.exp(lp);
  }
  return yes + no > 0 ? yes / (yes + no) : undefined;
}

/** Parse one judge answer; throws when it cannot be read. */
export function parseJudgeResponse(format: JudgeConfig['format'], resp: unknown): JudgeVerdict {
  const s = spec(format);
  const raw = textOf(resp);
  if (format === 'llama-guard') {
    const lines = raw.split('\n').map((l) => l.trim()).filter(Boolean);
    const first = lines[0]?.toLowerCase();
    if (first === 'safe') return { score: 0, categories: [], raw };
    if (first !== 'unsafe') throw new Error('unreadable Llama Guard answer');
    const codes = (lines[1] ?? '').split(',').map((x) => x.trim().toUpperCase()).filter(Boolean);
    return { score: 1, categories: codes.flatMap((c) => s.categories?.[c]?.taxonomy ?? []), raw };
  }
  if (format === 'qwen3guard') {
    const m = /Safety:\s*(Safe|Unsafe|Controversial)/i.exec(raw);
    if (!m) throw new Error('unreadable Qwen3Guard answer');
    const level = m[1]!.toLowerCase();
    const cm = /Categories:\s*(.+)/i.exec(raw);
    const names = cm ? cm[1]!.split(',').map((x) => x.trim()).filter((x) => x && x.toLowerCase() !== 'none') : [];
    const lookup = new Map(Object.entries(s.categories ?? {}).map(([k, v]) => [k.toLowerCase(), v.taxonomy]));
    return { score: level === 'unsafe' ? 1 : level === 'controversial' ? 0.5 : 0, categories: names.flatMap((n) => lookup.get(n.toLowerCase()) ?? []), raw };
  }
  const p = yesProbability(resp);
  if (p !== undefined) return { score: p, categories: [], raw };
  if (/^yes\b/i.test(raw)) return { score: 1, categories: [], raw };
  if (/^no\b/i.test(raw)) return { score: 0, categories: [], raw };
  throw new Error('unreadable ShieldGemma answer');
}

export class JudgeScanner implements AsyncScanner {
  readonly type = 'judge';
  readonly name: string;
  readonly reply?: Bilingual;
  private readonly fetchFn: FetchLike;
  private readonly wrap: 'server' | 'client';

  constructor(private readonly cfg: JudgeConfig, opts: { fetch?: FetchLike; env?: Record<string, string | undefined> } = {}) {
    this.name = cfg.name ?? `judge:${cfg.format}`;
    if (cfg.reply) this.reply = cfg.reply;
    this.fetchFn = opts.fetch ?? (globalThis.fetch as unknown as FetchLike);
    this.wrap = (cfg as { wrap?: 'server' | 'client' }).wrap ?? spec(cfg.format).defaultWrap;
    this.env = opts.env ?? process.env;
  }
  private readonly env: Record<string, string | undefined>;

  async scanAsync(ctx: ScanContext & { prompt?: string }, signal?: AbortSignal): Promise<ScanOutput & { error?: string }> {
    const timeout = AbortSignal.timeout(this.cfg.timeoutMs);
    const sig = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const key = this.cfg.apiKeyEnv ? this.env[this.cfg.apiKeyEnv] : undefined;
    if (key) headers.authorization = `Bearer ${key}`;
    const base = this.cfg.url.replace(/\/+$/, '');
    try {
      const reqs = buildJudgeRequests(this.cfg.format, this.wrap, this.cfg.model, { text: ctx.text, direction: ctx.direction, ...(ctx.prompt !== undefined ? { prompt: ctx.prompt } : {}) });
      const verdicts = await Promise.all(reqs.map(async (r) => {
        const res = await this.fetchFn(base + r.path, { method: 'POST', headers, body: JSON.stringify(r.body), signal: sig });
        if (!res.ok) throw new Error(`judge HTTP ${res.status}`);
        return parseJudgeResponse(this.cfg.format, await res.json());
      }));
      const score = Math.max(0, ...verdicts.map((v) => v.score));
      const threshold = this.cfg.threshold ?? 0.5;
      if (score < threshold) return { score, findings: [], action: 'allow' };
      const cats = this.cfg.categories ?? [...new Set(['tc260.3.2.1.a', ...verdicts.flatMap((v) => v.categories)])];
      const findings: Finding[] = cats.map((c) => ({ start: 0, end: ctx.text.length, category: c, kind: 'judge', action: this.cfg.action, score, detail: this.cfg.format }));
      return { score, findings, action: this.cfg.action, categories: cats };
    } catch (e) {
      const err = timeout.aborted ? `judge timed out after ${this.cfg.timeoutMs} ms` : (e as Error).message;
      if (this.cfg.failMode === 'open') return { score: 0, findings: [], action: 'allow', error: err };
      const cats = this.cfg.categories ?? ['tc260.3.2.1.a'];
      return { score: 1, findings: cats.map((c) => ({ start: 0, end: ctx.text.length, category: c, kind: 'judge_unavailable', action: this.cfg.action, detail: err })), action: this.cfg.action, categories: cats, error: err };
    }
  }
}
