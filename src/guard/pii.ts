// Personal-information and secret detectors with validation, and their masks.
//
// Detectors run on the light-normalised text (invisible characters removed, full-width digits
// folded) and report ORIGINAL offsets. Candidates are found with fixed, linear-time regular
// expressions and then validated (checksums, dates, ranges); overlapping candidates are resolved
// by priority (secrets > resident id > credit code > bank card > phone > …).
import { isIPv6 } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { readText } from './data.ts';
import { NormView, normaliseView, toOriginal, type Normalised } from './normalise.ts';

export const PII_ENTITIES = ['cn_id', 'phone', 'bank_card', 'uscc', 'cn_passport', 'email', 'ip', 'url', 'api_key', 'secret'] as const;
export type PiiEntity = (typeof PII_ENTITIES)[number];

export interface PiiMatch {
  entity: PiiEntity;
  /** Finer label: cn_mobile, cn_landline, phone_intl, ipv4, ipv6, openai, aws_access_key, … */
  kind: string;
  start: number; // original offsets
  end: number;
  value: string;
}

// ------------------------------------------------------------------ validators

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91]);

/** 18-digit PRC resident identity number: province code, real calendar date (not in the
 * future), ISO 7064 MOD 11-2 check character. */
export function isValidCnId(id: string, now = new Date()): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  if (!PROVINCES.has(Number(id.slice(0, 2)))) return false;
  const y = Number(id.slice(6, 10)), m = Number(id.slice(10, 12)), d = Number(id.slice(12, 14));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  if (date.getTime() > now.getTime()) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === id[17]!.toUpperCase();
}

/** Region code and a plausible birth date in an 18-digit string (checksum not tested). */
function looksLikeCnId(d: string): boolean {
  if (!PROVINCES.has(Number(d.slice(0, 2)))) return false;
  const y = Number(d.slice(6, 10)), m = Number(d.slice(10, 12)), day = Number(d.slice(12, 14));
  return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

function isValidLuhn12(d: string): boolean {
  return isValidLuhn(`0${d}`) && !/^(\d)\1+$/.test(d);
}

/** Luhn (mod 10) check on a digit string of 13–19 digits. */
export function isValidLuhn(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let v = digits.charCodeAt(i) - 48;
    if (dbl) { v *= 2; if (v > 9) v -= 9; }
    sum += v;
    dbl = !dbl;
  }
  return sum % 10 === 0 && !/^(\d)\1+$/.test(digits);
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Unified social credit code (GB 32100-2015): 18 characters, mod-31 check character. */
export function isValidUscc(code: string): boolean {
  if (code.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(code[i]!);
    if (v < 0) return false;
    sum += v * USCC_WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === code[17];
}

export function isValidIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); counts.set(c, (counts.get(c) ?? 0) + 1); }
  let h = 0;
  for (const n of counts.values()) { const p = n / s.length; h -= p * Math.log2(p); }
  return h;
}

// ------------------------------------------------------------------ detectors

interface SecretRule { name: string; re: RegExp; keep: number }
const SECRET_RULES: SecretRule[] = (parseYaml(readText('secrets.yaml')) as { name: string; pattern: string; keep: number }[])
  .map((r) => ({ name: r.name, re: new RegExp(r.pattern, 'g'), keep: r.keep }));

/** Literal strings one of which every match of `pattern` starts with, read from its head: a
 * literal run, or a leading group of literal alternatives; undefined when the head is neither
 * (such a rule always runs). */
export function literalPrefixes(pattern: string): string[] | undefined {
  // a top-level alternation could start with anything
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return undefined;
  }
  let alts = [''];
  let rest = pattern;
  const group = /^\(\?:((?:[A-Za-z0-9_-]+\|)*[A-Za-z0-9_-]+)\)/.exec(rest);
  if (group) { alts = group[1]!.split('|'); rest = rest.slice(group[0].length); }
  const lit = /^[A-Za-z0-9_ -]*/.exec(rest)![0];
  // a quantifier right after the run applies to its last character
  const next = rest[lit.length];
  const run = next === '?' || next === '*' || next === '{' ? lit.slice(0, -1) : lit;
  const out = alts.map((a) => a + run);
  return out.every((x) => x.length > 0) ? out : undefined;
}
// One scan tells whether any known secret prefix occurs at all (ordinary text: none), instead of
// running every secret pattern over the whole text.
const SECRET_PREFIXES = SECRET_RULES.map((r) => literalPrefixes(r.re.source));
const SECRET_PREFILTER: RegExp | undefined = SECRET_PREFIXES.every((p) => p !== undefined)
  ? new RegExp(SECRET_PREFIXES.flat().map((x) => x!.replace(/[-[\]{}()*+?.,\\^$|#\s]/g, '\\$&')).join('|'))
  : undefined;
export const SECRET_KEEP: Record<string, number> = Object.fromEntries(SECRET_RULES.map((r) => [r.name, r.keep]));

// Leading boundary conditions are checked in code (see `left`), not with look-behinds, so
// that V8 can skip quickly to candidate first characters.
const RE = {
  cnId: /[1-9]\d{16}[\dXx](?![0-9A-Za-z])/g,
  cnMobile: /(?:(?:\+|00)86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)/g,
  cnLandline: /(?:\(0\d{2,3}\)\s?|0\d{2,3}[\s-])\d{7,8}(?:-\d{1,5})?(?!\d)/g,
  phoneIntl: /(?:\+\d{1,3}[ \t.-]?)?(?:\(\d{1,4}\)[ \t.-]?)?\d{2,5}(?:[ \t.-]?\(0\)[ \t.-]?\d{1,4})?(?:[ \t.-]\d{2,5}){1,5}(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,5})?(?![\w-]|\.\d)/g,
  plainDigits: /\+?\d{10,13}(?!\d)/g,
  phoneContext: /(?:phone|tel|telephone|mobile|cell|fax|call|desk|whatsapp|contact|number|电话|手机|座机|联系|致电|传真|号码)[^\n\d]{0,20}$/i,
  cardContext: /(?:card|cc|visa|mastercard|amex|卡号|银行卡|信用卡)[^\n\d]{0,20}$/i,
  card: /\d(?:[ -]?\d){12,18}(?![\d-])/g,
  card12: /\d{12}(?![\d-])/g,
  uscc: /[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])/g,
  passport: /(?:[EGDSPH]\d{8}|E[A-Z]\d{7})(?![0-9A-Za-z])/g,
  passportContext: /护照|passport|旅行证件|证件号/i,
  email: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
  ipv4: /(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)/g,
  ipv6: /(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])/g,
  url: /(?:https?|ftp):\/\/[^\s<>"'`，。、）》」]{2,2000}|www\.[A-Za-z0-9-]{1,63}\.[^\s<>"'`，。、）》」]{2,2000}/gi,
};

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** Left-boundary predicates: true when the preceding character forbids a match. */
const LEFT = {
  alnum: isAlnum,
  digitPlus: (c: number) => isDigit(c) || c === 43,
  landline: (c: number) => isDigit(c) || c === 41,
  phone: (c: number) => isAlnum(c) || c === 95 || c === 43 || c === 46 || c === 45,
  digitDash: (c: number) => isDigit(c) || c === 45,
  upperDigit: (c: number) => isDigit(c) || (c >= 65 && c <= 90),
  emailLocal: (c: number) => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45,
  digitDot: (c: number) => isDigit(c) || c === 46,
  hexColon: (c: number) => isAlnum(c) && (isDigit(c) || (c | 32) <= 102) || c === 58,
  word: (c: number) => isAlnum(c) || c === 95,
  token: (c: number) => isAlnum(c) || c === 43 || c === 47 || c === 95 || c === 61 || c === 45,
};

/** 1 for the characters of LEFT.token (runs scanned for high-entropy secrets). */
const TOKEN = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (LEFT.token(c)) TOKEN[c] = 1;

const DATE_LIKE = /^(?:\d{4}[-/.\s]\d{1,2}[-/.\s]\d{1,2}|\d{1,2}[-/.\s]\d{1,2}[-/.\s]\d{2,4})$/;

const PRIORITY: Record<PiiEntity, number> = { api_key: 10, private: 9, cn_id: 8, uscc: 7, bank_card: 6, email: 5, url: 4, phone: 3, cn_passport: 3, ip: 2, secret: 1 } as Record<PiiEntity, number>;

export interface PiiOptions {
  entities?: readonly PiiEntity[];
  /** Passports match only near a word like 护照/passport (default true). */
  passportNeedsContext?: boolean;
  /** Minimum entropy (bits/char) of a generic token reported as `secret` (default 4.2). */
  secretMinEntropy?: number;
  /** Exact values never reported (e.g. a public support address). */
  allow?: readonly string[];
  now?: Date;
}

/** Find PII in `text` (or in an already light-normalised view of it). */
export function detectPii(text: string | Normalised, opts: PiiOptions = {}): PiiMatch[] {
  const norm = typeof text === 'string' ? normaliseView(text, 'light') : text;
  const t = norm.text;
  const want = new Set<PiiEntity>(opts.entities ?? PII_ENTITIES);
  const raw: PiiMatch[] = [];
  const add = (entity: PiiEntity, kind: string, s: number, e: number): void => {
    const [start, end] = toOriginal(norm, s, e);
    raw.push({ entity, kind, start, end, value: t.slice(s, e) });
  };
  /** Run `re` from the start; skip matches whose preceding character fails `left`. */
  const each = (re: RegExp, left: ((c: number) => boolean) | undefined, f: (m: RegExpExecArray) => void): void => {
    re.lastIndex = 0;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      if (left && m.index > 0 && left(t.charCodeAt(m.index - 1))) {
        if (m[0].length > 1) re.lastIndex = m.index + 1;
        continue;
      }
      f(m);
    }
  };
  // code units of the text: a typed buffer is much cheaper to walk than the string
  const codes = norm instanceof NormView ? norm.codes() : Uint16Array.from(t, (_, i) => t.charCodeAt(i));
  const len = t.length;
  let nd = 0;
  for (let i = 0; i < len && nd < 7; i++) { const c = codes[i]!; if (c >= 48 && c <= 57) nd++; }
  const hasDigits = nd >= 7;
  const ctxBefore = (re: RegExp, at: number): boolean => re.test(t.slice(Math.max(0, at - 30), at));
  if (want.has('api_key') && (!SECRET_PREFILTER || SECRET_PREFILTER.test(t))) {
    for (const r of SECRET_RULES) each(r.re, LEFT.token, (m) => add('api_key', r.name, m.index, m.index + m[0].length));
  }
  if (hasDigits) {
    if (want.has('cn_id')) each(RE.cnId, LEFT.alnum, (m) => { if (isValidCnId(m[0], opts.now)) add('cn_id', 'cn_id', m.index, m.index + m[0].length); });
    if (want.has('uscc')) each(RE.uscc, LEFT.upperDigit, (m) => { if (isValidUscc(m[0])) add('uscc', 'uscc', m.index, m.index + m[0].length); });
    if (want.has('bank_card')) {
      each(RE.card, LEFT.digitDash, (m) => {
        const digits = m[0].replace(/[ -]/g, '');
        if (digits.length === 18 && looksLikeCnId(digits)) return; // an ID number with a bad check digit
        if (isValidLuhn(digits)) add('bank_card', 'bank_card', m.index, m.index + m[0].length);
      });
      // 12-digit cards (Maestro and similar) only next to a word like "card" / 卡号
      each(RE.card12, LEFT.digitDash, (m) => {
        if (ctxBefore(RE.cardContext, m.index) && isValidLuhn12(m[0])) add('bank_card', 'bank_card', m.index, m.index + m[0].length);
      });
    }
  }
  if (want.has('email') && t.includes('@')) each(RE.email, LEFT.emailLocal, (m) => add('email', 'email', m.index, m.index + m[0].length));
  if (want.has('url') && (t.includes('://') || /www\./i.test(t))) {
    each(RE.url, LEFT.word, (m) => {
      let e = m.index + m[0].length;
      while (e > m.index && /[.,;:!?)\]}'"]/.test(t[e - 1]!)) e--;
      add('url', 'url', m.index, e);
    });
  }
  if (want.has('phone') && hasDigits) {
    each(RE.cnMobile, LEFT.digitPlus, (m) => add('phone', 'cn_mobile', m.index, m.index + m[0].length));
    each(RE.cnLandline, LEFT.landline, (m) => add('phone', 'cn_landline', m.index, m.index + m[0].length));
    each(RE.phoneIntl, LEFT.phone, (m) => {
      const v = m[0];
      const ext = /(?:x|ext\.?)[ \t]?(\d+)$/.exec(v);
      const digits = v.replace(/\D/g, '').length - (ext ? ext[1]!.length : 0);
      const strong = v.startsWith('+') || v.includes('(') || ctxBefore(RE.phoneContext, m.index);
      if (digits < (strong ? 7 : 8) || digits > 15) return;
      if (DATE_LIKE.test(v) || /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/.test(v) || isValidIPv4(v)) return;
      if (/^\d{3}-\d{2}-\d{4}$/.test(v)) return; // US SSN layout, not a phone
      if (!strong && /^[1-9]\d{4}[ \t.-]/.test(v)) return; // postcode followed by a house number
      add('phone', 'phone_intl', m.index, m.index + v.length);
    });
    // unseparated 10–13 digit numbers only next to a word like "phone" / 电话
    each(RE.plainDigits, LEFT.alnum, (m) => {
      if (ctxBefore(RE.phoneContext, m.index)) add('phone', 'phone_intl', m.index, m.index + m[0].length);
    });
  }
  if (want.has('cn_passport') && (opts.passportNeedsContext === false || RE.passportContext.test(t))) {
    each(RE.passport, LEFT.alnum, (m) => {
      if (opts.passportNeedsContext !== false) {
        const ctx = t.slice(Math.max(0, m.index - 30), m.index);
        if (!RE.passportContext.test(ctx)) return;
      }
      add('cn_passport', 'cn_passport', m.index, m.index + m[0].length);
    });
  }
  if (want.has('ip')) {
    if (t.includes('.')) each(RE.ipv4, LEFT.digitDot, (m) => { if (isValidIPv4(m[0])) add('ip', 'ipv4', m.index, m.index + m[0].length); });
    const c1 = t.indexOf(':');
    if (c1 >= 0 && t.indexOf(':', c1 + 1) >= 0 && (t.includes('::') || /[0-9a-f]{1,4}:[0-9a-f]{1,4}:/i.test(t))) {
      each(RE.ipv6, LEFT.hexColon, (m) => {
        const v = m[0];
        if ((v.match(/:/g) ?? []).length >= 2 && /[0-9A-Fa-f]/.test(v) && isIPv6(v)) add('ip', 'ipv6', m.index, m.index + v.length);
      });
    }
  }
  if (want.has('secret')) {
    const minH = opts.secretMinEntropy ?? 4.2;
    // runs of token characters, 24..512 long, with digits, lower and upper case letters
    const n = len;
    const T = TOKEN;
    for (let i = 0; i < n;) {
      const c0 = codes[i]!;
      if (c0 >= 128 || T[c0] === 0) { i++; continue; }
      let j = i, cls = 0;
      while (j < n) {
        const c = codes[j]!;
        if (c >= 128 || T[c] === 0) break;
        cls |= isDigit(c) ? 1 : c >= 97 && c <= 122 ? 2 : c >= 65 && c <= 90 ? 4 : 0;
        j++;
      }
      if (cls === 7 && j - i >= 24 && j - i <= 512 && entropy(t.slice(i, j)) >= minH) add('secret', 'high_entropy', i, j);
      i = j;
    }
  }
  return resolveOverlaps(raw, opts.allow);
}

function resolveOverlaps(raw: PiiMatch[], allow?: readonly string[]): PiiMatch[] {
  const allowed = allow ? new Set(allow) : undefined;
  raw.sort((a, b) => (PRIORITY[b.entity] - PRIORITY[a.entity]) || ((b.end - b.start) - (a.end - a.start)) || (a.start - b.start));
  const kept: PiiMatch[] = [];
  for (const m of raw) {
    if (allowed?.has(m.value)) continue;
    if (kept.some((k) => m.start < k.end && k.start < m.end)) continue;
    kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start);
}

// ------------------------------------------------------------------ masks

export type MaskStyle = 'mask' | 'redact';

const REDACT: Record<PiiEntity, string> = {
  cn_id: '[CN_ID]', phone: '[PHONE]', bank_card: '[BANK_CARD]', uscc: '[USCC]', cn_passport: '[PASSPORT]',
  email: '[EMAIL]', ip: '[IP]', url: '[URL]', api_key: '[API_KEY]', secret: '[SECRET]',
};

/** Replace digits (or alphanumerics) of `v` by '*' except the first `head` and last `tail`
 * of them; separators stay where they are. */
function keepEnds(v: string, head: number, tail: number, what: RegExp = /[0-9]/): string {
  const total = [...v].filter((c) => what.test(c)).length;
  let seen = 0;
  let out = '';
  for (const c of v) {
    if (what.test(c)) {
      out += seen < head || seen >= total - tail ? c : '*';
      seen++;
    } else out += c;
  }
  return out;
}

/** The replacement text for a match: partial mask (`138****5678`) or redaction (`[PHONE]`). */
export function maskValue(m: Pick<PiiMatch, 'entity' | 'kind' | 'value'>, style: MaskStyle = 'mask'): string {
  if (style === 'redact') return REDACT[m.entity];
  const v = m.value;
  switch (m.entity) {
    case 'phone': {
      const digits = v.replace(/\D/g, '').length;
      return digits >= 10 ? keepEnds(v, digits >= 11 ? 3 : 2, 4) : keepEnds(v, 0, 2);
    }
    case 'cn_id': return keepEnds(v, 3, 4, /[0-9Xx]/);
    case 'bank_card': return keepEnds(v, 0, 4);
    case 'uscc': return keepEnds(v, 2, 2, /[0-9A-Z]/);
    case 'cn_passport': return keepEnds(v, 1, 3, /[0-9A-Z]/);
    case 'email': {
      const at = v.indexOf('@');
      return `${v[0]}***${v.slice(at)}`;
    }
    case 'ip': return m.kind === 'ipv4' ? v.split('.').slice(0, 2).join('.') + '.*.*' : REDACT.ip;
    case 'url': {
      const mm = /^((?:[a-z]+:\/\/)?[^/?#]+)/i.exec(v);
      return mm && mm[1]!.length < v.length ? `${mm[1]}/***` : v;
    }
    case 'api_key': {
      const keep = SECRET_KEEP[m.kind] ?? 0;
      return keep > 0 ? `${v.slice(0, keep)}****` : REDACT.api_key;
    }
    case 'secret': return REDACT.secret;
  }
}
