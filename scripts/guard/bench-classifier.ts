// Micro-benchmark of the built-in classifiers: feature extraction alone and extraction + scoring
// of all three models, on already normalised 2 KB prompts (English, Chinese, mixed), with the
// reference (features.ts / classifier.ts, used by training) and with the guard's fast twin
// (classifier-fast.ts: one shared feature pass over the code units for all models). Best of
// five rounds of 2,000 calls each, process CPU time per call; the text changes on every call so the per-text memo in
// classifier.ts does not hide the work. Prints JSON.
//
//   node --import tsx scripts/guard/bench-classifier.ts
import { Featurizer, DEFAULT_FEATURES, CONCEPT_FEATURES } from '../../src/guard/features.ts';
import { normalise } from '../../src/guard/normalise.ts';
import { loadClassifier } from '../../src/guard/classifier.ts';
import { FastClassifier } from '../../src/guard/classifier-fast.ts';

// Texts: words drawn with a fixed seed and a Zipf-like skew from 600 generated English-like
// words and 1,500 common-range CJK characters, so repeats are as in ordinary prose (not one
// sentence repeated, which per-word memos would make unrealistically cheap).
let seed = 7;
const rnd = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
const zipf = (n: number): number => Math.floor(n * rnd() ** 2.5);
const syl = ['ba', 'co', 'de', 'fi', 'gu', 'ha', 'ji', 'ko', 'lu', 'me', 'no', 'pa', 're', 'si', 'ta', 'vo', 'wi', 'xe', 'ya', 'zu', 'st', 'tr', 'ng', 'th', 'er', 'in', 'on', 'al'];
const words = Array.from({ length: 600 }, () => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => syl[Math.floor(rnd() * syl.length)]).join(''));
const hanzi = Array.from({ length: 1500 }, () => String.fromCharCode(0x4e00 + Math.floor(rnd() * 0x3000)));
function prose(kind: 'en' | 'zh' | 'mixed'): string {
  let t = '';
  while (t.length < 2048) {
    const zhTurn = kind === 'zh' || (kind === 'mixed' && rnd() < 0.5);
    if (zhTurn) { for (let i = 0, n = 8 + Math.floor(rnd() * 20); i < n; i++) t += hanzi[zipf(hanzi.length)]; t += '，'; }
    else { for (let i = 0, n = 5 + Math.floor(rnd() * 12); i < n; i++) t += words[zipf(words.length)] + ' '; t = t.trimEnd() + '. '; }
  }
  return normalise(t.slice(0, 2048)).text;
}
const texts: Record<string, string> = { en: prose('en'), zh: prose('zh'), mixed: prose('mixed') };
const variants = (t: string): string[] => Array.from({ length: 16 }, (_, i) => t.slice(0, t.length - 1) + String.fromCharCode(0x61 + i));

function time(fn: (t: string) => void, t: string): number {
  const vs = variants(t);
  for (let i = 0; i < 300; i++) fn(vs[i % 16]!);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    // process CPU time, less disturbed than wall time on a shared machine
    const c0 = process.cpuUsage();
    for (let i = 0; i < 2000; i++) fn(vs[i % 16]!);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 2000);
  }
  return Math.round(best * 10) / 10;
}

const ngram = new Featurizer(DEFAULT_FEATURES), concept = new Featurizer(CONCEPT_FEATURES);
const models = ['injection', 'harmful', 'harmful-output'].map((m) => loadClassifier(m));
const fast = ['injection', 'harmful', 'harmful-output'].map((m, i) => FastClassifier.forModel(models[i]!, m));
const codesOf = new Map<string, Uint16Array>();
const codes = (t: string): Uint16Array => {
  let c = codesOf.get(t);
  if (!c) { c = Uint16Array.from(t, (ch) => ch.charCodeAt(0)); codesOf.set(t, c); }
  return c;
};
const out: Record<string, Record<string, number>> = {};
for (const [k, t] of Object.entries(texts)) {
  out[k] = {
    chars: t.length,
    ngramFeaturesUs: time((s) => ngram.extract(s), t),
    conceptFeaturesUs: time((s) => concept.extract(s), t),
    injectionUs: time((s) => models[0]!.predict(s), t),
    injectionAndHarmfulUs: time((s) => { models[0]!.predict(s); models[1]!.predict(s); }, t),
    outputModelUs: time((s) => models[2]!.predict(s), t),
    ...(fast.every(Boolean) ? {
      fastInjectionAndHarmfulUs: time((s) => { const c = codes(s); fast[0]!.predictCodes(c, 0, c, 0, c.length); fast[1]!.predictCodes(c, 0, c, 0, c.length); }, t),
      fastAllThreeUs: time((s) => { const c = codes(s); for (const f of fast) f!.predictCodes(c, 0, c, 0, c.length); }, t),
    } : {}),
  };
}
console.log(JSON.stringify({ node: process.version, fastTwin: fast.map(Boolean), cpuMicrosecondsBestOf5x2000: out }, null, 1));
