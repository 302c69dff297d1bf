/** Assertions: contains / not-contains, regular expressions (re2js: linear time, safe for user patterns), JSON schema. */
import { RE2JS } from 're2js';
import type { Assertions, Verdict } from '../types.ts';

const reCache = new Map<string, RE2JS>();
function compile(src: string, caseSensitive: boolean): RE2JS {
  const key = `${caseSensitive ? 1 : 0}${src}`;
  let re = reCache.get(key);
  if (!re) {
    re = RE2JS.compile(src, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
    if (reCache.size > 1000) reCache.clear();
    reCache.set(key, re);
  }
  return re;
}

export function regexFind(src: string, text: string, caseSensitive = false): boolean {
  return compile(src, caseSensitive).matcher(text).find();
}

/** A small JSON-schema subset: type, enum, const, properties, required, additionalProperties, items, min/max, lengths, pattern. */
export function validateJsonSchema(value: unknown, schema: Record<string, unknown>, path = '$'): string | null {
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return `${path}: expected ${types.join('|')}, got ${actual}`;
  }
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value)))
    return `${path}: not one of the allowed values`;
  if ('const' in schema && JSON.stringify(schema['const']) !== JSON.stringify(value)) return `${path}: must equal ${JSON.stringify(schema['const'])}`;
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return `${path}: below minimum`;
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) return `${path}: above maximum`;
  }
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) return `${path}: too short`;
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength']) return `${path}: too long`;
    if (typeof schema['pattern'] === 'string' && !regexFind(schema['pattern'], value, true)) return `${path}: does not match pattern`;
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) return `${path}: too few items`;
    if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems']) return `${path}: too many items`;
    if (schema['items'] && typeof schema['items'] === 'object') {
      for (let i = 0; i < value.length; i++) {
        const e = validateJsonSchema(value[i], schema['items'] as Record<string, unknown>, `${path}[${i}]`);
        if (e) return e;
      }
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of (schema['required'] as string[] | undefined) ?? []) if (!(r in obj)) return `${path}: missing ${r}`;
    const props = (schema['properties'] as Record<string, Record<string, unknown>> | undefined) ?? {};
    for (const [k, s] of Object.entries(props)) {
      if (k in obj) {
        const e = validateJsonSchema(obj[k], s, `${path}.${k}`);
        if (e) return e;
      }
    }
    if (schema['additionalProperties'] === false) {
      const extra = Object.keys(obj).find((k) => !(k in props));
      if (extra) return `${path}: unexpected property ${extra}`;
    }
  }
  return null;
}

/** Pulls the first JSON value out of a reply (bare, or inside a ``` fence). */
export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidates = [fenced?.[1], text];
  for (const c of candidates) {
    if (!c) continue;
    const t = c.trim();
    try {
      return JSON.parse(t);
    } catch {
      /* try the first {...} or [...] span */
    }
    const start = t.search(/[[{]/);
    if (start < 0) continue;
    const open = t[start]!;
    const close = open === '{' ? '}' : ']';
    const end = t.lastIndexOf(close);
    if (end > start) {
      try {
        return JSON.parse(t.slice(start, end + 1));
      } catch {
        /* not JSON */
      }
    }
  }
  return undefined;
}

export function scoreAssertions(response: string, a: Assertions): Verdict {
  const cs = a.caseSensitive === true;
  const hay = cs ? response : response.toLowerCase();
  const norm = (s: string) => (cs ? s : s.toLowerCase());
  const failures: string[] = [];
  for (const s of a.contains ?? []) if (!hay.includes(norm(s))) failures.push(`missing "${s}"`);
  if (a.containsAny?.length && !a.containsAny.some((s) => hay.includes(norm(s)))) failures.push('contains none of containsAny');
  for (const s of a.notContains ?? []) if (hay.includes(norm(s))) failures.push(`contains forbidden "${s}"`);
  try {
    for (const r of a.regex ?? []) if (!regexFind(r, response, cs)) failures.push(`no match for /${r}/`);
    for (const r of a.notRegex ?? []) if (regexFind(r, response, cs)) failures.push(`forbidden match /${r}/`);
  } catch (e) {
    return { verdict: 'could-not-score', scorer: 'match', reason: `invalid regex: ${(e as Error).message}` };
  }
  if (a.jsonSchema) {
    const v = extractJson(response);
    if (v === undefined) failures.push('response is not JSON');
    else {
      const err = validateJsonSchema(v, a.jsonSchema);
      if (err) failures.push(err);
    }
  }
  return failures.length
    ? { verdict: 'fail', scorer: 'match', reason: failures.slice(0, 5).join('; ') }
    : { verdict: 'pass', scorer: 'match' };
}
