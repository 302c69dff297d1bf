// The fast normaliser must give exactly what the frozen reference gives (text and both offset
// maps), in both modes, on generated inputs mixing every kind of character the passes treat
// specially; lazy views must agree with the materialised result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fast from './normalise.ts';
import * as ref from './normalise-reference.ts';

const POOL = [
  ...'abcdefghijklmnopqrstuvwxyz', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ', ...'0123456789',
  ...' .*-_/\\|~+=#^`\'"·•・', ' ', ' ', ' ', '\n', '\t', '\r', '\u0000', '\u007f', '\u0085',
  ...'@!|$', ...'炸药爆炸购买我们的项目', ...'炸藥購買們這說', ...'ＡＢＣａｂｃ０１９！＠', '\u3000', '。', '，',
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u202e', '\u202c', '\u00ad',
  ...'оаеВΒΟΜ', ...'éèüñçÅØ', '\u0301', 'ﬁ', 'ß', 'İ', '①', '㎏', 'ｶ',
  '😀', '👍🏽', '𝐛𝐨𝐦𝐛', '\u{e0041}', '\ud800', '\udc00', '\ud83d', '\u{20000}',
];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

function gen(r: () => number): string {
  const len = Math.floor(r() * 80);
  let s = '';
  for (let i = 0; i < len; i++) {
    const x = r();
    // runs of letters and of single letters with separators exercise passes 2 and 3
    if (x < 0.25) s += 'bomb'.slice(0, 1 + Math.floor(r() * 4));
    else if (x < 0.35) s += `${POOL[Math.floor(r() * 36)]}${' .*'[Math.floor(r() * 3)]}`;
    else s += POOL[Math.floor(r() * POOL.length)];
  }
  return s;
}

function same(a: fast.Normalised, b: ref.Normalised, input: string, mode: string): void {
  const msg = `${mode} ${JSON.stringify(input)}`;
  assert.equal(a.text, b.text, msg);
  assert.deepEqual([...a.map], [...b.map], `map ${msg}`);
  assert.deepEqual([...a.ends], [...b.ends], `ends ${msg}`);
}

test('fast normalise equals the reference on 20,000 generated inputs (both modes)', () => {
  const r = rng(7);
  for (let k = 0; k < 20_000; k++) {
    const s = gen(r);
    for (const mode of ['full', 'light'] as const) {
      same(fast.normalise(s, mode), ref.normalise(s, mode), s, mode);
      assert.equal(fast.normaliseText(s, mode), ref.normaliseText(s, mode));
    }
  }
});

test('lazy views agree with the reference, also after the scratch buffers were reused', () => {
  const r = rng(11);
  for (let k = 0; k < 3000; k++) {
    const s = gen(r);
    for (const mode of ['full', 'light'] as const) {
      const v = fast.normaliseView(s, mode);
      const other = gen(r);
      if (k % 2) fast.normaliseView(other, mode); // overwrite the scratch buffer
      const want = ref.normalise(s, mode);
      assert.equal(v.length, want.text.length);
      const codes = v.codes();
      for (let i = 0; i < v.length; i++) assert.equal(codes[i], want.text.charCodeAt(i));
      for (let q = 0; q < 5; q++) {
        const a = Math.floor(r() * (want.text.length + 1)), b = a + Math.floor(r() * 6);
        const e = Math.min(b, want.text.length);
        assert.deepEqual(fast.toOriginal(v, a, e), ref.toOriginal(want, a, e), `${mode} ${JSON.stringify(s)} [${a},${e})`);
      }
      same(v, want, s, mode);
    }
  }
});

test('long inputs (2 KB and 100 KB) match, including buffer growth', () => {
  const r = rng(3);
  let s = '';
  while (s.length < 100_000) s += gen(r);
  for (const t of [s.slice(0, 2048), s]) for (const mode of ['full', 'light'] as const) same(fast.normalise(t, mode), ref.normalise(t, mode), t.slice(0, 40), mode);
});
