// Streaming scanner: checks text chunk by chunk (typically model output). Each push rescans a
// window that reaches `overlap` characters back into text already released, so a term split
// across chunks is still caught; a block is reported on the push that completes it. The last
// `overlap` characters are held back until more text arrives (or end()), so a PII value can be
// masked before any part of it is released.
import type { Action, Direction, Finding, GuardResult } from './types.ts';
import { ACTION_RANK } from './types.ts';

export interface StreamOptions {
  direction: Direction;
  /** Characters rescanned behind the released point and held back before release (default 64;
   * must exceed the longest lexicon term or PII value you need to catch across chunks). */
  overlap: number;
  /** Minimum characters of context given to each check, for classifiers (default 1024). */
  window: number;
  locale?: 'zh' | 'en';
}

export interface StreamUpdate {
  /** Most severe action so far. */
  action: Action;
  /** True once the stream is blocked; no more text will be released. */
  blocked: boolean;
  /** Text that is safe to send on now (masks applied). */
  flush: string;
  /** Safe reply to show instead, on the update that blocks. */
  reply?: string;
  /** Taxonomy ids seen so far. */
  categories: string[];
  /** The check of this update's window (findings in stream offsets). */
  result?: GuardResult;
}

interface Checker { check(input: { text: string; direction: Direction; locale?: 'zh' | 'en' }): GuardResult }

export class StreamScanner {
  private acc = '';
  private released = 0;
  private blockedFlag = false;
  private action: Action = 'allow';
  private readonly cats: string[] = [];
  private readonly opts: StreamOptions;

  constructor(private readonly guard: Checker, opts: Partial<StreamOptions> = {}) {
    this.opts = { direction: opts.direction ?? 'output', overlap: opts.overlap ?? 64, window: opts.window ?? 1024, ...(opts.locale ? { locale: opts.locale } : {}) };
  }

  /** All text received so far. */
  get text(): string { return this.acc; }
  get blocked(): boolean { return this.blockedFlag; }

  push(chunk: string): StreamUpdate {
    if (this.blockedFlag) return this.update('');
    this.acc += chunk;
    return this.step(false);
  }

  /** Scan what is left and release everything not blocked. */
  end(): StreamUpdate {
    if (this.blockedFlag) return this.update('');
    return this.step(true);
  }

  private update(flush: string, extra: Partial<StreamUpdate> = {}): StreamUpdate {
    return { action: this.action, blocked: this.blockedFlag, flush, categories: [...this.cats], ...extra };
  }

  private step(final: boolean): StreamUpdate {
    const { overlap, window } = this.opts;
    const start = Math.max(0, Math.min(this.released - overlap, this.acc.length - window));
    const res = this.guard.check({ text: this.acc.slice(start), direction: this.opts.direction, ...(this.opts.locale ? { locale: this.opts.locale } : {}) });
    // move findings into stream coordinates
    const findings: Finding[] = [];
    for (const s of res.scanners) for (const f of s.findings) { f.start += start; f.end += start; findings.push(f); }
    if (ACTION_RANK[res.action] > ACTION_RANK[this.action]) this.action = res.action;
    for (const c of res.categories) if (!this.cats.includes(c)) this.cats.push(c);
    if (res.action === 'block') {
      this.blockedFlag = true;
      return this.update('', { ...(res.reply !== undefined ? { reply: res.reply } : {}), result: res });
    }
    let until = final ? this.acc.length : Math.max(this.released, this.acc.length - overlap);
    const masks = findings.filter((f) => f.action === 'mask' && f.end > this.released).sort((a, b) => a.start - b.start);
    for (const m of masks) if (m.start < until && m.end > until) until = Math.max(this.released, m.start);
    let out = '';
    let pos = this.released;
    for (const m of masks) {
      if (m.start >= until || m.start < pos) continue;
      out += this.acc.slice(pos, m.start) + (m.replacement ?? '*'.repeat(m.end - m.start));
      pos = m.end;
    }
    if (pos < until) out += this.acc.slice(pos, until);
    this.released = Math.max(until, pos);
    return this.update(out, { result: res });
  }
}
