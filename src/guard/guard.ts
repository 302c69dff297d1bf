// The guard: builds scanner pipelines from a policy and runs them per direction.
//
// Every scanner sees the ORIGINAL text (plus shared normalised views) and reports findings with
// original offsets, so masks from several scanners combine without offset drift. The result's
// action is the most severe of the scanners' actions (block > confirm > mask > flag > allow).
import { pick } from '../core/i18n.ts';
import { normaliseView, type NormView } from './normalise.ts';
import { parsePolicy, validatePolicy, type GuardPolicy, type ScannerConfig } from './policy.ts';
import { ClassifierScanner, KeywordScanner, PiiScanner, RegexScanner, actionOf } from './scanners.ts';
import { JudgeScanner, type FetchLike } from './judge.ts';
import { evaluateToolCall, emptySession, type ToolCall, type ToolCallDecision, type ToolSessionState } from './agent.ts';
import type { CompiledLexicon, LexiconEntry } from './lexicon.ts';
import type { Action, AsyncScanner, CheckInput, Direction, Finding, GuardResult, ScanContext, Scanner, ScannerResult } from './types.ts';
import { ACTION_RANK } from './types.ts';
import { StreamScanner, type StreamOptions } from './stream.ts';

export interface GuardOptions {
  /** Directory that relative lexicon/model paths in the policy are resolved against first. */
  baseDir?: string;
  /** fetch used by judge scanners (inject for tests or proxies). */
  fetch?: FetchLike;
  /** Environment used to read judge API keys (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface Guard {
  readonly policy: GuardPolicy;
  /** Synchronous check with every sync scanner of the direction (judges are reported skipped). */
  check(input: CheckInput): GuardResult;
  /** Sync scanners, then (unless already blocked) the async judge scanners. */
  checkAsync(input: CheckInput & { prompt?: string }, opts?: { signal?: AbortSignal }): Promise<GuardResult>;
  /** A stream scanner for chunked output (or input) text. */
  stream(opts?: Partial<StreamOptions>): StreamScanner;
  /** The policy's tool-call rules (default: confirm everything when the policy has none). */
  evaluateToolCall(call: ToolCall, session?: ToolSessionState): ToolCallDecision;
}

// Views are lazy (normalise.ts NormView): scanners read the normalised code units in place and
// the string / offset maps are only built when a scanner asks for them.
class Context implements ScanContext {
  private n?: NormView;
  private l?: NormView;
  constructor(readonly text: string, readonly direction: Direction) {}
  get norm(): NormView { return (this.n ??= normaliseView(this.text, 'full')); }
  get light(): NormView { return (this.l ??= normaliseView(this.text, 'light')); }
}

function isCjkText(t: string): boolean {
  return /[\u3400-\u9fff]/.test(t);
}

/** Apply mask findings to the original text (overlapping spans are merged). */
export function applyMasks(text: string, findings: readonly Finding[]): string {
  const spans = findings.filter((f) => f.action === 'mask' && f.end > f.start)
    .map((f) => ({ s: f.start, e: f.end, r: f.replacement ?? '*'.repeat(f.end - f.start) }))
    .sort((a, b) => a.s - b.s || b.e - a.e);
  let out = '';
  let pos = 0;
  for (const sp of spans) {
    if (sp.s < pos) continue; // inside a span already masked
    out += text.slice(pos, sp.s) + sp.r;
    pos = sp.e;
  }
  return out + text.slice(pos);
}

type Pipeline = { sync: Scanner[]; judges: AsyncScanner[]; order: (Scanner | AsyncScanner)[] };

function build(configs: readonly ScannerConfig[], opts: GuardOptions, lexCache: Map<string, LexiconEntry[]>, compiledCache: Map<string, CompiledLexicon>): Pipeline {
  const p: Pipeline = { sync: [], judges: [], order: [] };
  for (const c of configs) {
    let s: Scanner | AsyncScanner;
    switch (c.type) {
      case 'keyword': s = new KeywordScanner(c, { ...(opts.baseDir ? { baseDir: opts.baseDir } : {}), lexiconCache: lexCache, compiledCache }); break;
      case 'pii': s = new PiiScanner(c); break;
      case 'regex': s = new RegexScanner(c); break;
      case 'classifier': s = new ClassifierScanner(c, opts.baseDir ? { baseDir: opts.baseDir } : {}); break;
      case 'judge': s = new JudgeScanner(c, { ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.env ? { env: opts.env } : {}) }); break;
    }
    if ('scanAsync' in s) p.judges.push(s); else p.sync.push(s);
    p.order.push(s);
  }
  return p;
}

class GuardImpl implements Guard {
  readonly policy: GuardPolicy;
  private readonly pipes: Record<Direction, Pipeline>;

  constructor(policy: GuardPolicy, private readonly opts: GuardOptions) {
    this.policy = policy;
    const cache = new Map<string, LexiconEntry[]>();
    const compiled = new Map<string, CompiledLexicon>();
    this.pipes = { input: build(policy.input, opts, cache, compiled), output: build(policy.output, opts, cache, compiled) };
  }

  private runSync(ctx: Context, results: ScannerResult[], replies: Map<string, Scanner | AsyncScanner>): boolean {
    const pipe = this.pipes[ctx.direction];
    for (const s of pipe.sync) {
      const t0 = performance.now();
      const out = s.scan(ctx);
      const action = actionOf(out);
      // (categories are only collected when the scanner acts: most scanners allow most texts)
      const cats = action === 'allow' ? [] : out.categories ?? [...new Set(out.findings.map((f) => f.category))];
      results.push({ name: s.name, type: s.type, action, score: out.score, categories: cats, findings: out.findings, ms: performance.now() - t0 });
      replies.set(s.name, s);
      if (action === 'block' && this.policy.failFast) return true;
    }
    return false;
  }

  private finish(ctx: Context, input: CheckInput, results: ScannerResult[], replies: Map<string, Scanner | AsyncScanner>, t0: number): GuardResult {
    let action: Action = 'allow';
    const cats: string[] = [];
    const masks: Finding[] = [];
    for (const r of results) {
      if (ACTION_RANK[r.action] > ACTION_RANK[action]) action = r.action;
      for (const c of r.categories) if (!cats.includes(c)) cats.push(c);
      for (const f of r.findings) if (f.action === 'mask') masks.push(f);
    }
    const res: GuardResult = { action, categories: cats, scanners: results, ms: 0 };
    if (action === 'block') {
      const locale = input.locale ?? (isCjkText(input.text) ? 'zh' : 'en');
      const blocker = results.find((r) => r.action === 'block');
      const custom = blocker ? replies.get(blocker.name)?.reply : undefined;
      res.reply = pick(custom ?? this.policy.blockReply, locale);
    } else if (masks.length) {
      res.text = applyMasks(ctx.text, masks);
    }
    res.ms = performance.now() - t0;
    return res;
  }

  check(input: CheckInput): GuardResult {
    const t0 = performance.now();
    const ctx = new Context(input.text, input.direction);
    const results: ScannerResult[] = [];
    const replies = new Map<string, Scanner | AsyncScanner>();
    this.runSync(ctx, results, replies);
    for (const j of this.pipes[input.direction].judges) {
      results.push({ name: j.name, type: j.type, action: 'allow', score: 0, categories: [], findings: [], ms: 0, skipped: true });
    }
    return this.finish(ctx, input, results, replies, t0);
  }

  async checkAsync(input: CheckInput & { prompt?: string }, o: { signal?: AbortSignal } = {}): Promise<GuardResult> {
    const t0 = performance.now();
    const ctx = new Context(input.text, input.direction);
    const results: ScannerResult[] = [];
    const replies = new Map<string, Scanner | AsyncScanner>();
    const stopped = this.runSync(ctx, results, replies);
    const blocked = stopped || results.some((r) => r.action === 'block');
    const judges = this.pipes[input.direction].judges;
    if (blocked) {
      for (const j of judges) results.push({ name: j.name, type: j.type, action: 'allow', score: 0, categories: [], findings: [], ms: 0, skipped: true });
    } else {
      const jctx = Object.assign(Object.create(ctx) as Context, input.prompt !== undefined ? { prompt: input.prompt } : {});
      const outs = await Promise.all(judges.map(async (j) => {
        const t1 = performance.now();
        const out = await j.scanAsync(jctx, o.signal);
        return { j, out, ms: performance.now() - t1 };
      }));
      for (const { j, out, ms } of outs) {
        const action = actionOf(out);
        results.push({ name: j.name, type: j.type, action, score: out.score, categories: action === 'allow' ? [] : (out.categories ?? []), findings: out.findings, ms, ...(out.error ? { error: out.error } : {}) });
        replies.set(j.name, j);
      }
    }
    return this.finish(ctx, input, results, replies, t0);
  }

  stream(opts: Partial<StreamOptions> = {}): StreamScanner {
    return new StreamScanner(this, opts);
  }

  evaluateToolCall(call: ToolCall, session: ToolSessionState = emptySession()): ToolCallDecision {
    const tools = this.policy.tools ?? { default: 'confirm' as const, rules: [], limits: [] };
    return evaluateToolCall(tools, call, session);
  }
}

/** Create a guard from a policy object or policy YAML text. */
export function createGuard(policy: GuardPolicy | string, opts: GuardOptions = {}): Guard {
  const p = typeof policy === 'string' ? parsePolicy(policy) : validatePolicy(policy);
  return new GuardImpl(p, opts);
}
