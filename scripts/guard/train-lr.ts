// Logistic-regression training (binary and softmax) on hashed sparse features, full-batch Adam
// with L2 regularisation. Deterministic: no randomness in the optimiser.
import { Featurizer } from '../../src/guard/features.ts';
import { normalise } from '../../src/guard/normalise.ts';

export interface Matrix { indptr: Int32Array; indices: Int32Array; val: Float32Array; rows: number; kinds?: { harm: Uint8Array; inj: Uint8Array } }

export function buildMatrix(texts: readonly string[], fz: Featurizer): Matrix {
  const indptr = new Int32Array(texts.length + 1);
  const parts: Int32Array[] = [];
  const val = new Float32Array(texts.length);
  const harm = new Uint8Array(texts.length), inj = new Uint8Array(texts.length);
  let nnz = 0;
  texts.forEach((t, i) => {
    const v = fz.extract(normalise(t).text);
    harm[i] = fz.lastHasKind('harm') ? 1 : 0;
    inj[i] = fz.lastHasKind('inj') ? 1 : 0;
    parts.push(v.idx);
    val[i] = v.value;
    nnz += v.n;
    indptr[i + 1] = nnz;
  });
  const indices = new Int32Array(nnz);
  let o = 0;
  for (const p of parts) { indices.set(p, o); o += p.length; }
  return { indptr, indices, val, rows: texts.length, kinds: { harm, inj } };
}

export function subset(m: Matrix, rows: readonly number[]): Matrix {
  const indptr = new Int32Array(rows.length + 1);
  let nnz = 0;
  for (let k = 0; k < rows.length; k++) { const r = rows[k]!; nnz += m.indptr[r + 1]! - m.indptr[r]!; indptr[k + 1] = nnz; }
  const indices = new Int32Array(nnz);
  const val = new Float32Array(rows.length);
  const harm = new Uint8Array(rows.length), inj = new Uint8Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    indices.set(m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!), indptr[k]!);
    val[k] = m.val[r]!;
    harm[k] = m.kinds?.harm[r] ?? 0;
    inj[k] = m.kinds?.inj[r] ?? 0;
  }
  return { indptr, indices, val, rows: rows.length, kinds: { harm, inj } };
}

export interface TrainOpts { dim: number; l2: number; iters: number; lr: number }

function sigmoid(z: number): number { return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)); }

/** Binary logistic regression; `sw` are per-example weights. Returns weights and bias. */
export function trainBinary(X: Matrix, y: Float32Array, sw: Float32Array, o: TrainOpts): { w: Float32Array; b: number } {
  const w = new Float32Array(o.dim);
  const g = new Float32Array(o.dim);
  const m1 = new Float32Array(o.dim), m2 = new Float32Array(o.dim);
  let b = 0, bm1 = 0, bm2 = 0;
  let S = 0;
  for (let i = 0; i < X.rows; i++) S += sw[i]!;
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  for (let it = 1; it <= o.iters; it++) {
    g.fill(0);
    let gb = 0;
    for (let i = 0; i < X.rows; i++) {
      const s = X.indptr[i]!, e = X.indptr[i + 1]!, v = X.val[i]!;
      let z = b;
      for (let k = s; k < e; k++) z += w[X.indices[k]!]!;
      z = b + (z - b) * v;
      const d = (sigmoid(z) - y[i]!) * sw[i]! / S;
      gb += d;
      const dv = d * v;
      for (let k = s; k < e; k++) g[X.indices[k]!]! += dv;
    }
    const lrt = o.lr * Math.sqrt(1 - b2 ** it) / (1 - b1 ** it);
    for (let j = 0; j < o.dim; j++) {
      const gj = g[j]! + o.l2 * w[j]!;
      if (gj === 0 && m1[j] === 0) continue;
      m1[j] = b1 * m1[j]! + (1 - b1) * gj;
      m2[j] = b2 * m2[j]! + (1 - b2) * gj * gj;
      w[j] = w[j]! - lrt * m1[j]! / (Math.sqrt(m2[j]!) + eps);
    }
    bm1 = b1 * bm1 + (1 - b1) * gb;
    bm2 = b2 * bm2 + (1 - b2) * gb * gb;
    b -= lrt * bm1 / (Math.sqrt(bm2) + eps);
  }
  return { w, b };
}

export function predictBinary(X: Matrix, w: Float32Array, b: number): Float32Array {
  const out = new Float32Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let z = 0;
    for (let k = X.indptr[i]!; k < X.indptr[i + 1]!; k++) z += w[X.indices[k]!]!;
    out[i] = sigmoid(b + z * X.val[i]!);
  }
  return out;
}

/** Softmax regression over K classes on features folded to `dim` (power of two). */
export function trainSoftmax(X: Matrix, y: Int32Array, sw: Float32Array, K: number, o: TrainOpts): { W: Float32Array; b: Float32Array } {
  const D = o.dim, mask = D - 1;
  const W = new Float32Array(K * D), G = new Float32Array(K * D);
  const m1 = new Float32Array(K * D), m2 = new Float32Array(K * D);
  const b = new Float32Array(K), gb = new Float32Array(K), bm1 = new Float32Array(K), bm2 = new Float32Array(K);
  let S = 0;
  for (let i = 0; i < X.rows; i++) S += sw[i]!;
  const z = new Float64Array(K);
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  for (let it = 1; it <= o.iters; it++) {
    G.fill(0); gb.fill(0);
    for (let i = 0; i < X.rows; i++) {
      const s = X.indptr[i]!, e = X.indptr[i + 1]!, v = X.val[i]!;
      let mx = -Infinity;
      for (let c = 0; c < K; c++) {
        let t = 0;
        const off = c * D;
        for (let k = s; k < e; k++) t += W[off + (X.indices[k]! & mask)]!;
        z[c] = b[c]! + t * v;
        if (z[c]! > mx) mx = z[c]!;
      }
      let sum = 0;
      for (let c = 0; c < K; c++) { z[c] = Math.exp(z[c]! - mx); sum += z[c]!; }
      for (let c = 0; c < K; c++) {
        const d = (z[c]! / sum - (y[i] === c ? 1 : 0)) * sw[i]! / S;
        gb[c]! += d;
        const off = c * D, dv = d * v;
        for (let k = s; k < e; k++) G[off + (X.indices[k]! & mask)]! += dv;
      }
    }
    const lrt = o.lr * Math.sqrt(1 - b2 ** it) / (1 - b1 ** it);
    for (let j = 0; j < K * D; j++) {
      const gj = G[j]! + o.l2 * W[j]!;
      if (gj === 0 && m1[j] === 0) continue;
      m1[j] = b1 * m1[j]! + (1 - b1) * gj;
      m2[j] = b2 * m2[j]! + (1 - b2) * gj * gj;
      W[j] = W[j]! - lrt * m1[j]! / (Math.sqrt(m2[j]!) + eps);
    }
    for (let c = 0; c < K; c++) {
      bm1[c] = b1 * bm1[c]! + (1 - b1) * gb[c]!;
      bm2[c] = b2 * bm2[c]! + (1 - b2) * gb[c]! * gb[c]!;
      b[c] = b[c]! - lrt * bm1[c]! / (Math.sqrt(bm2[c]!) + eps);
    }
  }
  return { W, b };
}

/** int8 quantisation: returns bytes and the scale (weight = q × scale). */
export function quantise(w: Float32Array): { bytes: Int8Array; scale: number } {
  let mx = 0;
  for (let i = 0; i < w.length; i++) mx = Math.max(mx, Math.abs(w[i]!));
  const scale = mx > 0 ? mx / 127 : 1;
  const bytes = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) bytes[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / scale)));
  return { bytes, scale };
}

export function dequantise(q: { bytes: Int8Array; scale: number }): Float32Array {
  return Float32Array.from(q.bytes, (x) => x * q.scale);
}
