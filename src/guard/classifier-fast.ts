// Fast scoring of the built-in classifiers for the guard's hot path, on the normalised code
// units of a check (no string, no per-call arrays), with the feature extraction shared by every
// classifier of the process (features-fast.ts). classifier.ts stays the reference: a fast model
// is only used after it reproduced the reference's predictions and feature sets exactly on a
// fixed set of probe texts, so a retrained model or a change in features.ts falls back to the
// reference instead of changing scores.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveDataPath } from './data.ts';
import { Featurizer, type FeatureConfig } from './features.ts';
import type { Classifier, ModelFile, ModelHeadFile, Prediction } from './classifier.ts';
import { FeatureEngine, supportsConfig, type FeatureSet } from './features-fast.ts';
import { normaliseView } from './normalise.ts';
import { PROBE_TEXTS } from './classifier-probes.ts';

/** Model and member fields this twin implements; any other field may change scoring, so a model
 * carrying one uses the reference. */
const MODEL_KEYS = new Set(['name', 'version', 'description', 'taxonomy', 'members', 'threshold', 'zhShift', 'window', 'categoryHead', 'metrics', 'training']);
const MEMBER_KEYS = new Set(['name', 'features', 'bias', 'offset', 'gate', 'gatePenalty', 'file', 'scale', 'bits']);

/** classifier.ts isMostlyCjk on a code-unit range: CJK characters outnumber Latin letters,
 * one CJK character weighing like three letters. */
function mostlyCjk(codes: Uint16Array, from: number, to: number): boolean {
  let cjk = 0, latin = 0;
  for (let i = from; i < to; i++) {
    const c = codes[i]!;
    if (c >= 0x61 && c <= 0x7a) latin++;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) cjk++;
  }
  return cjk * 3 > latin;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Same path rule as loadClassifier (classifier.ts). */
export function modelPath(nameOrPath: string, baseDir?: string): string {
  return /[\\/]|\.json$/.test(nameOrPath) ? resolveDataPath(nameOrPath, baseDir) : resolveDataPath(`models/${nameOrPath}.json`);
}

function loadWeights(dir: string, h: ModelHeadFile, rows: number): Int8Array {
  const buf = readFileSync(join(dir, h.file));
  if (buf.length !== rows * (1 << h.bits)) throw new Error(`model weights ${h.file}: unexpected size`);
  return new Int8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

// ---- one feature engine for all fast models of the process, memoised on the last text
const configs: FeatureConfig[] = [];
const configKeys: string[] = [];
let engine: FeatureEngine | undefined;
let memo: { key: unknown; token: number; from: number; to: number; cjk?: boolean } | undefined;

function slotOf(cfg: FeatureConfig): number {
  const key = JSON.stringify(cfg);
  let i = configKeys.indexOf(key);
  if (i < 0) { i = configs.length; configs.push(cfg); configKeys.push(key); engine = undefined; memo = undefined; }
  return i;
}
// Weights of every member of every fast model, per feature slot, interleaved (packed[i*M + m] =
// member m's weight of feature i): one pass over a text's features sums all models' members at
// once, touching one cache line per feature instead of one per member (the injection and harmful
// models share their n-gram features).
const slotWeights: Int8Array[][] = [];
const packed: (Int8Array | undefined)[] = [];
const sums: Int32Array[] = [];

function register(slot: number, w: Int8Array): number {
  const list = (slotWeights[slot] ??= []);
  list.push(w);
  packed[slot] = undefined;
  memo = undefined;
  return list.length - 1;
}

function pack(list: Int8Array[]): Int8Array {
  const M = list.length, dim = list[0]!.length;
  const p = new Int8Array(dim * M);
  for (let m = 0; m < M; m++) { const w = list[m]!; for (let i = 0; i < dim; i++) p[i * M + m] = w[i]!; }
  return p;
}

/** Integer weight sums of every registered member over the engine's current features. */
function sumAll(eng: FeatureEngine): void {
  for (let slot = 0; slot < slotWeights.length; slot++) {
    const list = slotWeights[slot];
    if (!list?.length) continue;
    const M = list.length;
    const P = (packed[slot] ??= pack(list));
    if (sums[slot]?.length !== M) sums[slot] = new Int32Array(M);
    const S = sums[slot]!;
    const fs = eng.sets[slot]!, idx = fs.idx, n = fs.n;
    if (M === 2) {
      let a = 0, b = 0;
      for (let k = 0; k < n; k++) { const j = idx[k]! * 2; a += P[j]!; b += P[j + 1]!; }
      S[0] = a; S[1] = b;
    } else {
      S.fill(0);
      for (let k = 0; k < n; k++) { const j = idx[k]! * M; for (let m = 0; m < M; m++) S[m]! += P[j + m]!; }
    }
  }
}

function features(key: unknown, token: number, codes: Uint16Array, from: number, to: number): FeatureEngine {
  engine ??= new FeatureEngine(configs);
  if (!memo || memo.key !== key || memo.token !== token || memo.from !== from || memo.to !== to) {
    engine.run(codes, from, to);
    sumAll(engine);
    memo = { key, token, from, to };
  }
  return engine;
}

interface Member { slot: number; col: number; bias: number; scale: number; offset: number; gate?: string; gatePenalty?: number }

export class FastClassifier {
  readonly meta: ModelFile;
  private readonly members: Member[];
  private readonly cw?: Int8Array;
  private readonly cdim: number;
  private readonly out: number[];

  private constructor(meta: ModelFile, dir: string) {
    this.meta = meta;
    // (a twin that then fails its probe check leaves an unused column behind: harmless, rare)
    this.members = meta.members.map((m) => {
      const slot = slotOf(m.features);
      return {
      slot, col: register(slot, loadWeights(dir, m, 1)), bias: m.bias, scale: m.scale, offset: m.offset,
      ...(m.gate ? { gate: m.gate } : {}), ...(m.gatePenalty !== undefined ? { gatePenalty: m.gatePenalty } : {}),
      };
    });
    this.cdim = meta.categoryHead ? 1 << meta.categoryHead.bits : 0;
    if (meta.categoryHead) this.cw = loadWeights(dir, meta.categoryHead, meta.categoryHead.classes.length);
    this.out = new Array<number>(meta.members.length).fill(0);
  }

  /** A fast twin of `ref` (loaded from `nameOrPath` as loadClassifier does), or undefined when
   * the model uses options this twin lacks or the probes disagree with the reference. */
  static forModel(ref: Classifier, nameOrPath: string, baseDir?: string): FastClassifier | undefined {
    const meta = ref.meta;
    if (!Object.keys(meta).every((k) => MODEL_KEYS.has(k))) return undefined;
    if (!meta.members.every((m) => Object.keys(m).every((k) => MEMBER_KEYS.has(k)) && supportsConfig(m.features) && m.bits === m.features.bits)) return undefined;
    const path = modelPath(nameOrPath, baseDir);
    if (!existsSync(path)) return undefined;
    let fast: FastClassifier;
    try { fast = new FastClassifier(meta, dirname(path)); } catch { return undefined; }
    return fast.agreesWith(ref) ? fast : undefined;
  }

  /** Prediction for codes[from, to) of a normalised text; `key`/`token` identify the text for
   * the shared feature memo (see NormView.token). Equal to Classifier.predict(text). */
  predictCodes(key: unknown, token: number, codes: Uint16Array, from: number, to: number): Prediction {
    let best = this.score(key, token, codes, from, to);
    let members = this.out.slice();
    let bestFrom = from, bestTo = to;
    const win = this.meta.window;
    const len = to - from;
    if (win && len > win.size + win.stride) {
      for (let s = 0; s < len; s += win.stride) {
        const a = from + s, b = Math.min(to, a + win.size);
        const z = this.score(key, token, codes, a, b);
        if (sigmoidOf(z) > sigmoidOf(best)) { best = z; members = this.out.slice(); bestFrom = a; bestTo = b; }
        if (s + win.size >= len) break;
      }
    }
    const score = best === -Infinity ? 0 : sigmoid(best);
    const categories = [...this.meta.taxonomy];
    let label: string | undefined;
    if (score >= this.meta.threshold && this.meta.categoryHead) {
      // the category head reads the features of the winning text (window)
      const ci = this.meta.categoryHead.member;
      const m = this.members[ci];
      if (m) {
        const fs = features(key, token, codes, bestFrom, bestTo).sets[m.slot]!;
        const cat = this.category(fs);
        label = cat.id;
        for (const t of cat.taxonomy) if (!categories.includes(t)) categories.push(t);
      }
    }
    return { score, categories, members, ...(label !== undefined ? { label } : {}) };
  }

  /** Best member logit (Classifier.scoreText); member probabilities land in this.out. */
  private score(key: unknown, token: number, codes: Uint16Array, from: number, to: number): number {
    const eng = features(key, token, codes, from, to);
    let best = -Infinity;
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[i]!;
      const fs = eng.sets[m.slot]!;
      const z = sums[m.slot]![m.col]!;
      let logit = m.bias + z * m.scale * fs.value + m.offset;
      if (m.gate && !eng.hasKind(m.gate)) logit -= m.gatePenalty ?? Infinity;
      this.out[i] = sigmoid(logit);
      if (logit > best) best = logit;
    }
    // Chinese texts get their own calibration (classifier.ts zhShift)
    const shift = (this.meta as { zhShift?: number }).zhShift;
    if (shift && best !== -Infinity && (memo!.cjk ??= mostlyCjk(codes, from, to))) best += shift;
    return best;
  }

  private category(fs: FeatureSet): { id: string; taxonomy: string[] } {
    const head = this.meta.categoryHead!;
    const cw = this.cw!, cmask = this.cdim - 1;
    let best = -Infinity, bi = 0;
    for (let c = 0; c < head.classes.length; c++) {
      let z = 0;
      const off = c * this.cdim;
      for (let k = 0; k < fs.n; k++) z += cw[off + (fs.idx[k]! & cmask)]!;
      z = head.bias[c]! + z * head.scale * fs.value;
      if (z > best) { best = z; bi = c; }
    }
    return head.classes[bi]!;
  }

  /** Prediction for a normalised string (tests and probes). */
  predict(normText: string): Prediction {
    const codes = new Uint16Array(normText.length);
    for (let i = 0; i < normText.length; i++) codes[i] = normText.charCodeAt(i);
    return this.predictCodes(codes, 0, codes, 0, codes.length);
  }

  /** Probe texts give the same predictions and feature sets as the reference. */
  private agreesWith(ref: Classifier): boolean {
    for (const probe of PROBE_TEXTS) {
      const v = normaliseView(probe);
      const t = v.text;
      const a = ref.predict(t);
      const b = this.predictCodes(v, v.token, v.codes(), 0, v.length);
      if (a.score !== b.score || a.label !== b.label || a.categories.join() !== b.categories.join()) return false;
      if ((a.members ?? []).join() !== b.members!.join()) return false;
      const eng = features(v, v.token, v.codes(), 0, v.length);
      for (const m of this.members) {
        const want = new Featurizer(configs[m.slot]!).extract(t);
        const got = eng.sets[m.slot]!;
        if (want.n !== got.n) return false;
        const x = Array.from(want.idx).sort((p, q) => p - q), y = Array.from(got.idx.subarray(0, got.n)).sort((p, q) => p - q);
        for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
      }
    }
    return true;
  }
}

function sigmoidOf(z: number): number {
  return z === -Infinity ? 0 : sigmoid(z);
}
