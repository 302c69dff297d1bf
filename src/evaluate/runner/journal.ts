/**
 * results.jsonl as an append-only journal. Lines are buffered and written with an fdatasync per
 * batch (by count or time). On resume the journal is replayed line by line; a torn last line left
 * by kill -9 is cut off so the file ends on a complete record.
 */
import { createReadStream, existsSync, promises as fsp } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ResultLine } from '../types.ts';

export interface JournalOptions {
  /** Flush after this many buffered lines (default 512). */
  batchLines?: number;
  /** …or after this long (default 250 ms). */
  batchMs?: number;
  /** fdatasync after each flush (default true). */
  sync?: boolean;
}

/** Streams complete records of an existing journal; truncates a torn tail. Returns the count. */
export async function replayJournal(path: string, onLine: (r: ResultLine) => void): Promise<{ lines: number; truncatedBytes: number }> {
  if (!existsSync(path)) return { lines: 0, truncatedBytes: 0 };
  const size = (await fsp.stat(path)).size;
  let goodBytes = 0;
  let lines = 0;
  let offset = 0;
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let torn = false;
  for await (const text of rl) {
    const bytes = Buffer.byteLength(text, 'utf8') + 1;
    offset += bytes;
    if (!text.trim()) {
      if (!torn) goodBytes = offset;
      continue;
    }
    let r: ResultLine | undefined;
    try {
      r = JSON.parse(text) as ResultLine;
    } catch {
      r = undefined;
    }
    if (!r || typeof r.id !== 'string') {
      torn = true; // everything from here on is discarded
      continue;
    }
    if (torn) continue;
    lines++;
    goodBytes = Math.min(offset, size);
    onLine(r);
  }
  // A complete last record without its newline is kept; Journal.open adds the newline.
  const truncatedBytes = size - goodBytes;
  if (truncatedBytes > 0) await fsp.truncate(path, goodBytes);
  return { lines, truncatedBytes };
}

export class Journal {
  private buf: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  written = 0;

  private constructor(
    private readonly fh: fsp.FileHandle,
    private readonly opts: Required<JournalOptions>,
  ) {}

  static async open(path: string, append: boolean, opts: JournalOptions = {}): Promise<Journal> {
    const fh = await fsp.open(path, append ? 'a' : 'w');
    const j = new Journal(fh, { batchLines: opts.batchLines ?? 512, batchMs: opts.batchMs ?? 250, sync: opts.sync ?? true });
    if (append) {
      const { size } = await fh.stat();
      if (size > 0) {
        const rh = await fsp.open(path, 'r');
        try {
          const b = Buffer.alloc(1);
          await rh.read(b, 0, 1, size - 1);
          if (b[0] !== 10) await fh.write('\n');
        } finally {
          await rh.close();
        }
      }
    }
    return j;
  }

  append(line: ResultLine): void {
    if (this.closed) throw new Error('journal is closed');
    this.buf.push(JSON.stringify(line));
    if (this.buf.length >= this.opts.batchLines) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.batchMs);
  }

  /** Writes buffered lines and syncs; flushes are serialised. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buf.length === 0) return this.chain;
    const data = this.buf.join('\n') + '\n';
    const n = this.buf.length;
    this.buf = [];
    this.chain = this.chain.then(async () => {
      await this.fh.write(data);
      if (this.opts.sync) await this.fh.datasync();
      this.written += n;
    });
    return this.chain;
  }

  /** Waits while too much is queued (backpressure for very fast targets). */
  get pending(): number {
    return this.buf.length;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.chain;
    await this.fh.close();
  }
}
