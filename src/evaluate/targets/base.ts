import type { Message, Usage } from '../types.ts';
import type { ResolvedTarget, TargetType } from './config.ts';
import { TargetError } from './errors.ts';
import { Limiter, estimateTokens } from './limiter.ts';
import type { RetryPolicy } from './http-call.ts';
import { emptyStats, type ChatRequest, type ChatResult, type Target, type TargetStats } from './target.ts';

export interface SendResult {
  text: string;
  usage?: Partial<Usage>;
  finishReason?: string;
  attempts: number;
  ttftMs?: number;
}

/** Limits, accounting, system prompt and error normalisation shared by every target type. */
export abstract class BaseTarget implements Target {
  readonly type: TargetType;
  readonly name: string;
  readonly identity: Record<string, unknown>;
  protected readonly limiter: Limiter;
  protected readonly policy: RetryPolicy;
  private readonly totals: TargetStats = emptyStats();

  constructor(protected readonly resolved: ResolvedTarget) {
    const c = resolved.config;
    this.type = c.type;
    this.name = c.name ?? (c.model ? `${c.type}:${c.model}` : c.type);
    this.limiter = new Limiter({ concurrency: c.concurrency, ...(c.rpm ? { rpm: c.rpm } : {}), ...(c.tpm ? { tpm: c.tpm } : {}) });
    this.policy = {
      timeoutMs: c.timeoutMs,
      retries: c.retries,
      backoffBaseMs: c.backoffBaseMs,
      backoffMaxMs: c.backoffMaxMs,
      ...(c.maxResponseBytes !== undefined ? { maxResponseBytes: c.maxResponseBytes } : {}),
    };
    this.identity = {
      type: c.type,
      baseUrl: c.baseUrl ?? c.url,
      model: c.model,
      temperature: c.temperature,
      maxTokens: this.maxTokens(),
      topP: c.top_p,
      system: c.system,
      params: c.params,
      module: c.module,
      export: c.export,
    };
  }

  protected maxTokens(req?: ChatRequest): number | undefined {
    const c = this.resolved.config;
    return req?.maxTokens ?? c.maxTokens ?? c.max_tokens ?? (c.params?.['max_tokens'] as number | undefined);
  }
  protected temperature(req?: ChatRequest): number | undefined {
    const c = this.resolved.config;
    return req?.temperature ?? c.temperature ?? (c.params?.['temperature'] as number | undefined);
  }

  /** The case's own system message wins; otherwise the target's configured system prompt is used. */
  protected withSystem(messages: Message[]): Message[] {
    const sys = this.resolved.config.system;
    if (!sys || messages.some((m) => m.role === 'system')) return messages;
    return [{ role: 'system', content: sys }, ...messages];
  }

  protected abstract send(messages: Message[], req: ChatRequest, signal: AbortSignal | undefined, onRetry: () => void): Promise<SendResult>;

  async chat(req: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const messages = this.withSystem(req.messages);
    const promptTokens = messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
    const estimate = promptTokens + (this.maxTokens(req) ?? 256);
    try {
      return await this.limiter.run(
        estimate,
        async () => {
          const t0 = performance.now();
          this.totals.calls++;
          const r = await this.send(messages, req, signal, () => {
            this.totals.retries++;
          });
          const latencyMs = Math.round(performance.now() - t0);
          const estimated = r.usage?.inputTokens === undefined || r.usage?.outputTokens === undefined;
          const usage: Usage = {
            inputTokens: r.usage?.inputTokens ?? promptTokens,
            outputTokens: r.usage?.outputTokens ?? estimateTokens(r.text),
            ...(estimated ? { estimated: true } : {}),
          };
          const p = this.resolved.config.pricing;
          const costUsd = p ? (usage.inputTokens * p.inputPerMTok + usage.outputTokens * p.outputPerMTok) / 1e6 : undefined;
          this.totals.inputTokens += usage.inputTokens;
          this.totals.outputTokens += usage.outputTokens;
          if (costUsd) this.totals.costUsd += costUsd;
          const value: ChatResult = {
            text: r.text,
            usage,
            latencyMs,
            attempts: r.attempts,
            ...(r.finishReason ? { finishReason: r.finishReason } : {}),
            ...(costUsd !== undefined ? { costUsd } : {}),
            ...(r.ttftMs !== undefined ? { ttftMs: r.ttftMs } : {}),
          };
          return { value, tokens: usage.inputTokens + usage.outputTokens };
        },
        signal,
      );
    } catch (e) {
      const err =
        e instanceof TargetError
          ? e
          : signal?.aborted
            ? new TargetError('aborted', 'run aborted')
            : new TargetError('bad_response', e instanceof Error ? e.message : String(e));
      this.totals.errors[err.kind] = (this.totals.errors[err.kind] ?? 0) + 1;
      throw err;
    }
  }

  stats(): TargetStats {
    return { ...this.totals, errors: { ...this.totals.errors } };
  }
}

/** `$.a.b[0].c`, `a.b.0.c` → value (undefined when a step is missing). */
export function getPath(obj: unknown, path: string): unknown {
  const steps = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\[["']([^"']+)["']\]/g, '.$1')
    .split('.')
    .filter((s) => s.length > 0);
  let cur: unknown = obj;
  for (const s of steps) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[s];
    else return undefined;
  }
  return cur;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
