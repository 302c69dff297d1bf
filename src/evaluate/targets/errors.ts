import type { CaseError, ErrorKind } from '../types.ts';
import { scrub } from '../redact.ts';

/** A per-case failure of a target call. The runner records it; it never ends the run. */
export class TargetError extends Error {
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(kind: ErrorKind, message: string, opts: { status?: number; retryAfterMs?: number } = {}) {
    super(scrub(message));
    this.name = 'TargetError';
    this.kind = kind;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'http_5xx' || this.kind === 'network' || this.kind === 'timeout';
  }
  toCaseError(): CaseError {
    const e: CaseError = { kind: this.kind, message: this.message.slice(0, 500) };
    if (this.status !== undefined) e.status = this.status;
    return e;
  }
}

export function toCaseError(err: unknown): CaseError {
  if (err instanceof TargetError) return err.toCaseError();
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'bad_response', message: scrub(message).slice(0, 500) };
}

export function classifyStatus(status: number): ErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'http_5xx';
  return 'http_4xx';
}

/** Retry-After in seconds or as an HTTP date; also OpenAI's `retry-after-ms`. */
export function parseRetryAfter(headers: { get(name: string): string | null }, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const v = headers.get('retry-after');
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (!Number.isNaN(t)) return Math.max(0, t - now);
  return undefined;
}
