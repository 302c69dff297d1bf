// The automaton reports exactly the occurrences a naive search finds (overlaps included), on
// strings and on code-unit buffers, for random patterns over small alphabets (deep failure
// chains, single- and multi-child states) and CJK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AhoCorasick } from './aho.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

test('scan and scanCodes find every occurrence a naive search finds', () => {
  const r = rng(1);
  for (const alphabet of ['ab', 'abc ', 'abcdefgh', '炸药爆abc']) {
    for (let round = 0; round < 60; round++) {
      const word = (n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
      const pats = [...new Set(Array.from({ length: 1 + Math.floor(r() * 30) }, () => word(1 + Math.floor(r() * 6))))];
      const ac = AhoCorasick.build(pats);
      const text = word(Math.floor(r() * 200));
      const want: string[] = [];
      for (let e = 1; e <= text.length; e++) pats.forEach((p, id) => { if (e >= p.length && text.slice(e - p.length, e) === p) want.push(`${e}:${id}`); });
      const got = (n: number): string[] => Array.from({ length: n }, (_, i) => `${ac.matchEnd(i)}:${ac.matchPattern(i)}`);
      assert.deepEqual(got(ac.scan(text)).sort(), want.sort());
      const codes = new Uint16Array(text.length + 4);
      for (let i = 0; i < text.length; i++) codes[i + 2] = text.charCodeAt(i);
      const n = ac.scanCodes(codes, 2, text.length + 2);
      assert.deepEqual(Array.from({ length: n }, (_, i) => `${ac.matchEnd(i) - 2}:${ac.matchPattern(i)}`).sort(), want.sort());
    }
  }
});
