/**
 * Per-target admission control: a concurrency semaphore plus requests-per-minute and
 * tokens-per-minute token buckets. Token use is reserved from an estimate before the call and
 * settled with the real count afterwards.
 */

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
export { sleep };

export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(readonly limit: number) {}
  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason ?? new Error('aborted'));
      };
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
    // The slot was handed over by release(); `active` already counts it.
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
  get inUse(): number {
    return this.active;
  }
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  /** capacity units, refilled at `perMinute / 60000` units per ms. */
  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.tokens = perMinute;
    this.last = now();
  }
  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
  }
  /** Waits until `cost` units are available, then takes them. Costs above capacity are clamped. */
  async take(cost: number, signal?: AbortSignal): Promise<void> {
    const c = Math.min(Math.max(cost, 0), this.perMinute);
    for (;;) {
      this.refill();
      if (this.tokens >= c) {
        this.tokens -= c;
        return;
      }
      const waitMs = Math.ceil(((c - this.tokens) * 60_000) / this.perMinute);
      await sleep(Math.max(5, waitMs), signal);
    }
  }
  /** Returns (positive) or charges (negative) the difference between estimate and actual. */
  adjust(delta: number): void {
    this.refill();
    this.tokens = Math.min(this.perMinute, this.tokens + delta);
  }
  get available(): number {
    this.refill();
    return this.tokens;
  }
}

export interface LimiterOptions {
  concurrency?: number;
  rpm?: number;
  tpm?: number;
}

export class Limiter {
  private readonly sem: Semaphore;
  private readonly rpm?: TokenBucket;
  private readonly tpm?: TokenBucket;
  constructor(opts: LimiterOptions) {
    this.sem = new Semaphore(Math.max(1, opts.concurrency ?? 4));
    if (opts.rpm && opts.rpm > 0) this.rpm = new TokenBucket(opts.rpm);
    if (opts.tpm && opts.tpm > 0) this.tpm = new TokenBucket(opts.tpm);
  }
  /** Runs `fn` inside the limits. `estimate` is the reserved token count; `fn` returns the real one. */
  async run<T>(estimate: number, fn: () => Promise<{ value: T; tokens: number }>, signal?: AbortSignal): Promise<T> {
    await this.sem.acquire(signal);
    try {
      await this.rpm?.take(1, signal);
      await this.tpm?.take(estimate, signal);
      let tokens = estimate;
      try {
        const r = await fn();
        tokens = r.tokens;
        return r.value;
      } finally {
        this.tpm?.adjust(estimate - tokens);
      }
    } finally {
      this.sem.release();
    }
  }
  /** Takes one more request slot from the rpm bucket (used between retries). */
  async retrySlot(signal?: AbortSignal): Promise<void> {
    await this.rpm?.take(1, signal);
  }
}

/** Rough token estimate: CJK characters count one each, other text about four characters a token. */
export function estimateTokens(text: string): number {
  let cjk = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x2e80) cjk++;
  }
  const rest = text.length - cjk;
  return cjk + Math.ceil(rest / 4);
}
