// Built-in lightweight classifiers: hashed features (features.ts) and logistic-regression heads
// with int8-quantised weights, trained offline by scripts/guard/train.ts and shipped under
// data/guard/models/. Pure TypeScript inference.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveDataPath } from './data.ts';
import { Featurizer, type FeatureConfig, type SparseVec } from './features.ts';
import { normalise } from './normalise.ts';

export interface ModelHeadFile {
  file: string;
  /** Weight = int8 × scale. */
  scale: number;
  bits: number;
}

/** One linear model of the ensemble; it "fires" when bias + value·Σw + offset ≥ 0, where
 * offset = −logit(its own calibrated threshold). */
export interface ModelMember extends ModelHeadFile {
  name: string;
  features: FeatureConfig;
  bias: number;
  offset: number;
  /** When set, the member's logit is lowered by `gatePenalty` (default: it cannot fire at all)
   * unless the text has a concept of this kind (e.g. `harm`). */
  gate?: string;
  gatePenalty?: number;
}

export interface ModelFile {
  name: string;
  version: string;
  description: string;
  /** Members are combined by maximum of their offset logits: the model fires when any member
   * fires (an OR ensemble of a surface n-gram model and a concept model). */
  members: ModelMember[];
  /** Optional multi-class head over harm categories (softmax) on member `member`'s features. */
  categoryHead?: ModelHeadFile & { member: number; bias: number[]; classes: { id: string; taxonomy: string[] }[] };
  /** Decision threshold on the combined score (0.5 = any member at its own threshold). */
  threshold: number;
  /** Taxonomy ids reported when the model fires. */
  taxonomy: string[];
  /** Added to the combined logit of texts that are mostly Chinese (see `isMostlyCjk`): Chinese
   * text gets its own calibrated threshold (on Chinese validation rows) without changing the
   * model's single `threshold`. */
  zhShift?: number;
  /** Long texts are also scored in windows of this many characters (max of window scores). */
  window?: { size: number; stride: number };
  metrics?: unknown;
  training?: unknown;
}

export interface Prediction {
  score: number;
  categories: string[];
  /** Best category class id, when the model has a category head. */
  label?: string;
  /** Each member's own probability after its calibration offset (0.5 = at its threshold). */
  members?: number[];
}

/** True when CJK characters outnumber Latin letters (normalised text; a cheap pass over the
 * code units, no allocation). Decides which calibration a text gets. */
export function isMostlyCjk(t: string): boolean {
  let cjk = 0, latin = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) latin++;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) cjk++;
  }
  // a Chinese character carries about as much as a short word: weigh it like three letters
  return cjk * 3 > latin;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** int8 weights as stored (the scale is applied once per dot product: smaller and
 * cache-friendlier than dequantised floats). */
function loadWeights(dir: string, h: ModelHeadFile, rows: number): Int8Array {
  const buf = readFileSync(join(dir, h.file));
  const expected = rows * (1 << h.bits);
  if (buf.length !== expected) throw new Error(`model weights ${h.file}: expected ${expected} bytes, found ${buf.length}`);
  return new Int8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/** Featurizers shared by every model with the same feature configuration, with the last
 * extraction memoised: the guard scores one normalised text with several models. */
const shared = new Map<string, { fz: Featurizer; text?: string; vec?: SparseVec; kinds?: Set<string> }>();
function sharedFeaturizer(f: FeatureConfig): { fz: Featurizer; text?: string; vec?: SparseVec; kinds?: Set<string> } {
  const key = JSON.stringify(f);
  let e = shared.get(key);
  if (!e) shared.set(key, (e = { fz: new Featurizer(f) }));
  return e;
}

interface LoadedMember { m: ModelMember; sf: ReturnType<typeof sharedFeaturizer>; w: Int8Array }

export class Classifier {
  readonly name: string;
  readonly threshold: number;
  readonly meta: ModelFile;
  private readonly members: LoadedMember[];
  private readonly cw?: Int8Array;
  private readonly cmask: number;
  private readonly cdim: number;

  constructor(meta: ModelFile, dir: string) {
    this.meta = meta;
    this.name = meta.name;
    this.threshold = meta.threshold;
    this.members = meta.members.map((m) => {
      if (m.bits !== m.features.bits) throw new Error(`model ${meta.name}: member ${m.name} bits must equal its feature bits`);
      return { m, sf: sharedFeaturizer(m.features), w: loadWeights(dir, m, 1) };
    });
    this.cdim = meta.categoryHead ? 1 << meta.categoryHead.bits : 0;
    this.cmask = this.cdim - 1;
    if (meta.categoryHead) this.cw = loadWeights(dir, meta.categoryHead, meta.categoryHead.classes.length);
  }

  private static logit(lm: LoadedMember, v: SparseVec): number {
    let z = 0;
    const w = lm.w, idx = v.idx;
    for (let k = 0; k < v.n; k++) z += w[idx[k]!]!;
    return lm.m.bias + z * lm.m.scale * v.value + lm.m.offset;
  }

  private static extract(lm: LoadedMember, t: string): { vec: SparseVec; kinds: Set<string> } {
    const sf = lm.sf;
    if (sf.text !== t || !sf.vec || !sf.kinds) {
      sf.vec = sf.fz.extract(t);
      sf.kinds = new Set(['harm', 'inj', 'ctx'].filter((k) => sf.fz.lastHasKind(k)));
      sf.text = t;
    }
    return { vec: sf.vec, kinds: sf.kinds };
  }

  /** Combined score and the feature vector of the category member. */
  private scoreText(t: string): { score: number; vec?: SparseVec; members: number[] } {
    let best = -Infinity;
    let vec: SparseVec | undefined;
    const members: number[] = [];
    const ci = this.meta.categoryHead?.member ?? -1;
    for (let i = 0; i < this.members.length; i++) {
      const lm = this.members[i]!;
      const { vec: v, kinds } = Classifier.extract(lm, t);
      if (i === ci) vec = v;
      const z = Classifier.logit(lm, v) - (lm.m.gate && !kinds.has(lm.m.gate) ? lm.m.gatePenalty ?? Infinity : 0);
      members.push(sigmoid(z));
      if (z > best) best = z;
    }
    if (this.meta.zhShift && best !== -Infinity && isMostlyCjk(t)) best += this.meta.zhShift;
    return { score: best === -Infinity ? 0 : sigmoid(best), members, ...(vec ? { vec } : {}) };
  }

  private category(v: SparseVec | undefined): { id: string; taxonomy: string[] } | undefined {
    const head = this.meta.categoryHead;
    if (!head || !this.cw || !v) return undefined;
    let best = -Infinity, bi = 0;
    for (let c = 0; c < head.classes.length; c++) {
      let z = 0;
      const off = c * this.cdim;
      for (let k = 0; k < v.n; k++) z += this.cw[off + (v.idx[k]! & this.cmask)]!;
      z = head.bias[c]! + z * head.scale * v.value;
      if (z > best) { best = z; bi = c; }
    }
    return head.classes[bi];
  }

  /** Score a NORMALISED text (the guard passes its shared normalised view). */
  predict(normText: string): Prediction {
    let r = this.scoreText(normText);
    const win = this.meta.window;
    if (win && normText.length > win.size + win.stride) {
      for (let s = 0; s < normText.length; s += win.stride) {
        const wr = this.scoreText(normText.slice(s, s + win.size));
        if (wr.score > r.score) r = wr;
        if (s + win.size >= normText.length) break;
      }
    }
    const cat = r.score >= this.threshold ? this.category(r.vec) : undefined;
    const categories = [...this.meta.taxonomy];
    if (cat) for (const t of cat.taxonomy) if (!categories.includes(t)) categories.push(t);
    return { score: r.score, categories, members: r.members, ...(cat ? { label: cat.id } : {}) };
  }

  /** Convenience for raw text: normalise, then predict. */
  predictText(text: string): Prediction {
    return this.predict(normalise(text).text);
  }
}

const cache = new Map<string, Classifier>();

/** Load a built-in model by name (`injection`, `harmful`) or a model JSON path. Cached. */
export function loadClassifier(nameOrPath: string, baseDir?: string): Classifier {
  const key = `${baseDir ?? ''}|${nameOrPath}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const path = /[\\/]|\.json$/.test(nameOrPath) ? resolveDataPath(nameOrPath, baseDir) : resolveDataPath(`models/${nameOrPath}.json`);
  if (!existsSync(path)) throw new Error(`classifier model "${nameOrPath}" not found (looked for ${path})`);
  const meta = JSON.parse(readFileSync(path, 'utf8')) as ModelFile;
  const c = new Classifier(meta, dirname(path));
  cache.set(key, c);
  return c;
}
