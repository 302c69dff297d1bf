// Application keys: random 256-bit secrets shown once, stored as SHA-256, each bound to a system,
// a policy and an upstream; a token bucket per key. Lookups are cached briefly (revocation in this
// process clears the entry at once; other instances see it within the cache TTL).
import { createHash, randomBytes } from 'node:crypto';
import type { GatewayKeyRecord } from '../store/index.ts';

export const KEY_PREFIX = 'zhk_';

export function generateAppKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashAppKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Token bucket: `capacity` requests at once, refilled at rpm/60 per second. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(readonly rpm: number, private readonly now = () => performance.now()) {
    this.tokens = rpm;
    this.last = now();
  }
  /** Takes one token; otherwise returns the seconds until one is available. */
  take(): { ok: true } | { ok: false; retryAfterS: number } {
    if (this.rpm <= 0) return { ok: true };
    const t = this.now();
    const rate = this.rpm / 60_000; // tokens per ms
    this.tokens = Math.min(this.rpm, this.tokens + (t - this.last) * rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: (1 - this.tokens) / rate / 1000 };
  }
}

export interface KeyLookup {
  findByHash(hash: string): Promise<GatewayKeyRecord | undefined>;
  touch(id: string): Promise<void>;
}

const HIT_TTL_MS = 30_000;
const MISS_TTL_MS = 5_000;
const MAX_CACHE = 50_000;

export class KeyCache {
  private hits = new Map<string, { rec: GatewayKeyRecord; until: number }>();
  private misses = new Map<string, number>();
  private buckets = new Map<string, TokenBucket>();
  private touched = new Map<string, number>();
  constructor(private readonly lookup: KeyLookup) {}

  /** The live key for a presented secret, or undefined (unknown or revoked). */
  async resolve(secret: string): Promise<GatewayKeyRecord | undefined> {
    const hash = hashAppKey(secret);
    const now = Date.now();
    const hit = this.hits.get(hash);
    if (hit && hit.until > now) return this.live(hit.rec, now);
    const miss = this.misses.get(hash);
    if (miss && miss > now) return undefined;
    const rec = await this.lookup.findByHash(hash);
    if (!rec) {
      if (this.misses.size >= MAX_CACHE) this.misses.clear();
      this.misses.set(hash, now + MISS_TTL_MS);
      return undefined;
    }
    if (this.hits.size >= MAX_CACHE) this.hits.clear();
    this.hits.set(hash, { rec, until: now + HIT_TTL_MS });
    return this.live(rec, now);
  }

  private live(rec: GatewayKeyRecord, now: number): GatewayKeyRecord | undefined {
    if (rec.revokedAt) return undefined;
    // last_used_at at most once a minute per key, never awaited.
    if ((this.touched.get(rec.id) ?? 0) + 60_000 < now) {
      this.touched.set(rec.id, now);
      void this.lookup.touch(rec.id).catch(() => undefined);
    }
    return rec;
  }

  /** Rate limit per key (the bucket is rebuilt when the key's rpm changes). */
  take(rec: GatewayKeyRecord): ReturnType<TokenBucket['take']> {
    let b = this.buckets.get(rec.id);
    if (!b || b.rpm !== rec.rpm) {
      b = new TokenBucket(rec.rpm);
      this.buckets.set(rec.id, b);
    }
    return b.take();
  }

  /** Forget a key at once (revocation). */
  evict(keyId: string): void {
    for (const [h, v] of this.hits) if (v.rec.id === keyId) this.hits.delete(h);
    this.buckets.delete(keyId);
  }
  clear(): void {
    this.hits.clear();
    this.misses.clear();
  }
}
