/**
 * One HTTP exchange with a model API: per-attempt timeout (covering the body too), retries with
 * exponential backoff and full jitter, Retry-After honoured, and every failure classified.
 * Uses http-client.ts (node:http with keep-alive agents), not the global fetch: see there why.
 */
import { TargetError, classifyStatus, parseRetryAfter } from './errors.ts';
import { httpSend, type HttpRequest, type HttpResponse } from './http-client.ts';
import { sleep } from './limiter.ts';

export interface RetryPolicy {
  timeoutMs: number;
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Longest Retry-After we are willing to wait; longer ones end the case as rate_limited. */
  maxRetryAfterMs?: number;
  random?: () => number;
  /** Largest response body accepted (after decompression); larger ones are bad_response. */
  maxResponseBytes?: number;
}

export type { HttpRequest, HttpResponse } from './http-client.ts';

export interface AttemptInfo {
  attempt: number;
  error: TargetError;
  delayMs: number;
}

/** Full-jitter backoff: uniform in [0, min(cap, base·2^attempt)], but never below Retry-After. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const rnd = policy.random ?? Math.random;
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** attempt);
  const jitter = Math.floor(rnd() * ceiling);
  if (retryAfterMs !== undefined) return Math.max(retryAfterMs, Math.min(jitter, retryAfterMs + 250));
  return jitter;
}

const BLOCK_CODES = /content[_-]?(filter|policy|blocked)|blocked|guardrail|moderation/i;

async function errorFromResponse(res: HttpResponse): Promise<TargetError> {
  let text = '';
  try {
    text = (await res.text()).slice(0, 2000);
  } catch {
    /* body unreadable */
  }
  let message = text;
  let code = '';
  try {
    const j = JSON.parse(text) as { error?: { message?: string; code?: string; type?: string } | string; message?: string };
    if (typeof j.error === 'string') message = j.error;
    else if (j.error) {
      message = j.error.message ?? text;
      code = `${j.error.code ?? ''} ${j.error.type ?? ''}`;
    } else if (j.message) message = j.message;
  } catch {
    /* not JSON */
  }
  const retryAfterMs = parseRetryAfter(res.headers);
  if ((res.status === 400 || res.status === 403 || res.status === 451) && BLOCK_CODES.test(code))
    return new TargetError('blocked', `HTTP ${res.status}: ${message}`.slice(0, 500), { status: res.status });
  return new TargetError(classifyStatus(res.status), `HTTP ${res.status}: ${message}`.slice(0, 500), {
    status: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

function networkError(e: unknown, timedOut: boolean, external?: AbortSignal): TargetError {
  if (external?.aborted) return new TargetError('aborted', 'run aborted');
  if (timedOut) return new TargetError('timeout', 'request timed out');
  if (e instanceof TargetError) return e;
  // node:http errors carry `code` themselves (ECONNREFUSED, ECONNRESET, ENOTFOUND, cert errors).
  const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
  const cause = err.code ?? err.cause?.code ?? err.cause?.message ?? '';
  return new TargetError('network', `${err.message}${cause ? ` (${cause})` : ''}`);
}

/**
 * Sends `req`, then reads the successful response with `read` (inside the same timeout). A
 * TargetError thrown by `read` (e.g. bad_response) is not retried unless it is retryable.
 */
export async function callWithRetry<T>(
  req: HttpRequest,
  policy: RetryPolicy,
  read: (res: HttpResponse, signal: AbortSignal) => Promise<T>,
  opts: { signal?: AbortSignal; onRetry?: (info: AttemptInfo) => void; beforeRetry?: () => Promise<void> } = {},
): Promise<{ value: T; attempts: number }> {
  const maxRetryAfter = policy.maxRetryAfterMs ?? 120_000;
  for (let attempt = 0; ; attempt++) {
    if (opts.signal?.aborted) throw new TargetError('aborted', 'run aborted');
    const timeout = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      timeout.abort(new Error('timeout'));
    }, policy.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout.signal]) : timeout.signal;
    let error: TargetError;
    try {
      const res = await httpSend(req, { signal, ...(policy.maxResponseBytes !== undefined ? { maxBytes: policy.maxResponseBytes } : {}) });
      if (!res.ok) {
        error = await errorFromResponse(res);
      } else {
        try {
          const value = await read(res, signal);
          return { value, attempts: attempt + 1 };
        } catch (e) {
          if (e instanceof TargetError && !timedOut) throw e;
          error = networkError(e, timedOut, opts.signal);
        }
      }
    } catch (e) {
      if (e instanceof TargetError && e.kind !== 'network') throw e;
      error = networkError(e, timedOut, opts.signal);
    } finally {
      clearTimeout(timer);
    }
    if (error.kind === 'aborted' || !error.retryable || attempt >= policy.retries) throw error;
    if (error.retryAfterMs !== undefined && error.retryAfterMs > maxRetryAfter) throw error;
    const delayMs = backoffDelay(attempt, policy, error.retryAfterMs);
    opts.onRetry?.({ attempt, error, delayMs });
    try {
      await sleep(delayMs, opts.signal);
      await opts.beforeRetry?.();
    } catch {
      throw new TargetError('aborted', 'run aborted');
    }
  }
}

/** Parses a JSON body, turning garbage into a bad_response error. */
export async function readJson(res: HttpResponse): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new TargetError('bad_response', `response is not JSON (${text.length} bytes)`, { status: res.status });
  }
}

/** Reads a server-sent-events body, calling `onData` for each `data:` payload. Returns ms to the first byte. */
export async function readSse(res: HttpResponse, onData: (data: string) => void): Promise<number | undefined> {
  const start = Date.now();
  let first: number | undefined;
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body) {
    if (first === undefined) first = Date.now() - start;
    buf += decoder.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      if (line.startsWith('data:')) {
        const data = line.slice(5).trim();
        if (data && data !== '[DONE]') onData(data);
      }
    }
  }
  return first;
}
