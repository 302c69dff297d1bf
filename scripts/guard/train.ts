// Trains the built-in guard classifiers and writes data/guard/models/.
//
//   node --import tsx scripts/guard/train.ts [datasetsDir] [--quick] [--no-loso]
//
// Development knobs: GUARD_OUT=dir (write models elsewhere), GUARD_ZH_SHIFT_MAX=x, GUARD_HEADS=inj|harm (train and write one head only),
// GUARD_LOSO='srcA+srcB;srcC' (custom leave-out groups).
//
// Each classifier is an OR ensemble of two logistic-regression members: a surface model on
// hashed n-grams and a concept model on bilingual concepts and concept pairs (see
// src/guard/features.ts). Each member gets its own calibrated threshold; the model fires when
// any member fires, and a global threshold on the combined score is calibrated again.
//
// Deterministic: fixed splits (hash of a group id), fixed template-expansion seeds, full-batch
// optimisation. Splits: 70% train, 10% validation (model selection and calibration), 20% test
// (reported). The shipped model is the one trained on the train split, so the test figures
// describe exactly what ships. Leave-one-source-out runs retrain without a source and score
// all of it, to measure generalisation to unseen sources. No dataset row is printed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GUARD_DATA_DIR } from '../../src/guard/data.ts';
import { DEFAULT_FEATURES, CONCEPT_FEATURES, Featurizer, type FeatureConfig } from '../../src/guard/features.ts';
import { CompiledLexicon, loadLexicon } from '../../src/guard/lexicon.ts';
import { isMostlyCjk } from '../../src/guard/classifier.ts';
import { normalise } from '../../src/guard/normalise.ts';
import { loadExamples, splitOf, HARM_CLASSES, type Example } from './train-data.ts';
import { buildMatrix, subset, trainBinary, predictBinary, trainSoftmax, quantise, dequantise, type Matrix } from './train-lr.ts';
import { prf, bySource, calibrate, recallAtFpr } from './train-eval.ts';

const args = process.argv.slice(2);
const DS = args.find((a) => !a.startsWith('--')) ?? '/work/shared/datasets';
const QUICK = args.includes('--quick');
const LOSO_ON = !QUICK && !args.includes('--no-loso');
const OUT = process.env.GUARD_OUT ?? join(GUARD_DATA_DIR, 'models');
const ITERS = QUICK ? 80 : 200;
const log = (o: unknown): void => { process.stderr.write(`${JSON.stringify(o)}\n`); };

type Head = 'inj' | 'harm' | 'out';
/** Dev knob GUARD_NGRAM='{"charMin":4,"charMax":4}': override fields of the n-gram feature config. */
const NGRAM_FEATURES: FeatureConfig = { ...DEFAULT_FEATURES, ...(JSON.parse(process.env.GUARD_NGRAM ?? '{}') as Partial<FeatureConfig>) };
interface MemberSpec { name: string; features: FeatureConfig; l2s: number[]; gate?: 'harm' | 'inj'; gatePenalty?: number }
const MEMBERS: Record<Head, MemberSpec[]> = {
  inj: [
    { name: 'ngram', features: NGRAM_FEATURES, l2s: QUICK ? [3e-5] : [1e-5, 3e-5, 1e-4, 3e-4] },
    { name: 'concept', features: CONCEPT_FEATURES, l2s: QUICK ? [1e-4] : [3e-5, 1e-4, 1e-3] },
  ],
  out: [
    { name: 'ngram', features: NGRAM_FEATURES, l2s: QUICK ? [1e-4] : [3e-5, 1e-4, 3e-4] },
    { name: 'concept', features: CONCEPT_FEATURES, l2s: QUICK ? [1e-4] : [1e-4, 1e-3] },
  ],
  harm: [
    // gated: it can only fire when the text contains a harm concept (see docs/guard.md)
    { name: 'ngram', features: NGRAM_FEATURES, l2s: QUICK ? [1e-4] : [1e-5, 3e-5, 1e-4, 3e-4], gate: 'harm', ...(process.env.GUARD_GATE_PENALTY ? { gatePenalty: Number(process.env.GUARD_GATE_PENALTY) } : {}) },
    { name: 'concept', features: CONCEPT_FEATURES, l2s: QUICK ? [1e-4] : [3e-5, 1e-4, 1e-3] },
  ],
};
/** Validation false-positive targets: overall, and for every benign source with ≥ 15 rows. */
const FPR_TARGET: Record<Head, { all: number; source: number }> = { inj: { all: 0.015, source: 0.04 }, harm: { all: 0.02, source: 0.05 }, out: { all: 0.02, source: 0.05 } };

/** Chinese-text calibration targets (validation rows that are mostly CJK); none = no shift. */
const ZH_FPR_TARGET: Partial<Record<Head, { all: number; source: number }>> = { inj: { all: 0.02, source: 0.05 }, harm: { all: 0.025, source: 0.05 } };

/** Largest logit shift for Chinese text: unseen hard Chinese benign prompts (role-play, security
 * questions) are what a larger shift costs (see the leave-one-source-out rows). */
const ZH_SHIFT_MAX = Number(process.env.GUARD_ZH_SHIFT_MAX ?? 0.6);

const t0 = performance.now();
const all = loadExamples(DS);
const split = all.map(splitOf);
const mostlyCjk = Uint8Array.from(all, (e) => (isMostlyCjk(normalise(e.text).text) ? 1 : 0));
const matrices = new Map<string, { fz: Featurizer; X: Matrix }>();
function matrix(f: FeatureConfig): { fz: Featurizer; X: Matrix } {
  const key = JSON.stringify(f);
  let m = matrices.get(key);
  if (!m) {
    const fz = new Featurizer(f);
    m = { fz, X: buildMatrix(all.map((e) => e.text), fz) };
    matrices.set(key, m);
  }
  return m;
}
for (const h of ['inj', 'harm'] as Head[]) for (const s of MEMBERS[h]) matrix(s.features);
log({ step: 'features', examples: all.length, matrices: matrices.size, ms: Math.round(performance.now() - t0) });

interface HeadData { rows: number[]; y: Float32Array; sw: Float32Array }

/** Rows of one head. Weights are balanced per (language, label): within Chinese and within
 * other text, positives and negatives carry equal total weight, so the scarcity of Chinese
 * attack data does not teach the model that Chinese text is benign. */
function headData(head: Head, keep: (e: Example, i: number) => boolean): HeadData {
  const rows: number[] = [];
  all.forEach((e, i) => { if (e[head] !== undefined && keep(e, i)) rows.push(i); });
  const tot = new Map<string, number>();
  const key = (e: Example): string => `${e.lang === 'zh' ? 'zh' : 'xx'}:${e[head]}`;
  for (const r of rows) tot.set(key(all[r]!), (tot.get(key(all[r]!)) ?? 0) + all[r]!.w);
  const grand = [...tot.values()].reduce((a, b) => a + b, 0);
  const langTotal = (l: string): number => (tot.get(`${l}:0`) ?? 0) + (tot.get(`${l}:1`) ?? 0);
  const y = Float32Array.from(rows, (r) => all[r]![head]!);
  const sw = Float32Array.from(rows, (r) => {
    const e = all[r]!;
    const share = langTotal(e.lang === 'zh' ? 'zh' : 'xx') / grand;
    return (e.w / (tot.get(key(e)) ?? 1)) * share * grand / 2;
  });
  return { rows, y, sw };
}

const logit = (p: number): number => Math.log(p / (1 - p));
const sources = (rows: number[]): string[] => rows.map((r) => all[r]!.source);

interface Member { spec: MemberSpec; w: Float32Array; b: number; l2: number; offset: number }
interface Ensemble { members: Member[]; threshold: number; zhShift: number }

function memberLogits(m: Member, rows: number[]): Float32Array {
  const X = subset(matrix(m.spec.features).X, rows);
  const p = predictBinary(X, m.w, m.b);
  const gate = m.spec.gate ? X.kinds![m.spec.gate] : undefined;
  const pen = m.spec.gatePenalty ?? Infinity;
  return Float32Array.from(p, (x, i) => logit(Math.min(1 - 1e-7, Math.max(1e-7, x))) + m.offset - (gate && !gate[i] ? pen : 0));
}

function ensembleScores(e: Ensemble, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length).fill(-Infinity);
  for (const m of e.members) {
    const z = memberLogits(m, rows);
    for (let i = 0; i < rows.length; i++) out[i] = Math.max(out[i]!, z[i]!);
  }
  return Float32Array.from(out, (z, i) => 1 / (1 + Math.exp(-(z + (mostlyCjk[rows[i]!] ? e.zhShift : 0)))));
}

/** Sources held out while choosing L2: the model is trained without them and L2 is judged by
 * recall on their positives at 2% false positives over validation plus their negatives, so the
 * regularisation is chosen for transfer to unseen sources rather than for the in-source split. */
const OOS: Record<Head, string[]> = {
  inj: ['own-zh-attack2', 'deepset-injection', 'deepset-benign', 'jbb-GCG', 'jbb-PAIR', 'own-en-attack2', 'own-en-benign2', 'own-zh-benign2'],
  harm: ['own-zh-harmful2', 'xstest-safe', 'xstest-unsafe', 'harmbench-contextual', 'own-en-benign2', 'own-zh-benign2'],
  out: ['out-jbb-harmful-PAIR', 'out-jbb-safe-PAIR', 'out-own-zh', 'out-bipia-email'],
};

/** Mean over positive sources of their recall, at the threshold giving `fpr` on all negatives
 * (each unseen style counts the same, however many rows it has). */
function macroRecallAtFpr(scores: Float32Array, y: Float32Array, src: string[], fpr: number): number {
  const neg = Array.from(scores).filter((_, i) => y[i] !== 1).sort((a, b) => b - a);
  const t = neg[Math.floor(neg.length * fpr)] ?? 1;
  const per = new Map<string, [number, number]>();
  scores.forEach((v, i) => { if (y[i] === 1) { const p = per.get(src[i]!) ?? [0, 0]; p[0]++; if (v > t) p[1]++; per.set(src[i]!, p); } });
  const rs = [...per.values()].map(([n, h]) => h / n);
  return rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : 0;
}

/** Train all members of a head on `tr`, select L2 out of source and calibrate on `va`. */
function trainHead(head: Head, tr: HeadData, va: HeadData, fixedL2?: number[]): Ensemble {
  const members: Member[] = [];
  const oos = new Set(OOS[head]);
  const keep = (d: HeadData, f: (src: string) => boolean): HeadData => {
    const k = d.rows.map((r, i) => (f(all[r]!.source) ? i : -1)).filter((i) => i >= 0);
    return { rows: k.map((i) => d.rows[i]!), y: Float32Array.from(k, (i) => d.y[i]!), sw: Float32Array.from(k, (i) => d.sw[i]!) };
  };
  const trIn = keep(tr, (s) => !oos.has(s));
  // judged on: validation negatives of other sources + every row of the held-out sources
  const judge = fixedL2 ? undefined : { rows: [...keep(va, (s) => !oos.has(s)).rows.filter((r) => all[r]![head] === 0), ...headData(head, (e) => oos.has(e.source)).rows] };
  MEMBERS[head].forEach((spec, k) => {
    const X = matrix(spec.features).X;
    const Xtr = subset(X, tr.rows), Xva = subset(X, va.rows);
    // L2 by out-of-source recall at 2% FPR, preferring the strongest regularisation within 0.02
    // of the best (simpler models transfer better to unseen sources)
    const tried: { l2: number; r: number }[] = [];
    if (!fixedL2 && judge && spec.l2s.length > 1) {
      const Xin = subset(X, trIn.rows), Xj = subset(X, judge.rows);
      const yj = Float32Array.from(judge.rows, (r) => all[r]![head]!);
      for (const l2 of spec.l2s) {
        const m = trainBinary(Xin, trIn.y, trIn.sw, { dim: 1 << spec.features.bits, l2, iters: ITERS, lr: 0.05 });
        const r = macroRecallAtFpr(predictBinary(Xj, m.w, m.b), yj, sources(judge.rows), 0.02);
        log({ step: 'select', head, member: spec.name, l2, outOfSourceMacroRecallAt2pctFpr: Math.round(r * 1000) / 1000 });
        tried.push({ l2, r });
      }
    }
    const top = tried.length ? Math.max(...tried.map((t) => t.r)) : 0;
    const l2 = fixedL2 ? fixedL2[k]! : tried.length ? tried.filter((t) => t.r >= top - 0.02).sort((a, b) => b.l2 - a.l2)[0]!.l2 : spec.l2s[0]!;
    const best = { l2, ...trainBinary(Xtr, tr.y, tr.sw, { dim: 1 << spec.features.bits, l2, iters: ITERS, lr: 0.05 }) };
    const w = dequantise(quantise(best.w));
    const pv = predictBinary(Xva, w, best.b);
    if (spec.gate) {
      const pen = spec.gatePenalty ?? Infinity;
      for (let i = 0; i < pv.length; i++) if (!Xva.kinds![spec.gate][i]) pv[i] = pen === Infinity ? 0 : 1 / (1 + Math.exp(-(logit(Math.min(1 - 1e-7, Math.max(1e-7, pv[i]!))) - pen)));
    }
    const t = calibrate(pv, va.y, sources(va.rows), FPR_TARGET[head].all, FPR_TARGET[head].source);
    members.push({ spec, w, b: best.b, l2: best.l2, offset: -logit(t) });
  });
  const e: Ensemble = { members, threshold: 0.5, zhShift: 0 };
  e.threshold = calibrate(ensembleScores(e, va.rows), va.y, sources(va.rows), FPR_TARGET[head].all, FPR_TARGET[head].source);
  // Chinese text gets its own threshold on the Chinese validation rows (stored as a logit shift)
  const zt = ZH_FPR_TARGET[head];
  if (zt) {
    const zr = va.rows.map((r, i) => (mostlyCjk[r] ? i : -1)).filter((i) => i >= 0);
    const zs = ensembleScores(e, zr.map((i) => va.rows[i]!));
    const tz = calibrate(zs, zr.map((i) => va.y[i]!), zr.map((i) => all[va.rows[i]!]!.source), zt.all, zt.source, 15, 0.2);
    e.zhShift = Math.min(ZH_SHIFT_MAX, Math.round((logit(e.threshold) - logit(tz)) * 1000) / 1000);
  }
  return e;
}

const lexDir = join(GUARD_DATA_DIR, 'lexicons');
const baselineLex: Record<Head, CompiledLexicon> = {
  inj: new CompiledLexicon(loadLexicon(join(lexDir, 'injection.tsv'))),
  out: new CompiledLexicon([...loadLexicon(join(lexDir, 'en-harmful.tsv')), ...loadLexicon(join(lexDir, 'zh-extra.tsv')), ...loadLexicon(join(lexDir, 'zh-sensitive.tsv'))].filter((e) => e.action === 'block')),
  harm: new CompiledLexicon([...loadLexicon(join(lexDir, 'en-harmful.tsv')), ...loadLexicon(join(lexDir, 'zh-extra.tsv')), ...loadLexicon(join(lexDir, 'zh-sensitive.tsv'))].filter((e) => e.action === 'block')),
};

const report: Record<string, unknown> = {};
const shipped = {} as Record<Head, Ensemble>;
const HEADS = (process.env.GUARD_HEADS?.split(',') ?? ['inj', 'harm', 'out']) as Head[];
for (const head of HEADS) {
  const tr = headData(head, (_, i) => split[i] === 'train');
  const va = headData(head, (_, i) => split[i] === 'val');
  const te = headData(head, (_, i) => split[i] === 'test');
  const ens = trainHead(head, tr, va);
  shipped[head] = ens;
  const ts = ensembleScores(ens, te.rows);
  const langs = te.rows.map((r) => all[r]!.lang);
  const kw = Float32Array.from(te.rows, (r) => (baselineLex[head].matchText(all[r]!.text).length ? 1 : 0));
  const byLang: Record<string, unknown> = {};
  for (const lang of ['en', 'zh']) {
    const idx = langs.map((l, i) => (l === lang ? i : -1)).filter((i) => i >= 0);
    byLang[lang] = prf(idx.map((i) => ts[i]!), idx.map((i) => te.y[i]!), ens.threshold);
  }
  const perMember: Record<string, unknown> = {};
  for (const m of ens.members) {
    const z = memberLogits(m, te.rows);
    perMember[m.spec.name] = { l2: m.l2, threshold: Math.round(1 / (1 + Math.exp(m.offset)) * 1000) / 1000, test: prf(Float32Array.from(z, (v) => 1 / (1 + Math.exp(-v))), te.y, 0.5) };
  }
  report[head] = {
    threshold: ens.threshold, train: tr.rows.length, val: va.rows.length, test: te.rows.length,
    test_model: prf(ts, te.y, ens.threshold), test_model_by_language: byLang, members: perMember,
    test_keyword_baseline: prf(kw, te.y, 0.5),
    test_by_source: bySource(ts, te.y, sources(te.rows), ens.threshold),
    test_keyword_by_source: bySource(kw, te.y, sources(te.rows), 0.5),
  };
  log({ step: 'test', head, threshold: ens.threshold, test_model: prf(ts, te.y, ens.threshold), test_model_by_language: byLang, members: perMember });
}

// ---- leave-one-source-out: retrain without the source(s), score every row of them
const LOSO_ONLY = process.env.GUARD_LOSO?.split(';').map((g) => g.split('+'));
const OUT_METHODS = ['PAIR', 'GCG', 'DSN'];
const LOSO: Record<Head, string[][]> = LOSO_ONLY ? { inj: LOSO_ONLY, harm: LOSO_ONLY, out: LOSO_ONLY } : {
  out: [...OUT_METHODS.map((m) => [`out-jbb-harmful-${m}`, `out-jbb-safe-${m}`]), ['out-bipia-email'], ['out-own-en', 'out-own-zh']],
  inj: [['jbb-PAIR'], ['jbb-GCG'], ['jbb-DSN'], ['jbb-JailbreakChat', 'jbb-adaptive_random_search'], ['deepset-injection', 'deepset-benign'], ['own-zh-attack'], ['own-zh-attack2'], ['own-zh-attack', 'own-zh-attack2'], ['own-en-attack'], ['own-en-attack2'], ['own-en-benign', 'own-en-benign-gen'], ['own-en-benign2'], ['own-zh-benign', 'own-zh-benign-gen'], ['own-zh-benign2'], ['xstest-safe', 'xstest-unsafe'], ['cvalues']],
  harm: [['harmbench-standard', 'harmbench-contextual'], ['advbench', 'advbench-strings'], ['jbb-behaviors'], ['xstest-safe', 'xstest-unsafe'], ['own-zh-harmful', 'own-zh-harmful-q'], ['own-zh-harmful2'], ['own-zh-harmful', 'own-zh-harmful-q', 'own-zh-harmful2'], ['cvalues'], ['own-zh-benign', 'own-zh-benign-gen'], ['own-zh-benign2'], ['own-en-benign', 'own-en-benign-gen'], ['own-en-benign2'], ['truthfulqa']],
};
const loso: Record<string, unknown> = {};
if (LOSO_ON) {
  for (const head of HEADS) {
    const l2 = shipped[head].members.map((m) => m.l2);
    for (const group of LOSO[head]) {
      const out = new Set(group);
      const ens = trainHead(head, headData(head, (e, i) => split[i] === 'train' && !out.has(e.source)), headData(head, (e, i) => split[i] === 'val' && !out.has(e.source)), l2);
      const held = headData(head, (e) => out.has(e.source));
      const s = ensembleScores(ens, held.rows);
      const byMember = Object.fromEntries(ens.members.map((m) => [m.spec.name, bySource(Float32Array.from(memberLogits(m, held.rows), (z) => 1 / (1 + Math.exp(-z))), held.y, sources(held.rows), 0.5)]));
      // what the default policy does with these rows: the injection model trained without them
      // OR the shipped harmful-intent model (which never trains on jailbreak/injection rows)
      const withHarm = head === 'inj' && shipped.harm ? (() => {
        const hs = ensembleScores(shipped.harm, held.rows);
        return bySource(Float32Array.from(s, (v, i) => (v >= ens.threshold || hs[i]! >= shipped.harm.threshold ? 1 : 0)), held.y, sources(held.rows), 0.5);
      })() : undefined;
      const res = { threshold: ens.threshold, zhShift: ens.zhShift, heldOut: bySource(s, held.y, sources(held.rows), ens.threshold), byMember, ...(withHarm ? { withHarm } : {}) };
      loso[`${head}:${group.join('+')}`] = res;
      log({ step: 'loso', head, group, ...res });
    }
  }
}

// ---- harm category head (softmax) on the n-gram features of harmful rows with a class
const CBITS = 16;
const catX = matrix(MEMBERS.harm[0]!.features).X;
const catRows = all.map((e, i) => (e.harm === 1 && e.harmClass && split[i] === 'train' ? i : -1)).filter((i) => i >= 0);
const catTest = all.map((e, i) => (e.harm === 1 && e.harmClass && split[i] === 'test' ? i : -1)).filter((i) => i >= 0);
const cls = (i: number): number => HARM_CLASSES.findIndex((c) => c.id === all[i]!.harmClass);
const cat = trainSoftmax(subset(catX, catRows), Int32Array.from(catRows, cls), new Float32Array(catRows.length).fill(1), HARM_CLASSES.length, { dim: 1 << CBITS, l2: 1e-4, iters: ITERS, lr: 0.05 });
const cq = quantise(cat.W);
{
  const cw = dequantise(cq);
  const T = subset(catX, catTest);
  const D = 1 << CBITS;
  let ok = 0;
  for (let i = 0; i < T.rows; i++) {
    let bi = 0, bz = -Infinity;
    for (let c = 0; c < HARM_CLASSES.length; c++) {
      let z = 0;
      for (let k = T.indptr[i]!; k < T.indptr[i + 1]!; k++) z += cw[c * D + (T.indices[k]! & (D - 1))]!;
      z = cat.b[c]! + z * T.val[i]!;
      if (z > bz) { bz = z; bi = c; }
    }
    if (bi === cls(catTest[i]!)) ok++;
  }
  report.categories = { train: catRows.length, test: catTest.length, testAccuracy: Math.round((ok / Math.max(1, T.rows)) * 1000) / 1000 };
  log({ step: 'categories', ...(report.categories as object) });
}

// ---- write models
mkdirSync(OUT, { recursive: true });
const trainingNote = {
  script: 'scripts/guard/train.ts', iterations: ITERS, optimiser: 'full-batch Adam, lr 0.05, L2 per member chosen on validation (recall at 1% FPR)',
  split: '70/10/20 by hashed group id (deepset keeps its own test split)', weighting: 'balanced per (language, label)',
  sources: [...new Set(all.map((e) => e.source))].sort(),
};
function writeModel(name: string, head: Head, extra: Record<string, unknown>): void {
  const ens = shipped[head];
  if (!ens) return; // head not trained in this run (GUARD_HEADS)
  const members = ens.members.map((m) => {
    const q = quantise(m.w);
    const file = `${name}-${m.spec.name}.bin`;
    writeFileSync(join(OUT, file), q.bytes);
    return { name: m.spec.name, features: m.spec.features, file, scale: q.scale, bits: m.spec.features.bits, bias: m.b, offset: m.offset, ...(m.spec.gate ? { gate: m.spec.gate } : {}), ...(m.spec.gatePenalty !== undefined ? { gatePenalty: m.spec.gatePenalty } : {}) };
  });
  const meta = {
    name, version: '3', ...extra, members, threshold: ens.threshold, ...(ens.zhShift ? { zhShift: ens.zhShift } : {}),
    metrics: { test: report[head], leaveOneSourceOut: Object.fromEntries(Object.entries(loso).filter(([k]) => k.startsWith(`${head}:`))) },
    training: trainingNote,
  };
  writeFileSync(join(OUT, `${name}.json`), JSON.stringify(meta, null, 1) + '\n');
}
writeModel('injection', 'inj', {
  description: 'Prompt injection / jailbreak detector (Chinese and English): OR ensemble of a hashed n-gram and a concept logistic regression.',
  taxonomy: ['owasp-llm-2025.LLM01', 'tc260.3.1.1.f'],
});
writeModel('harmful-output', 'out', {
  description: 'Output-side detector: model responses that contain harmful content (compliance with a harmful request) versus refusals and benign answers. Trained on English responses; Chinese only through the concept member.',
  taxonomy: ['tc260.3.2.1.a'],
});
writeFileSync(join(OUT, 'harmful-categories.bin'), cq.bytes);
writeModel('harmful', 'harm', {
  description: 'Harmful-intent detector (Chinese and English) with a harm-category head.',
  taxonomy: ['tc260.3.2.1.a'],
  categoryHead: { member: 0, file: 'harmful-categories.bin', scale: cq.scale, bits: CBITS, bias: Array.from(cat.b), classes: HARM_CLASSES },
});
writeFileSync(join(OUT, 'metrics.json'), JSON.stringify({ generated: 'scripts/guard/train.ts', report, leaveOneSourceOut: loso }, null, 1) + '\n');
log({ step: 'done', seconds: Math.round((performance.now() - t0) / 100) / 10 });
