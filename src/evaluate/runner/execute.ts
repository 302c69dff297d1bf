/** Runs one (case × attack chain): transform, call (or cache), post-process, score → one result line. */
import { applyChain, type AttackChain, type AttackHelpers } from '../attacks/index.ts';
import { scrub } from '../redact.ts';
import { scoreCase, type ScoreOptions } from '../scorers/index.ts';
import { caseMessages, lastUserText } from '../suites/messages.ts';
import { TargetError, toCaseError, type ChatRequest, type ChatResult, type Target } from '../targets/index.ts';
import type { Case, Message, ResultLine, Usage } from '../types.ts';
import { fromCache, requestKey, toCache, type ResponseCache } from './cache.ts';

export interface ExecuteContext {
  target: Target | undefined;
  helpers: AttackHelpers;
  score: ScoreOptions;
  cache: ResponseCache | undefined;
  signal?: AbortSignal;
  maxTextChars: number;
  offline: boolean;
}

export type Outcome = { kind: 'line'; line: ResultLine } | { kind: 'skipped' } | { kind: 'aborted' };

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…[${s.length - n} more chars]` : s;
}

async function cachedChat(ctx: ExecuteContext, req: ChatRequest): Promise<ChatResult & { cached?: boolean }> {
  if (!ctx.target) throw new TargetError('config', 'no target configured');
  const key = ctx.cache ? requestKey(ctx.target.identity, req) : '';
  if (ctx.cache) {
    const hit = await ctx.cache.get(key);
    if (hit) return fromCache(hit);
  }
  const r = await ctx.target.chat(req, ctx.signal);
  if (ctx.cache) await ctx.cache.set(key, toCache(r));
  return r;
}

export async function executeCase(c: Case, chain: AttackChain, id: string, ctx: ExecuteContext): Promise<Outcome> {
  const base: Omit<ResultLine, 'verdict' | 'at'> = {
    id,
    caseId: c.id,
    ...(chain.id ? { attack: chain.id } : {}),
    categories: c.categories,
    expect: c.expect,
    ...(c.group ? { group: c.group } : {}),
    ...(c.group && c.metadata?.['variant'] !== undefined ? { variant: String(c.metadata['variant']) } : {}),
    ...(c.lang ? { lang: c.lang } : {}),
  };
  let prepared;
  try {
    prepared = await applyChain(c, chain, ctx.helpers, ctx.signal);
  } catch (e) {
    if (ctx.signal?.aborted || (e instanceof TargetError && e.kind === 'aborted')) return { kind: 'aborted' };
    const err = e instanceof TargetError ? e.toCaseError() : { kind: 'attack' as const, message: scrub((e as Error).message).slice(0, 500) };
    return { kind: 'line', line: { ...base, verdict: 'could-not-score', error: err, at: new Date().toISOString() } };
  }
  if (!prepared) return { kind: 'skipped' };
  const pc = prepared.case;
  const line: ResultLine = { ...base, expect: pc.expect, verdict: 'could-not-score', prompt: clip(scrub(lastUserText(pc)), ctx.maxTextChars), at: '' };
  let text: string;
  let usage: Usage | undefined;
  try {
    if (ctx.offline) {
      if (typeof c.response !== 'string') throw new TargetError('config', 'offline item has no response');
      text = c.response;
    } else if (prepared.converse) {
      let inTok = 0;
      let outTok = 0;
      let cost = 0;
      let anyCached = false;
      const conv = await prepared.converse(async (messages: Message[]) => {
        const r = await cachedChat(ctx, { messages });
        inTok += r.usage.inputTokens;
        outTok += r.usage.outputTokens;
        cost += r.costUsd ?? 0;
        anyCached ||= r.cached === true;
        return r;
      });
      text = conv.last.text;
      usage = { inputTokens: inTok, outputTokens: outTok };
      line.turns = conv.turns;
      line.latencyMs = conv.last.latencyMs;
      if (cost) line.costUsd = cost;
      if (anyCached) line.cached = true;
    } else {
      const r = await cachedChat(ctx, { messages: caseMessages(pc) });
      text = r.text;
      usage = r.usage;
      line.latencyMs = r.latencyMs;
      if (r.costUsd !== undefined) line.costUsd = r.costUsd;
      if (r.cached) line.cached = true;
    }
    for (const pp of prepared.postprocess) text = await pp(text);
  } catch (e) {
    const err = toCaseError(e);
    if (err.kind === 'aborted' || ctx.signal?.aborted) return { kind: 'aborted' };
    return { kind: 'line', line: { ...line, ...(usage ? { usage } : {}), error: err, at: new Date().toISOString() } };
  }
  if (usage) line.usage = usage;
  line.response = clip(scrub(text), ctx.maxTextChars);
  let verdict;
  try {
    verdict = await scoreCase(pc, text, { ...ctx.score, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  } catch (e) {
    if (ctx.signal?.aborted) return { kind: 'aborted' };
    verdict = { verdict: 'could-not-score' as const, scorer: 'error', reason: scrub(`scorer failed: ${(e as Error).message}`).slice(0, 300) };
  }
  line.verdict = verdict.verdict;
  if (verdict.verdict !== 'could-not-score') line.pass = verdict.verdict === 'pass';
  line.scorer = verdict.reason ? { ...verdict, reason: scrub(verdict.reason) } : verdict;
  line.at = new Date().toISOString();
  return { kind: 'line', line };
}
