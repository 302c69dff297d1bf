import type { Bilingual, Locale } from '../i18n.ts';

/**
 * The one generic condition language of the rule files:
 *   { field: <name>, <op>: <operand> }  |  { all: [...] }  |  { any: [...] }  |  { not: {...} }
 * Conditions are compiled against a *scope* (the fields a rule file may test, with their types and
 * allowed values), so that a typo in a rule file is an error at load time, not a silent non-match.
 */

export type FieldType = 'enum' | 'enumArray' | 'number' | 'string' | 'stringArray';

export interface FieldDef<C> {
  type: FieldType;
  /** Allowed values of enum/enumArray fields. For ordered enums the order is the severity order. */
  values?: readonly string[];
  ordered?: boolean;
  /** Classification only: the derivation phase that produces this field (0 = a plain attribute). */
  phase?: number;
  get(ctx: C): unknown;
}
export type Scope<C> = Readonly<Record<string, FieldDef<C>>>;

export const OPS = ['equals', 'in', 'includesAny', 'includesAll', 'gte', 'lte', 'gt', 'lt', 'startsWith', 'exists'] as const;
export type Op = (typeof OPS)[number];
const COMPARE_OPS: readonly Op[] = ['gte', 'lte', 'gt', 'lt'];
const OP_SYMBOL: Record<string, string> = { gte: '≥', lte: '≤', gt: '>', lt: '<' };

function opsFor(def: FieldDef<unknown>): readonly Op[] {
  switch (def.type) {
    case 'enum':
      return def.ordered ? ['equals', 'in', 'exists', ...COMPARE_OPS] : ['equals', 'in', 'exists'];
    case 'enumArray':
    case 'stringArray':
      return ['includesAny', 'includesAll'];
    case 'number':
      return ['equals', 'in', 'exists', ...COMPARE_OPS];
    case 'string':
      return ['equals', 'in', 'startsWith', 'exists'];
  }
}

export type Condition =
  | { kind: 'all'; items: Condition[] }
  | { kind: 'any'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'leaf'; field: string; op: Op; operand: unknown };

export type Path = (string | number)[];
export interface Issue {
  path: Path;
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a raw (parsed YAML) condition against a scope; pushes problems to `issues` with their path. */
export function compileCondition<C>(raw: unknown, scope: Scope<C>, path: Path, issues: Issue[]): Condition | undefined {
  if (!isRecord(raw)) {
    issues.push({ path, message: 'a condition must be an object: {field, <op>}, {all: [...]}, {any: [...]} or {not: {...}}' });
    return undefined;
  }
  const keys = Object.keys(raw);
  for (const combinator of ['all', 'any'] as const) {
    if (combinator in raw) {
      if (keys.length !== 1) {
        issues.push({ path, message: `"${combinator}" must be the only key of its condition (found ${keys.join(', ')})` });
        return undefined;
      }
      const list = raw[combinator];
      if (!Array.isArray(list) || list.length === 0) {
        issues.push({ path: [...path, combinator], message: `"${combinator}" needs a non-empty list of conditions` });
        return undefined;
      }
      const items = list.map((c, i) => compileCondition(c, scope, [...path, combinator, i], issues));
      return items.every((c): c is Condition => c !== undefined) ? { kind: combinator, items } : undefined;
    }
  }
  if ('not' in raw) {
    if (keys.length !== 1) {
      issues.push({ path, message: `"not" must be the only key of its condition (found ${keys.join(', ')})` });
      return undefined;
    }
    const item = compileCondition(raw.not, scope, [...path, 'not'], issues);
    return item ? { kind: 'not', item } : undefined;
  }
  if (!('field' in raw)) {
    issues.push({ path, message: `unknown condition keys ${keys.join(', ')}; use {field, <op>}, all, any or not` });
    return undefined;
  }
  const field = raw.field;
  const def = typeof field === 'string' ? scope[field] : undefined;
  if (typeof field !== 'string' || !def) {
    issues.push({ path: [...path, 'field'], message: `unknown field ${JSON.stringify(field)}; allowed: ${Object.keys(scope).join(', ')}` });
    return undefined;
  }
  const opKeys = keys.filter((k) => k !== 'field');
  const allowed = opsFor(def as FieldDef<unknown>);
  if (opKeys.length !== 1) {
    issues.push({ path, message: `a condition on "${field}" needs exactly one operator (${allowed.join(', ')}); found ${opKeys.length ? opKeys.join(', ') : 'none'}` });
    return undefined;
  }
  const op = opKeys[0] as Op;
  if (!(OPS as readonly string[]).includes(op) || !allowed.includes(op)) {
    issues.push({ path: [...path, op], message: `operator "${op}" does not apply to ${def.type} field "${field}"; allowed: ${allowed.join(', ')}` });
    return undefined;
  }
  const operand = raw[op];
  const opPath = [...path, op];
  const before = issues.length;
  const checkScalar = (v: unknown, p: Path) => {
    if (def.type === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v)) issues.push({ path: p, message: `"${field}" compares with numbers; got ${JSON.stringify(v)}` });
    } else if (typeof v !== 'string' || v.length === 0) {
      issues.push({ path: p, message: `"${field}" compares with non-empty strings; got ${JSON.stringify(v)}` });
    } else if (def.values && !def.values.includes(v)) {
      issues.push({ path: p, message: `"${v}" is not a value of ${field}; allowed: ${def.values.join(', ')}` });
    }
  };
  const checkList = () => {
    if (!Array.isArray(operand) || operand.length === 0) {
      issues.push({ path: opPath, message: `"${op}" needs a non-empty list` });
      return;
    }
    operand.forEach((v, i) => checkScalar(v, [...opPath, i]));
  };
  switch (op) {
    case 'equals':
    case 'gte':
    case 'lte':
    case 'gt':
    case 'lt':
      checkScalar(operand, opPath);
      break;
    case 'in':
    case 'includesAny':
    case 'includesAll':
      checkList();
      break;
    case 'startsWith':
      if (Array.isArray(operand)) checkList();
      else checkScalar(operand, opPath);
      break;
    case 'exists':
      if (typeof operand !== 'boolean') issues.push({ path: opPath, message: '"exists" takes true or false' });
      break;
  }
  if (issues.length > before) return undefined;
  return { kind: 'leaf', field, op, operand };
}

/** Fields a compiled condition reads (to check derivation phases and vocabulary coverage). */
export function fieldsOf(c: Condition | undefined, out: Set<string> = new Set()): Set<string> {
  if (!c) return out;
  if (c.kind === 'leaf') out.add(c.field);
  else if (c.kind === 'not') fieldsOf(c.item, out);
  else for (const i of c.items) fieldsOf(i, out);
  return out;
}

/** Values a leaf's operand names, for known-id checks. */
export function leaves(c: Condition | undefined, out: { leaf: Extract<Condition, { kind: 'leaf' }>; path: Path }[] = [], path: Path = []) {
  if (!c) return out;
  if (c.kind === 'leaf') out.push({ leaf: c, path });
  else if (c.kind === 'not') leaves(c.item, out, [...path, 'not']);
  else c.items.forEach((i, n) => leaves(i, out, [...path, c.kind, n]));
  return out;
}

/** What a matched condition establishes, for explanations. */
export type Fact =
  | { kind: 'leaf'; field: string; op: Op; operand: unknown; actual: unknown; shown: unknown[] }
  | { kind: 'not'; item: Condition };

function rank<C>(def: FieldDef<C>, v: unknown): number | undefined {
  if (def.type === 'number') return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || !def.values) return undefined;
  const i = def.values.indexOf(v);
  return i < 0 ? undefined : i;
}

/** Evaluates a condition; returns the facts that made it true, or null when it does not hold. */
export function evaluate<C>(cond: Condition | undefined, scope: Scope<C>, ctx: C): Fact[] | null {
  if (!cond) return [];
  switch (cond.kind) {
    case 'all': {
      const facts: Fact[] = [];
      for (const item of cond.items) {
        const f = evaluate(item, scope, ctx);
        if (!f) return null;
        facts.push(...f);
      }
      return facts;
    }
    case 'any': {
      let matched = false;
      const facts: Fact[] = [];
      for (const item of cond.items) {
        const f = evaluate(item, scope, ctx);
        if (f) {
          matched = true;
          facts.push(...f);
        }
      }
      return matched ? facts : null;
    }
    case 'not':
      return evaluate(cond.item, scope, ctx) ? null : [{ kind: 'not', item: cond.item }];
    case 'leaf': {
      const def = scope[cond.field];
      if (!def) return null;
      const actual = def.get(ctx);
      const yes = (shown: unknown[]): Fact[] => [{ kind: 'leaf', field: cond.field, op: cond.op, operand: cond.operand, actual, shown }];
      const present = actual !== undefined && actual !== null;
      switch (cond.op) {
        case 'exists':
          return present === cond.operand ? yes(present ? [actual] : []) : null;
        case 'equals':
          return present && actual === cond.operand ? yes([actual]) : null;
        case 'in':
          return present && (cond.operand as unknown[]).includes(actual) ? yes([actual]) : null;
        case 'includesAny': {
          if (!Array.isArray(actual)) return null;
          const hit = actual.filter((v) => (cond.operand as unknown[]).includes(v));
          return hit.length ? yes([...new Set(hit)]) : null;
        }
        case 'includesAll': {
          if (!Array.isArray(actual)) return null;
          const need = cond.operand as unknown[];
          return need.every((v) => actual.includes(v)) ? yes(need) : null;
        }
        case 'startsWith': {
          if (typeof actual !== 'string') return null;
          const prefixes = Array.isArray(cond.operand) ? (cond.operand as string[]) : [cond.operand as string];
          return prefixes.some((p) => actual.startsWith(p)) ? yes([actual]) : null;
        }
        default: {
          const a = rank(def, actual);
          const b = rank(def, cond.operand);
          if (a === undefined || b === undefined) return null;
          const ok = cond.op === 'gte' ? a >= b : cond.op === 'lte' ? a <= b : cond.op === 'gt' ? a > b : a < b;
          return ok ? yes([actual]) : null;
        }
      }
    }
  }
}

// ---------------------------------------------------------------- rendering

/** Templates and labels the renderer needs (supplied by data/rules/vocabulary.yaml). */
export interface Labels {
  field(name: string): Bilingual;
  value(field: string, value: unknown): Bilingual;
  template(name: ConditionTemplate): Bilingual;
  connector(name: 'and' | 'or' | 'list'): Bilingual;
}
export const CONDITION_TEMPLATES = {
  is: ['field', 'value'],
  isOneOf: ['field', 'values'],
  includes: ['field', 'values'],
  includesAnyOf: ['field', 'values'],
  compare: ['field', 'value', 'op', 'bound'],
  compareSpec: ['field', 'op', 'bound'],
  startsWith: ['field', 'values'],
  isSet: ['field'],
  isUnset: ['field'],
  not: ['inner'],
  always: [],
} as const;
export type ConditionTemplate = keyof typeof CONDITION_TEMPLATES;

/** Replaces {name} placeholders; unknown names are left as they are. */
export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? vars[k]! : m));
}
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return String(Math.round(n * 100) / 100);
}

function renderFact(f: Fact, labels: Labels, loc: Locale): string {
  if (f.kind === 'not') return fill(labels.template('not')[loc], { inner: renderSpec(f.item, labels, loc) });
  const field = labels.field(f.field)[loc];
  const list = (vs: unknown[]) => vs.map((v) => labels.value(f.field, v)[loc]).join(labels.connector('list')[loc]);
  switch (f.op) {
    case 'exists':
      return fill(labels.template(f.operand ? 'isSet' : 'isUnset')[loc], { field, value: list(f.shown) });
    case 'includesAny':
    case 'includesAll':
      return fill(labels.template('includes')[loc], { field, values: list(f.shown) });
    case 'gte':
    case 'lte':
    case 'gt':
    case 'lt':
      return fill(labels.template('compare')[loc], {
        field,
        value: labels.value(f.field, f.actual)[loc],
        op: OP_SYMBOL[f.op]!,
        bound: labels.value(f.field, f.operand)[loc],
      });
    default:
      return fill(labels.template('is')[loc], { field, value: labels.value(f.field, f.actual)[loc] });
  }
}

/** Renders a condition as written (used under `not`, where there is no matched value to show). */
export function renderSpec(c: Condition, labels: Labels, loc: Locale): string {
  if (c.kind === 'not') return fill(labels.template('not')[loc], { inner: renderSpec(c.item, labels, loc) });
  if (c.kind !== 'leaf') {
    const parts = c.items.map((i) => renderSpec(i, labels, loc));
    return parts.join(labels.connector(c.kind === 'all' ? 'and' : 'or')[loc]);
  }
  const field = labels.field(c.field)[loc];
  const ops = Array.isArray(c.operand) ? (c.operand as unknown[]) : [c.operand];
  const values = ops.map((v) => labels.value(c.field, v)[loc]).join(labels.connector('list')[loc]);
  switch (c.op) {
    case 'equals':
      return fill(labels.template('is')[loc], { field, value: values });
    case 'in':
      return fill(labels.template('isOneOf')[loc], { field, values });
    case 'includesAny':
      return fill(labels.template(ops.length > 1 ? 'includesAnyOf' : 'includes')[loc], { field, values });
    case 'includesAll':
      return fill(labels.template('includes')[loc], { field, values });
    case 'startsWith':
      return fill(labels.template('startsWith')[loc], { field, values });
    case 'exists':
      return fill(labels.template(c.operand ? 'isSet' : 'isUnset')[loc], { field });
    default:
      return fill(labels.template('compareSpec')[loc], { field, op: OP_SYMBOL[c.op]!, bound: values });
  }
}

/** "domain=medical and population=public" in both languages; the `always` text for no facts. */
export function renderFacts(facts: Fact[], labels: Labels): Bilingual {
  const out = { zh: '', en: '' };
  for (const loc of ['zh', 'en'] as const) {
    out[loc] = facts.length
      ? facts.map((f) => renderFact(f, labels, loc)).join(labels.connector('and')[loc])
      : labels.template('always')[loc];
  }
  return out;
}
