/**
 * Secret redaction. Every secret a target resolves (API keys, header values taken from env or the
 * secrets file) is registered here, and everything the engine writes to `out/` or to logs passes
 * through `scrub`. Over-redaction is harmless; a leaked key is not.
 */

const secrets = new Set<string>();
let pattern: RegExp | null = null;

/** Shapes of common provider keys, scrubbed even when they were never registered. */
const KEY_SHAPES = /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|zh_[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16})\b/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 4) return;
  if (secrets.has(value)) return;
  secrets.add(value);
  pattern = null;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function scrub(text: string): string {
  if (!text) return text;
  if (secrets.size > 0) {
    if (!pattern) {
      const sorted = [...secrets].sort((a, b) => b.length - a.length).map(escapeRe);
      pattern = new RegExp(sorted.join('|'), 'g');
    }
    text = text.replace(pattern, '[REDACTED]');
  }
  return text.replace(KEY_SHAPES, '[REDACTED]').replace(BEARER, '$1[REDACTED]');
}

/** Deep-scrubs strings inside a JSON-like value. */
export function scrubDeep<T>(value: T): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = scrubDeep(v);
    return out as T;
  }
  return value;
}

/** For tests. */
export function registeredSecretCount(): number {
  return secrets.size;
}
