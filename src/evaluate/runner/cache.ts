/**
 * Response cache: one small JSON file per request, keyed by a SHA-256 of the target's secret-free
 * identity and the exact messages and parameters. The directory is the caller's (e.g.
 * `$ZONGHENG_DATA_DIR/cache/eval`). Writes go through a temp file and rename.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { ChatRequest, ChatResult } from '../targets/index.ts';

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
