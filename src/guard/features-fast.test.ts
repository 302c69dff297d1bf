// The fast feature twin and fast classifier must reproduce the reference (features.ts,
// classifier.ts) exactly: same feature sets for every configuration, same scores, labels and
// categories, on generated texts in both languages with emoji, surrogates and full width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Featurizer, DEFAULT_FEATURES, CONCEPT_FEATURES, type FeatureConfig } from './features.ts';
import { FeatureEngine } from './features-fast.ts';
import { FastClassifier } from './classifier-fast.ts';
import { loadClassifier } from './classifier.ts';
import { normaliseText, normaliseView } from './normalise.ts';
import { PROBE_TEXTS } from './classifier-probes.ts';

const WORDS = ['ignore', 'all', 'previous', 'instructions', 'bomb', 'bombs', 'how', 'to', 'make', 'kill', 'process', 'system', 'prompt',
  'the', 'report', 'DAN', 'jailbreak', 'pretend', '忽略', '之前', '指令', '炸药', '制造', '如何', '系统提示', '我们', '项目', '購買', '炸藥',
  'ＡＢＣ', '１２３', '😀', '👍🏽', '\ud800', '\udc00', '𝐛𝐨𝐦𝐛', 'b0mb', 'k!ll', 'x@y', '...', '!!', '?', '\n', '  ', '。', '，', 'café', 'naïve', 'ｶﾀｶﾅ', 'カタカナ', 'ひらがな'];
const SEPS = [' ', ' ', ' ', '', '\n', '. ', ', ', '*', '-', '「'];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
function gen(r: () => number, words: number): string {
  let s = '';
  for (let i = 0; i < words; i++) s += WORDS[Math.floor(r() * WORDS.length)]! + SEPS[Math.floor(r() * SEPS.length)]!;
  return s;
}
function codesOf(t: string): Uint16Array {
  const c = new Uint16Array(t.length);
  for (let i = 0; i < t.length; i++) c[i] = t.charCodeAt(i);
  return c;
}
const sorted = (a: ArrayLike<number>, n: number): number[] => Array.from(a).slice(0, n).sort((x, y) => x - y);

const CONFIGS: FeatureConfig[] = [
  DEFAULT_FEATURES, CONCEPT_FEATURES,
  { ...DEFAULT_FEATURES, maskFrames: true, noStyle: true, bits: 16 },
  { ...DEFAULT_FEATURES, concepts: false, cjkMax: 2, charMin: 2, charMax: 4 },
];

test('fast features equal features.ts for every configuration on 3,000 generated texts', () => {
  const r = rng(5);
  const engine = new FeatureEngine(CONFIGS);
  const refs = CONFIGS.map((c) => new Featurizer(c));
  for (let k = 0; k < 3000; k++) {
    const t = normaliseText(gen(r, 1 + Math.floor(r() * 40)));
    const codes = codesOf(` ${t} `); // a range inside a larger buffer
    engine.run(codes, 1, codes.length - 1);
    for (let i = 0; i < CONFIGS.length; i++) {
      const want = refs[i]!.extract(t);
      const got = engine.sets[i]!;
      assert.equal(got.n, want.n, `config ${i} ${JSON.stringify(t)}`);
      assert.deepEqual(sorted(got.idx, got.n), sorted(want.idx, want.n), `config ${i} ${JSON.stringify(t)}`);
      assert.equal(got.value, want.value);
      for (const kind of ['harm', 'inj', 'ctx']) if (CONFIGS[i]!.concepts) assert.equal(engine.hasKind(kind), refs[i]!.lastHasKind(kind));
    }
  }
});

test('fast classifiers are verified on the probes and predict exactly like the reference', () => {
  const r = rng(9);
  const texts = [...PROBE_TEXTS, ...Array.from({ length: 1500 }, () => gen(r, 1 + Math.floor(r() * 300)))];
  for (const name of ['injection', 'harmful']) {
    const ref = loadClassifier(name);
    const fast = FastClassifier.forModel(ref, name);
    assert.ok(fast, `${name}: the fast twin must pass its probe check`);
    for (const raw of texts) {
      const v = normaliseView(raw);
      const codes = v.codes();
      const got = fast.predictCodes(v, v.token, codes, 0, v.length);
      const want = ref.predict(v.text);
      assert.equal(got.score, want.score, `${name} ${JSON.stringify(raw.slice(0, 80))}`);
      assert.equal(got.label, want.label);
      assert.deepEqual(got.categories, want.categories);
      assert.deepEqual(got.members, want.members);
    }
  }
});

test('a model with a feature option the twin does not know falls back to the reference', () => {
  const ref = loadClassifier('injection');
  const odd = Object.create(ref) as typeof ref;
  Object.defineProperty(odd, 'meta', { value: { ...ref.meta, members: ref.meta.members.map((m) => ({ ...m, features: { ...m.features, newOption: true } })) } });
  assert.equal(FastClassifier.forModel(odd, 'injection'), undefined);
});
