import type { z } from 'zod';
import { ZonghengError } from '../core/errors.ts';

/** Turns zod issues into our error: the first issue's field path leads, all are listed. */
export function zodToError(err: z.ZodError, prefix = ''): ZonghengError {
  const issues = err.issues.map((i) => {
    const anyI = i as unknown as { keys?: string[] };
    const path = i.code === 'unrecognized_keys' && anyI.keys?.length ? [...i.path, anyI.keys[0]!] : i.path;
    const field = prefix + formatPath(path);
    return { field, message: i.message, allowed: allowedOf(i) };
  });
  const first = issues[0]!;
  return new ZonghengError('validation_failed', `${first.field || 'body'}: ${first.message}`, { field: first.field, allowed: first.allowed, issues });
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function allowedOf(i: z.core.$ZodIssue): string | undefined {
  const anyI = i as unknown as Record<string, unknown>;
  if (i.code === 'invalid_value' && Array.isArray(anyI.values)) return `one of: ${(anyI.values as unknown[]).map(String).join(', ')}`;
  if (i.code === 'too_small' || i.code === 'too_big') {
    const origin = anyI.origin;
    if (origin === 'number') return i.code === 'too_small' ? `a number ≥ ${String(anyI.minimum)}` : `a number ≤ ${String(anyI.maximum)}`;
    if (origin === 'string') return i.code === 'too_small' ? `at least ${String(anyI.minimum)} characters` : `at most ${String(anyI.maximum)} characters`;
    if (origin === 'array') return i.code === 'too_small' ? `at least ${String(anyI.minimum)} items` : `at most ${String(anyI.maximum)} items`;
  }
  if (i.code === 'unrecognized_keys') return 'remove the unknown field(s): ' + (anyI.keys as string[]).join(', ');
  if (i.code === 'invalid_type') return `a value of type ${String(anyI.expected)}`;
  return undefined;
}
