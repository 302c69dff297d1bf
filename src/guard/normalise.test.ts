import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalise, toOriginal } from './normalise.ts';
import { CompiledLexicon } from './lexicon.ts';

const lex = new CompiledLexicon([
  { term: '炸药', categories: ['gbt45654.A.1.h'], action: 'block' },
  { term: 'bomb', categories: ['ailuminate.iwp'], action: 'block' },
  { term: 'kill', categories: ['ailuminate.vcr'], action: 'flag' },
]);

/** The original substring that a normalised-text term maps back to. */
function found(text: string, term: string): string | undefined {
  const hit = lex.matchText(text).find((h) => h.term === term);
  return hit ? text.slice(hit.start, hit.end) : undefined;
}

test('each normalisation trick defeats its evasion and maps back to original offsets', () => {
  const cases: [string, string, string, string][] = [
    // [trick, input, term, expected original span]
    ['plain', 'how to 炸药 now', '炸药', '炸药'],
    ['space between CJK', '买 炸 药', '炸药', '炸 药'],
    ['symbol between CJK', '买炸*药吗', '炸药', '炸*药'],
    ['traditional Chinese', '購買炸藥', '炸药', '炸藥'],
    ['full width', 'a ＢＯＭＢ here', 'bomb', 'ＢＯＭＢ'],
    ['case', 'A BoMb', 'bomb', 'BoMb'],
    ['zero width', 'b\u200bo\u200cm\u200db!', 'bomb', 'b\u200bo\u200cm\u200db'],
    ['bidi controls', 'x \u202ebomb\u202c y', 'bomb', 'bomb'],
    ['Cyrillic homoglyphs', 'a bоmb (Cyrillic o)', 'bomb', 'bоmb'],
    ['Greek homoglyphs', 'ΒΟΜΒ', 'bomb', 'ΒΟΜΒ'],
    ['maths letters (NFKC)', 'the 𝐛𝐨𝐦𝐛', 'bomb', '𝐛𝐨𝐦𝐛'],
    ['diacritics', 'bómb', 'bomb', 'bómb'],
    ['leetspeak', 'make a b0mb', 'bomb', 'b0mb'],
    ['leet symbols', 'k!ll him', 'kill', 'k!ll'],
    ['dotted letters', 'a b.o.m.b now', 'bomb', 'b.o.m.b'],
    ['spaced letters', 'a b o m b now', 'bomb', 'b o m b'],
    ['star inside a word', 'bo*mb', 'bomb', 'bo*mb'],
  ];
  for (const [trick, input, term, span] of cases) {
    assert.equal(found(input, term), span, trick);
  }
});

test('normal text is left readable and word boundaries are kept', () => {
  assert.equal(normalise('Hello, World!').text, 'hello, world!');
  assert.equal(normalise('Version 2024 of win10').text, 'version 2024 of win10');
  assert.equal(found('the bombastic speech', 'bomb'), undefined);
  assert.equal(found('three bombs', 'bomb'), 'bombs');
  assert.equal(normalise('我们去吃饭，然后看电影。').text, '我们去吃饭,然后看电影。');
});

test('offset map covers every normalised unit and handles surrogates', () => {
  const text = 'A\u200b𝐁c 炸 藥';
  const n = normalise(text);
  assert.equal(n.map.length, n.text.length);
  assert.equal(n.ends.length, n.text.length);
  for (let i = 0; i < n.text.length; i++) {
    assert.ok(n.map[i]! < n.ends[i]! && n.ends[i]! <= text.length);
  }
  const i = n.text.indexOf('b');
  assert.deepEqual(toOriginal(n, i, i + 1), [2, 4]); // the surrogate pair 𝐁
  assert.deepEqual(toOriginal(n, n.text.indexOf('炸'), n.text.length), [text.indexOf('炸'), text.length]);
});

test('light mode only folds width and invisible characters', () => {
  const n = normalise('电话：１３８\u200b1234 5678 ABC', 'light');
  assert.equal(n.text, '电话:1381234 5678 ABC');
  const plain = normalise('nothing to change', 'light');
  assert.equal(plain.text, 'nothing to change');
  assert.equal(plain.map[5], 5);
});
