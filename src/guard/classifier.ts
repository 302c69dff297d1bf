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

export interface ModelFile {
  name: string;
  version: string;
  description: string;
  features: FeatureConfig;
  main: ModelHeadFile & { bias: number };
  /** Optional multi-class head over harm categories (softmax). */
  categoryHead?: ModelHeadFile & { bias: number[]; classes: { id: string; taxonomy: string[] }[] };
  /** Decision threshold calibrated on validation data (see metrics). */
  threshold: number;
  /** Taxonomy ids reported when the main head fires. */
  taxonomy: string[];
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
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function loadWeights(dir: string, h: ModelHeadFile, rows: number): Float32Array {
  const buf = readFileSync(join(dir, h.file));
  const expected = rows * (1 << h.bits);
  if (buf.length !== expected) throw new Error(`model weights ${h.file}: expected ${expected} bytes, found ${buf.length}`);
  const q = new Int8Array(buf.buffer, buf.byteOffset, buf.length);
  const w = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) w[i] = q[i]! * h.scale;
  return w;
}

export class Classifier {
  readonly name: string;
  readonly threshold: number;
  readonly meta: ModelFile;
  private readonly fz: Featurizer;
  private readonly w: Float32Array;
  private readonly cw?: Float32Array;
  private readonly cmask: number;
  private readonly cdim: number;

  constructor(meta: ModelFile, dir: string) {
    this.meta = meta;
    this.name = meta.name;
    this.threshold = meta.threshold;
    this.fz = new Featurizer(meta.features);
    if (meta.main.bits !== meta.features.bits) throw new Error('model main head bits must equal feature bits');
    this.w = loadWeights(dir, meta.main, 1);
    this.cdim = meta.categoryHead ? 1 << meta.categoryHead.bits : 0;
    this.cmask = this.cdim - 1;
    if (meta.categoryHead) this.cw = loadWeights(dir, meta.categoryHead, meta.categoryHead.classes.length);
  }

  /** Raw probability of the positive class for a normalised text (no windows). */
  scoreVec(v: SparseVec): number {
    let z = 0;
    const w = this.w;
    for (let k = 0; k < v.n; k++) z += w[v.idx[k]!]!;
    return sigmoid(this.meta.main.bias + z * v.value);
  }

  private category(v: SparseVec): { id: string; taxonomy: string[] } | undefined {
    const head = this.meta.categoryHead;
    if (!head || !this.cw) return undefined;
    let best = -Infinity, bi = 0;
    for (let c = 0; c < head.classes.length; c++) {
      let z = 0;
      const off = c * this.cdim;
      for (let k = 0; k < v.n; k++) z += this.cw[off + (v.idx[k]! & this.cmask)]!;
      z = head.bias[c]! + z * v.value;
      if (z > best) { best = z; bi = c; }
    }
    return head.classes[bi];
  }

  /** Score a NORMALISED text (the guard passes its shared normalised view). */
  predict(normText: string): Prediction {
    const v = this.fz.extract(normText);
    let score = this.scoreVec(v);
    let bestVec = v;
    const win = this.meta.window;
    if (win && normText.length > win.size + win.stride) {
      for (let s = 0; s < normText.length; s += win.stride) {
        const wv = this.fz.extract(normText.slice(s, s + win.size));
        const ws = this.scoreVec(wv);
        if (ws > score) { score = ws; bestVec = wv; }
        if (s + win.size >= normText.length) break;
      }
    }
    const cat = score >= this.threshold ? this.category(bestVec) : undefined;
    const categories = [...this.meta.taxonomy];
    if (cat) for (const t of cat.taxonomy) if (!categories.includes(t)) categories.push(t);
    return { score, categories, ...(cat ? { label: cat.id } : {}) };
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
