// Output side: checking what the model returns. Whole responses are checked per choice; streams
// go through the guard's StreamScanner per choice (it rescans an overlap behind the released
// point and holds that much back, so a term split across chunks is still caught). Tool calls are
// held until the choice finishes and then go through the agent tier.
import { StreamScanner, type Action, type GuardResult } from '../guard/index.ts';
import { ACTION_RANK } from '../guard/index.ts';
import type { CompiledPolicy } from './policies.ts';

type Json = any;

export interface ScanSummary {
  action: Action;
  categories: string[];
  scanners: { name: string; action: string; ms: number }[];
  guardMs: number;
}

export function emptySummary(): ScanSummary {
  return { action: 'allow', categories: [], scanners: [], guardMs: 0 };
}

/** Folds one guard result into a running summary (most severe action, union of categories, ms per scanner). */
export function fold(s: ScanSummary, r: Pick<GuardResult, 'action' | 'categories' | 'scanners' | 'ms'>): ScanSummary {
  if (ACTION_RANK[r.action] > ACTION_RANK[s.action]) s.action = r.action;
  for (const c of r.categories) if (!s.categories.includes(c)) s.categories.push(c);
  for (const x of r.scanners) {
    const cur = s.scanners.find((y) => y.name === x.name);
    if (cur) {
      cur.ms += x.ms;
      if (ACTION_RANK[x.action] > ACTION_RANK[cur.action as Action]) cur.action = x.action;
    } else s.scanners.push({ name: x.name, action: x.action, ms: x.ms });
  }
  s.guardMs += r.ms;
  return s;
}

export interface ToolCallIn {
  id: string;
  name: string;
  arguments: string;
}
/** Decides tool calls: which to release, and a note for the ones held back. */
export type ToolGate = (calls: ToolCallIn[]) => Promise<{ release: ToolCallIn[]; note?: string; action: Action; categories: string[] }>;

export interface OutputContext {
  policy: CompiledPolicy;
  kind: 'chat' | 'completion';
  toolGate: ToolGate;
  requestId: string;
}

function labelled(text: string, p: CompiledPolicy): string {
  const l = p.gateway.label;
  if (!l.enabled) return text;
  return l.position === 'start' ? `${l.text}\n\n${text}` : `${text}\n\n${l.text}`;
}

/** Filters a whole (non-streamed) completion in place; returns what was decided. */
export async function filterResponse(resp: Json, ctx: OutputContext): Promise<{ summary: ScanSummary; text: string }> {
  const summary = emptySummary();
  let all = '';
  for (const choice of resp?.choices ?? []) {
    const msg = ctx.kind === 'chat' ? (choice.message ??= {}) : choice;
    const field = ctx.kind === 'chat' ? 'content' : 'text';
    const text = typeof msg[field] === 'string' ? (msg[field] as string) : '';
    let blocked = false;
    if (text) {
      all += text;
      const r = ctx.policy.guard.check({ text, direction: 'output' });
      fold(summary, r);
      if (r.action === 'block' || r.action === 'confirm') {
        blocked = true;
        msg[field] = r.reply ?? ctx.policy.guard.policy.blockReply.en;
        choice.finish_reason = 'content_filter';
        if (ctx.kind === 'chat') delete msg.tool_calls;
      } else if (r.text !== undefined) msg[field] = r.text;
    }
    if (!blocked && ctx.kind === 'chat' && Array.isArray(msg.tool_calls) && msg.tool_calls.length) {
      const calls: ToolCallIn[] = msg.tool_calls.map((t: Json) => ({ id: t.id, name: t.function?.name ?? '', arguments: typeof t.function?.arguments === 'string' ? t.function.arguments : JSON.stringify(t.function?.arguments ?? {}) }));
      const g = await ctx.toolGate(calls);
      if (ACTION_RANK[g.action] > ACTION_RANK[summary.action]) summary.action = g.action;
      for (const c of g.categories) if (!summary.categories.includes(c)) summary.categories.push(c);
      const keep = new Set(g.release.map((c) => c.id));
      msg.tool_calls = msg.tool_calls.filter((t: Json) => keep.has(t.id));
      if (!msg.tool_calls.length) {
        delete msg.tool_calls;
        if (choice.finish_reason === 'tool_calls') choice.finish_reason = 'stop';
      }
      if (g.note) msg.content = (typeof msg.content === 'string' && msg.content ? msg.content + '\n\n' : '') + g.note;
    }
    if (!blocked && typeof msg[field] === 'string' && msg[field]) msg[field] = labelled(msg[field], ctx.policy);
  }
  return { summary, text: all };
}

interface ChoiceState {
  scanner: StreamScanner;
  started: boolean;
  tools: Map<number, ToolCallIn>;
  finished: boolean;
}

/**
 * Streaming filter. `chunk()` takes one upstream chunk and returns the chunks to send on;
 * `blocked` tells the caller to stop (the last returned chunk is the final block event).
 */
export class StreamFilter {
  private choices = new Map<number, ChoiceState>();
  private meta: { id?: string; object?: string; created?: number; model?: string } = {};
  readonly summary = emptySummary();
  blocked = false;
  text = '';

  constructor(private readonly ctx: OutputContext) {}

  private state(index: number): ChoiceState {
    let s = this.choices.get(index);
    if (!s) {
      s = { scanner: this.ctx.policy.guard.stream({ direction: 'output', overlap: this.ctx.policy.gateway.streamOverlap }), started: false, tools: new Map(), finished: false };
      this.choices.set(index, s);
    }
    return s;
  }

  private out(index: number, body: Json, finish: string | null = null, extra: Json = {}): Json {
    const choice = this.ctx.kind === 'chat' ? { index, delta: body, logprobs: null, finish_reason: finish } : { index, text: body.content ?? '', logprobs: null, finish_reason: finish };
    return { id: this.meta.id, object: this.meta.object ?? (this.ctx.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion'), created: this.meta.created ?? Math.floor(Date.now() / 1000), model: this.meta.model, choices: [choice], ...extra };
  }

  private track(u: { action: Action; categories: string[]; result?: GuardResult }): void {
    if (u.result) fold(this.summary, { ...u.result, categories: [] });
    if (ACTION_RANK[u.action] > ACTION_RANK[this.summary.action]) this.summary.action = u.action;
    for (const c of u.categories) if (!this.summary.categories.includes(c)) this.summary.categories.push(c);
  }

  private release(index: number, s: ChoiceState, text: string): Json[] {
    if (!text) return [];
    let t = text;
    const l = this.ctx.policy.gateway.label;
    if (!s.started && l.enabled && l.position === 'start') t = `${l.text}\n\n${t}`;
    s.started = true;
    return [this.out(index, { content: t })];
  }

  private blockEvent(index: number, reply: string | undefined, s: ChoiceState): Json[] {
    this.blocked = true;
    const r = reply ?? this.ctx.policy.guard.policy.blockReply.en;
    return [this.out(index, { content: (s.started ? '\n\n' : '') + r }, 'content_filter', { zongheng: { action: 'block', categories: this.summary.categories, request_id: this.ctx.requestId } })];
  }

  /** One upstream chunk in, chunks out. */
  async chunk(c: Json): Promise<Json[]> {
    if (this.blocked) return [];
    if (c.id) this.meta = { id: c.id, object: c.object, created: c.created, model: c.model };
    const out: Json[] = [];
    if (!Array.isArray(c.choices) || c.choices.length === 0) return [c]; // usage-only chunk and the like
    for (const ch of c.choices) {
      const index = ch.index ?? 0;
      const s = this.state(index);
      const text = this.ctx.kind === 'chat' ? ch.delta?.content : ch.text;
      if (this.ctx.kind === 'chat' && ch.delta) {
        const { content: _c, tool_calls, ...rest } = ch.delta;
        for (const t of tool_calls ?? []) {
          const cur = s.tools.get(t.index ?? 0) ?? { id: '', name: '', arguments: '' };
          if (t.id) cur.id = t.id;
          if (t.function?.name) cur.name += t.function.name;
          if (t.function?.arguments) cur.arguments += t.function.arguments;
          s.tools.set(t.index ?? 0, cur);
        }
        if (Object.keys(rest).length) out.push({ ...c, choices: [{ ...ch, delta: rest, finish_reason: null }] });
      }
      if (typeof text === 'string' && text) {
        this.text += text;
        const u = s.scanner.push(text);
        this.track(u);
        if (u.blocked) return out.concat(this.blockEvent(index, u.reply, s));
        out.push(...this.release(index, s, u.flush));
      }
      if (ch.finish_reason) out.push(...(await this.finishChoice(index, s, ch.finish_reason, c.usage)));
      if (this.blocked) return out;
    }
    return out;
  }

  private async finishChoice(index: number, s: ChoiceState, finish: string, usage?: Json): Promise<Json[]> {
    if (s.finished) return [];
    s.finished = true;
    const out: Json[] = [];
    const u = s.scanner.end();
    this.track(u);
    if (u.blocked) return this.blockEvent(index, u.reply, s);
    out.push(...this.release(index, s, u.flush));
    let reason = finish;
    if (s.tools.size) {
      const calls = [...s.tools.values()];
      const g = await this.ctx.toolGate(calls);
      if (ACTION_RANK[g.action] > ACTION_RANK[this.summary.action]) this.summary.action = g.action;
      for (const c of g.categories) if (!this.summary.categories.includes(c)) this.summary.categories.push(c);
      if (g.release.length) {
        const entries = [...s.tools.entries()].filter(([, t]) => g.release.some((r) => r.id === t.id));
        out.push(this.out(index, { tool_calls: entries.map(([i, t]) => ({ index: i, id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })) }));
      } else if (reason === 'tool_calls') reason = 'stop';
      if (g.note) out.push(...this.release(index, s, (s.started ? '\n\n' : '') + g.note));
    }
    const l = this.ctx.policy.gateway.label;
    if (l.enabled && l.position === 'end' && s.started) out.push(this.out(index, { content: `\n\n${l.text}` }));
    out.push(this.out(index, {}, reason, usage ? { usage } : {}));
    return out;
  }

  /** The upstream ended: finish choices that never sent a finish_reason. */
  async end(): Promise<Json[]> {
    const out: Json[] = [];
    for (const [i, s] of this.choices) {
      if (this.blocked) break;
      out.push(...(await this.finishChoice(i, s, 'stop')));
    }
    return out;
  }
}
