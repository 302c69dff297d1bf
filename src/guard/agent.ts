// Agent tier: a pure tool-call policy. Rules match a tool by name (glob) and, optionally, by
// argument patterns (RE2, linear time) on values selected with a small JSON-path subset; the
// first matching rule decides. Per-session limits count calls per tool. Pending confirmations
// are the gateway's job: this module only returns the decision and the next session state.
import { z } from 'zod';
import { RE2JS } from 're2js';
import { BilingualSchema, type Bilingual } from '../core/i18n.ts';

const Decision = z.enum(['allow', 'deny', 'confirm'], { error: 'must be one of allow, deny, confirm' });
const Glob = z.string().min(1);

export const ToolArgConditionSchema = z.object({
  /** JSON path into the arguments: `$.cmd`, `$.files[0].path`, `$.items[*].url`, `$..url`. */
  path: z.string().regex(/^\$/, 'must start with $'),
  /** RE2 pattern tested against each selected value (strings as is, other values as JSON). */
  pattern: z.string().min(1),
  caseInsensitive: z.boolean().default(false),
  /** Match when NO selected value matches (e.g. a URL outside an allowed host). */
  negate: z.boolean().default(false),
}).strict();

export const ToolRuleSchema = z.object({
  id: z.string().min(1).optional(),
  tool: z.union([Glob, z.array(Glob).min(1)]),
  args: z.array(ToolArgConditionSchema).default([]),
  decision: Decision,
  reason: BilingualSchema.optional(),
}).strict();

export const ToolLimitSchema = z.object({
  tool: Glob,
  /** Maximum calls of each matching tool per session. */
  max: z.number().int().nonnegative(),
  decision: z.enum(['deny', 'confirm']).default('deny'),
}).strict();

export const ToolPolicySchema = z.object({
  default: Decision.default('confirm'),
  rules: z.array(ToolRuleSchema).default([]),
  limits: z.array(ToolLimitSchema).default([]),
  /** Maximum tool calls of any kind per session. */
  maxCallsPerSession: z.number().int().positive().optional(),
}).strict();

export type ToolPolicy = z.output<typeof ToolPolicySchema>;
export type ToolPolicyInput = z.input<typeof ToolPolicySchema>;
export type ToolDecision = 'allow' | 'deny' | 'confirm';

export interface ToolCall {
  name: string;
  /** Parsed arguments, or the JSON string an OpenAI-style tool call carries. */
  arguments?: unknown;
}

export interface ToolSessionState {
  counts: Record<string, number>;
  total: number;
}

export interface ToolCallDecision {
  decision: ToolDecision;
  /** Rule id (or `rule[i]`, `limit[i]`, `maxCallsPerSession`, `default`) that decided. */
  rule: string;
  reason: Bilingual;
  categories: string[];
  /** The session state after this call, if the gateway lets it run (deny leaves it as is). */
  nextState: ToolSessionState;
}

export function emptySession(): ToolSessionState {
  return { counts: {}, total: 0 };
}

// ------------------------------------------------------------------ helpers

/** Glob over tool names: `*` any run of characters, `?` one character. Linear-time matcher. */
export function globMatch(glob: string, name: string): boolean {
  let g = 0, n = 0, star = -1, mark = 0;
  while (n < name.length) {
    if (g < glob.length && (glob[g] === '?' || glob[g] === name[n])) { g++; n++; }
    else if (g < glob.length && glob[g] === '*') { star = g++; mark = n; }
    else if (star >= 0) { g = star + 1; n = ++mark; }
    else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

type Step = { key: string } | { index: number } | { wild: true } | { deep: string };

function parsePath(path: string): Step[] {
  const steps: Step[] = [];
  const re = /\.\.([A-Za-z0-9_$-]+)|\.([A-Za-z0-9_$-]+)|\.\*|\[(\d+)\]|\[\*\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const at = re.lastIndex;
    const m = re.exec(path);
    if (!m) throw new Error(`invalid JSON path "${path}" at position ${at}`);
    if (m[1] !== undefined) steps.push({ deep: m[1] });
    else if (m[2] !== undefined) steps.push({ key: m[2] });
    else if (m[3] !== undefined) steps.push({ index: Number(m[3]) });
    else if (m[4] !== undefined) steps.push({ key: m[4] });
    else if (m[5] !== undefined) steps.push({ key: m[5] });
    else steps.push({ wild: true });
  }
  return steps;
}

function collectDeep(v: unknown, key: string, out: unknown[]): void {
  if (Array.isArray(v)) { for (const x of v) collectDeep(x, key, out); return; }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === key) out.push(x);
      collectDeep(x, key, out);
    }
  }
}

/** Values selected by a JSON path (subset: `.key`, `['key']`, `[n]`, `[*]`, `.*`, `..key`). */
export function selectJsonPath(root: unknown, path: string | Step[]): unknown[] {
  const steps = typeof path === 'string' ? parsePath(path) : path;
  let cur: unknown[] = [root];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('key' in s) { if (v && typeof v === 'object' && !Array.isArray(v) && s.key in v) next.push((v as Record<string, unknown>)[s.key]); }
      else if ('index' in s) { if (Array.isArray(v) && s.index < v.length) next.push(v[s.index]); }
      else if ('wild' in s) { if (Array.isArray(v)) next.push(...v); else if (v && typeof v === 'object') next.push(...Object.values(v)); }
      else collectDeep(v, s.deep, next);
    }
    cur = next;
  }
  return cur;
}

interface CompiledCondition { steps: Step[]; re: RE2JS; negate: boolean }
interface CompiledPolicy { conditions: CompiledCondition[][] }
const compiledCache = new WeakMap<ToolPolicy, CompiledPolicy>();

function compile(policy: ToolPolicy): CompiledPolicy {
  let c = compiledCache.get(policy);
  if (c) return c;
  c = {
    conditions: policy.rules.map((r, i) => r.args.map((a, j) => {
      let re: RE2JS;
      try { re = RE2JS.compile(a.pattern, a.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0); }
      catch (e) { throw new Error(`tools.rules[${i}].args[${j}].pattern: ${(e as Error).message}`); }
      return { steps: parsePath(a.path), re, negate: a.negate };
    })),
  };
  compiledCache.set(policy, c);
  return c;
}

function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? '';
}

/** Parse and validate a tool policy (throws on invalid patterns or paths). */
export function parseToolPolicy(obj: unknown): ToolPolicy {
  const p = ToolPolicySchema.parse(obj);
  compile(p);
  return p;
}

// ------------------------------------------------------------------ evaluation

const REASONS = {
  rule: (id: string): Bilingual => ({ zh: `命中工具调用规则 ${id}`, en: `matched tool-call rule ${id}` }),
  limit: (tool: string, max: number): Bilingual => ({ zh: `工具 ${tool} 在本会话中的调用次数已达上限 ${max}`, en: `tool ${tool} reached its limit of ${max} calls in this session` }),
  total: (max: number): Bilingual => ({ zh: `本会话的工具调用总数已达上限 ${max}`, en: `this session reached its limit of ${max} tool calls` }),
  dflt: (d: ToolDecision): Bilingual => ({ zh: `未命中任何规则，采用默认决定（${d}）`, en: `no rule matched; default decision (${d})` }),
  badArgs: { zh: '工具参数不是有效的 JSON', en: 'tool arguments are not valid JSON' } as Bilingual,
};

/** Decide a tool call. Pure: `session` is not modified; use `nextState` once the call runs. */
export function evaluateToolCall(policy: ToolPolicy, call: ToolCall, session: ToolSessionState = emptySession()): ToolCallDecision {
  const compiled = compile(policy);
  let args: unknown = call.arguments ?? {};
  const cats = ['owasp-llm-2025.LLM06'];
  if (typeof args === 'string') {
    try { args = args.trim() === '' ? {} : JSON.parse(args); }
    catch { return { decision: 'deny', rule: 'arguments', reason: REASONS.badArgs, categories: cats, nextState: session }; }
  }
  let decision: ToolDecision = policy.default;
  let rule = 'default';
  let reason: Bilingual = REASONS.dflt(policy.default);
  for (let i = 0; i < policy.rules.length; i++) {
    const r = policy.rules[i]!;
    const globs = Array.isArray(r.tool) ? r.tool : [r.tool];
    if (!globs.some((g) => globMatch(g, call.name))) continue;
    const conds = compiled.conditions[i]!;
    const ok = conds.every((c) => {
      const vals = selectJsonPath(args, c.steps);
      const any = vals.some((v) => c.re.matcher(asText(v)).find());
      return c.negate ? !any : any;
    });
    if (!ok) continue;
    decision = r.decision;
    rule = r.id ?? `rule[${i}]`;
    reason = r.reason ?? REASONS.rule(rule);
    break;
  }
  if (decision !== 'deny') {
    if (policy.maxCallsPerSession !== undefined && session.total >= policy.maxCallsPerSession) {
      return { decision: 'deny', rule: 'maxCallsPerSession', reason: REASONS.total(policy.maxCallsPerSession), categories: cats, nextState: session };
    }
    const used = session.counts[call.name] ?? 0;
    for (let i = 0; i < policy.limits.length; i++) {
      const l = policy.limits[i]!;
      if (globMatch(l.tool, call.name) && used >= l.max) {
        if (l.decision === 'deny') return { decision: 'deny', rule: `limit[${i}]`, reason: REASONS.limit(call.name, l.max), categories: cats, nextState: session };
        decision = 'confirm'; rule = `limit[${i}]`; reason = REASONS.limit(call.name, l.max);
      }
    }
  }
  const nextState = decision === 'deny' ? session : {
    counts: { ...session.counts, [call.name]: (session.counts[call.name] ?? 0) + 1 },
    total: session.total + 1,
  };
  return { decision, rule, reason, categories: decision === 'allow' ? [] : cats, nextState };
}
