/**
 * Response cache: one small JSON file per request, keyed by a SHA-256 of the target's secret-free
 * identity and the exact messages and parameters. The directory is the caller's (e.g.
 * `$ZONGHENG_DATA_DIR/cache/eval`). Writes go through a temp file and rename.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { ChatRequest, ChatResult, Target } from '../targets/index.ts';

export interface CachedResponse {
  text: string;
  usage: ChatResult['usage'];
  latencyMs: number;
  finishReason?: string;
  costUsd?: number;
}

export function requestKey(identity: Record<string, unknown>, req: ChatRequest): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(identity));
  h.update('\u0000');
  h.update(JSON.stringify({ m: req.messages, t: req.temperature, x: req.maxTokens }));
  return h.digest('hex');
}

export class ResponseCache {
  hits = 0;
  misses = 0;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key.slice(2)}.json`);
  }
  async get(key: string): Promise<CachedResponse | undefined> {
    try {
      const v = JSON.parse(await fsp.readFile(this.path(key), 'utf8')) as CachedResponse;
      if (typeof v.text !== 'string') throw new Error('bad entry');
      this.hits++;
      return v;
    } catch {
      this.misses++;
      return undefined;
    }
  }
  async set(key: string, value: CachedResponse): Promise<void> {
    const p = this.path(key);
    const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await fsp.mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
      await fsp.writeFile(tmp, JSON.stringify(value));
      await fsp.rename(tmp, p);
    } catch {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}

/** A cache entry as a chat result (no attempts were made for it). */
export function fromCache(hit: CachedResponse): ChatResult & { cached: true } {
  return {
    text: hit.text,
    usage: hit.usage,
    latencyMs: hit.latencyMs,
    attempts: 0,
    ...(hit.finishReason ? { finishReason: hit.finishReason } : {}),
    ...(hit.costUsd !== undefined ? { costUsd: hit.costUsd } : {}),
    cached: true,
  };
}

export function toCache(r: ChatResult): CachedResponse {
  return { text: r.text, usage: r.usage, latencyMs: r.latencyMs, ...(r.finishReason ? { finishReason: r.finishReason } : {}), ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}) };
}

/**
 * A helper model (attacker, translator) behind the response cache, so that a re-run replays the
 * same attack turns and translations without calling the helper again. `role` is part of the key:
 * two helpers with the same identity (e.g. two JS functions) must not share entries.
 */
export function cachedTarget(inner: Target, cache: ResponseCache, role: string): Target {
  const identity = { ...inner.identity, cacheRole: role };
  return {
    type: inner.type,
    name: inner.name,
    identity: inner.identity,
    stats: () => inner.stats(),
    async chat(req: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
      const key = requestKey(identity, req);
      const hit = await cache.get(key);
      if (hit) return fromCache(hit);
      const r = await inner.chat(req, signal);
      await cache.set(key, toCache(r));
      return r;
    },
  };
}
