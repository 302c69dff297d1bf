/** Text comparison helpers: normalisation, token F1 (CJK-aware), numbers. */

const PUNCT = /[\p{P}\p{S}]+/gu;
const ARTICLES = /\b(a|an|the)\b/g;

export function normalise(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(PUNCT, ' ')
    .replace(ARTICLES, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words for Latin text, single characters for Han text. */
export function tokens(s: string): string[] {
  const out: string[] = [];
  for (const w of normalise(s).split(' ')) {
    if (!w) continue;
    if (/[\u3400-\u9fff]/.test(w)) {
      let buf = '';
      for (const ch of w) {
        if (/[\u3400-\u9fff]/.test(ch)) {
          if (buf) out.push(buf);
          buf = '';
          out.push(ch);
        } else buf += ch;
      }
      if (buf) out.push(buf);
    } else out.push(w);
  }
  return out;
}

export function tokenF1(prediction: string, reference: string): number {
  const p = tokens(prediction);
  const r = tokens(reference);
  if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of p) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      common++;
      counts.set(t, n - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / r.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Share of the response's tokens that also occur in `source` (a crude support measure). */
export function supportRatio(response: string, source: string): number {
  const p = tokens(response);
  if (p.length === 0) return 0;
  const have = new Set(tokens(source));
  return p.filter((t) => have.has(t)).length / p.length;
}

export function numbersIn(s: string): number[] {
  const out: number[] = [];
  for (const m of s.replace(/(\d),(\d{3})/g, '$1$2').matchAll(/-?\d+(?:\.\d+)?/g)) out.push(Number(m[0]));
  return out;
}

/** True when `reference` is a number and `response` contains one within the relative tolerance. */
export function numericMatch(response: string, reference: string, relTol = 0.01): boolean | undefined {
  const ref = normalise(reference);
  if (!/^-?\d+(\.\d+)?$/.test(ref.replace(/ /g, ''))) return undefined;
  const want = Number(ref.replace(/ /g, ''));
  return numbersIn(response).some((x) => Math.abs(x - want) <= Math.max(Math.abs(want) * relTol, 1e-9));
}

export function containsNormalised(haystack: string, needle: string): boolean {
  const n = normalise(needle);
  return n.length > 0 && ` ${normalise(haystack)} `.includes(` ${n} `) || (n.length > 0 && /[\u3400-\u9fff]/.test(n) && normalise(haystack).includes(n));
}
