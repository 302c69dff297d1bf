/** Character-level obfuscations: base64, rot13, hex, leetspeak, homoglyphs, zero-width, full-width, reversal. */
import { lastUserText } from '../suites/messages.ts';
import type { Case } from '../types.ts';
import { attackData, fill, withUserText, type Attack, type AttackContext } from './types.ts';

export interface Codec {
  encode(s: string): string;
  /** Present when the transform is reversible. */
  decode?(s: string): string;
}

const ADVERSARIAL = ['tc260.3.1.1.f', 'owasp-llm-2025.LLM01'];

function rot13(s: string): string {
  return s.replace(/[A-Za-z]/g, (ch) => {
    const base = ch <= 'Z' ? 65 : 97;
    return String.fromCharCode(((ch.charCodeAt(0) - base + 13) % 26) + base);
  });
}

let homoglyphMaps: { fwd: Map<string, string>; back: Map<string, string> } | undefined;
function homoglyphs() {
  if (!homoglyphMaps) {
    const t = attackData<Record<string, string>>('homoglyphs.yaml');
    homoglyphMaps = { fwd: new Map(Object.entries(t)), back: new Map(Object.entries(t).map(([a, b]) => [b, a])) };
  }
  return homoglyphMaps;
}

const ZW = '\u200b';

export const codecs: Record<string, Codec> = {
  base64: {
    encode: (s) => Buffer.from(s, 'utf8').toString('base64'),
    decode: (s) => Buffer.from(s, 'base64').toString('utf8'),
  },
  rot13: { encode: rot13, decode: rot13 },
  hex: {
    encode: (s) => Buffer.from(s, 'utf8').toString('hex').replace(/(..)(?!$)/g, '$1 '),
    decode: (s) => Buffer.from(s.replace(/\s+/g, ''), 'hex').toString('utf8'),
  },
  leetspeak: {
    encode: (s) => {
      const t = attackData<Record<string, string>>('leetspeak.yaml');
      return s.replace(/[A-Za-z]/g, (ch) => t[ch.toLowerCase()] ?? ch);
    },
  },
  homoglyph: {
    encode: (s) => {
      const { fwd } = homoglyphs();
      return [...s].map((ch) => fwd.get(ch) ?? ch).join('');
    },
    decode: (s) => {
      const { back } = homoglyphs();
      return [...s].map((ch) => back.get(ch) ?? ch).join('');
    },
  },
  'zero-width': {
    encode: (s) => [...s].join(ZW),
    decode: (s) => s.split(ZW).join(''),
  },
  'full-width': {
    encode: (s) =>
      [...s]
        .map((ch) => {
          const c = ch.codePointAt(0)!;
          if (c >= 0x21 && c <= 0x7e) return String.fromCodePoint(c + 0xfee0);
          if (c === 0x20) return '\u3000';
          return ch;
        })
        .join(''),
    decode: (s) =>
      [...s]
        .map((ch) => {
          const c = ch.codePointAt(0)!;
          if (c >= 0xff01 && c <= 0xff5e) return String.fromCodePoint(c - 0xfee0);
          if (c === 0x3000) return ' ';
          return ch;
        })
        .join(''),
  },
  reverse: {
    encode: (s) => [...s].reverse().join(''),
    decode: (s) => [...s].reverse().join(''),
  },
};

type Wrappers = Record<string, { en: string; zh: string }>;

/** An attack that encodes the last user message and wraps it in the per-language instruction. */
export function encodingAttack(id: string, title: { zh: string; en: string }, codec: Codec, opts: { needsLatin?: boolean } = {}): Attack {
  return {
    id,
    title,
    family: 'encoding',
    probes: ADVERSARIAL,
    apply(c: Case, ctx: AttackContext) {
      const text = lastUserText(c);
      if (opts.needsLatin && !/[A-Za-z]/.test(text)) return null;
      const encoded = codec.encode(text);
      if (encoded === text) return null;
      const w = attackData<Wrappers>('encodings.yaml')[id];
      const tpl = w ? w[ctx.lang] : '{{payload}}';
      return withUserText(c, fill(tpl, { payload: encoded }));
    },
  };
}

export const encodingAttacks: Attack[] = [
  encodingAttack('base64', { zh: 'Base64 编码', en: 'Base64 encoding' }, codecs['base64']!),
  encodingAttack('rot13', { zh: 'ROT13 替换', en: 'ROT13 cipher' }, codecs['rot13']!, { needsLatin: true }),
  encodingAttack('hex', { zh: '十六进制编码', en: 'Hex encoding' }, codecs['hex']!),
  encodingAttack('leetspeak', { zh: 'Leet 字符替换', en: 'Leetspeak' }, codecs['leetspeak']!, { needsLatin: true }),
  encodingAttack('homoglyph', { zh: '形近字符替换', en: 'Homoglyphs' }, codecs['homoglyph']!, { needsLatin: true }),
  encodingAttack('zero-width', { zh: '零宽字符插入', en: 'Zero-width characters' }, codecs['zero-width']!),
  encodingAttack('full-width', { zh: '全角字符', en: 'Full-width characters' }, codecs['full-width']!, { needsLatin: true }),
  encodingAttack('reverse', { zh: '倒序书写', en: 'Reversed text' }, codecs['reverse']!),
];
