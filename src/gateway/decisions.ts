// The decision log, written off the request path. `record()` only appends to a bounded in-memory
// buffer; one flusher writes batches to the store. When the store fails (or is too slow), the
// batch goes to a JSONL spill file in the data dir and is replayed once the store answers again.
// Inserts are idempotent by decision id, so a batch that reached the store AND the spill file is
// never counted twice. On start, spill files left by a previous process are replayed too.
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { GatewayDecision } from '../store/index.ts';

export interface DecisionSink {
  insert(batch: GatewayDecision[]): Promise<void>;
}

export interface DecisionLogOptions {
  dir: string;
  flushMs: number;
  batchSize: number;
  maxBuffer: number;
  insertTimeoutMs: number;
  retryMs: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

const ACTIVE = 'decisions-spill.jsonl';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`store did not answer within ${ms} ms`)), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });
}

export class DecisionLog {
  private buffer: GatewayDecision[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private spillChain: Promise<void> = Promise.resolve();
  private storeDownSince = 0;
  private nextAttempt = 0;
  private closed = false;
  readonly counters = { recorded: 0, written: 0, spilled: 0, replayed: 0, failures: 0 };
  /** Tests wrap the sink to simulate an outage. */
  sink: DecisionSink;

  constructor(sink: DecisionSink, private readonly opts: DecisionLogOptions) {
    this.sink = sink;
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    this.timer = setInterval(() => void this.flush(), opts.flushMs);
    this.timer.unref();
  }

  /** Never blocks and never throws: the request path calls this and moves on. */
  record(d: GatewayDecision): void {
    this.counters.recorded++;
    this.buffer.push(d);
    if (this.buffer.length >= this.opts.maxBuffer) {
      // The flusher is behind (store slow or down): move the overflow to disk, in the background.
      this.spill(this.buffer.splice(0));
    } else if (this.buffer.length >= this.opts.batchSize && !this.flushing) {
      void this.flush();
    }
  }

  get pending(): number {
    return this.buffer.length;
  }
  get storeDown(): boolean {
    return this.storeDownSince > 0;
  }

  private spill(batch: GatewayDecision[]): void {
    if (!batch.length) return;
    this.counters.spilled += batch.length;
    const text = batch.map((d) => JSON.stringify(d)).join('\n') + '\n';
    this.spillChain = this.spillChain.then(() =>
      appendFile(join(this.opts.dir, ACTIVE), text, { mode: 0o600 }).catch((e) => {
        // Last resort: keep them in memory rather than drop them.
        this.buffer.unshift(...batch);
        this.opts.log?.('error', 'could not write the decision spill file', { error: (e as Error).message });
      }),
    );
  }

  /** One flush at a time: write the buffer in batches; on failure spill and retry later. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const now = Date.now();
    if (this.storeDownSince && now < this.nextAttempt && !this.closed) {
      // Store known down: keep memory bounded by spilling what accumulated.
      if (this.buffer.length >= this.opts.batchSize) this.spill(this.buffer.splice(0));
      return;
    }
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, this.opts.batchSize);
      try {
        await withTimeout(this.sink.insert(batch), this.opts.insertTimeoutMs);
        this.counters.written += batch.length;
        if (this.storeDownSince) {
          this.opts.log?.('info', 'decision store is back; replaying spilled decisions', { downMs: Date.now() - this.storeDownSince });
          this.storeDownSince = 0;
        }
      } catch (e) {
        this.counters.failures++;
        this.spill(batch);
        this.spill(this.buffer.splice(0));
        if (!this.storeDownSince) {
          this.storeDownSince = Date.now();
          this.opts.log?.('warn', 'decision store unavailable; spilling decisions to disk', { error: (e as Error).message });
        }
        this.nextAttempt = Date.now() + this.opts.retryMs;
        return;
      }
    }
    if (!this.storeDownSince) await this.replay();
  }

  private spillFiles(): string[] {
    if (!existsSync(this.opts.dir)) return [];
    return readdirSync(this.opts.dir).filter((f) => /^decisions-spill(\.\d+-\d+\.replay)?\.jsonl$/.test(f)).sort();
  }

  /** Replays spill files (oldest first). The active file is renamed first so new spills go to a fresh one. */
  private async replay(): Promise<void> {
    const files = this.spillFiles();
    if (!files.length) return;
    await this.spillChain; // let pending appends land before the rename
    for (const f of files) {
      let path = join(this.opts.dir, f);
      if (f === ACTIVE) {
        const to = join(this.opts.dir, `decisions-spill.${Date.now()}-${process.pid}.replay.jsonl`);
        renameSync(path, to);
        path = to;
      }
      let batch: GatewayDecision[] = [];
      try {
        const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
        for await (const line of rl) {
          if (!line.trim()) continue;
          try {
            batch.push(JSON.parse(line) as GatewayDecision);
          } catch {
            continue; // a torn last line from a crash mid-write
          }
          if (batch.length >= this.opts.batchSize) {
            await withTimeout(this.sink.insert(batch), this.opts.insertTimeoutMs);
            this.counters.replayed += batch.length;
            batch = [];
          }
        }
        if (batch.length) await withTimeout(this.sink.insert(batch), this.opts.insertTimeoutMs);
        this.counters.replayed += batch.length;
        rmSync(path, { force: true });
      } catch (e) {
        // Still failing: leave the file for the next attempt (re-inserting its head is harmless).
        this.storeDownSince = this.storeDownSince || Date.now();
        this.nextAttempt = Date.now() + this.opts.retryMs;
        this.counters.failures++;
        this.opts.log?.('warn', 'replaying spilled decisions failed; will retry', { error: (e as Error).message });
        return;
      }
    }
  }

  status() {
    return { ...this.counters, pending: this.buffer.length, storeDown: this.storeDown, spillFiles: this.spillFiles().length };
  }

  /** Flush what is buffered (or spill it) and stop the timer. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
    if (this.buffer.length) this.spill(this.buffer.splice(0));
    await this.spillChain;
  }
}
