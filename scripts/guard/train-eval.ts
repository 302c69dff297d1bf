// Metrics helpers for the guard training script.

export interface Counts { tp: number; fp: number; tn: number; fn: number }
export interface Prf { n: number; pos: number; precision: number; recall: number; f1: number; fpr: number }

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export function prf(scores: ArrayLike<number>, labels: ArrayLike<number>, t: number): Prf {
  const c: Counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i]! >= t, y = labels[i] === 1;
    if (p && y) c.tp++; else if (p) c.fp++; else if (y) c.fn++; else c.tn++;
  }
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1;
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const fpr = c.fp + c.tn ? c.fp / (c.fp + c.tn) : 0;
  return { n: scores.length, pos: c.tp + c.fn, precision: r3(precision), recall: r3(recall), f1: r3(f1), fpr: r3(fpr) };
}

/** Per-source figures: recall for positive sources, false-positive rate for negative ones. */
export function bySource(scores: ArrayLike<number>, labels: ArrayLike<number>, sources: readonly string[], t: number): Record<string, { n: number; rate: number; metric: 'recall' | 'fpr' }> {
  const agg = new Map<string, { n: number; hit: number; pos: boolean }>();
  for (let i = 0; i < scores.length; i++) {
    const s = sources[i]!;
    let a = agg.get(s);
    if (!a) agg.set(s, (a = { n: 0, hit: 0, pos: labels[i] === 1 }));
    a.n++;
    if (scores[i]! >= t) a.hit++;
  }
  const out: Record<string, { n: number; rate: number; metric: 'recall' | 'fpr' }> = {};
  for (const [s, a] of [...agg.entries()].sort()) out[s] = { n: a.n, rate: r3(a.hit / a.n), metric: a.pos ? 'recall' : 'fpr' };
  return out;
}

/** Smallest threshold whose false-positive rate stays within `maxFpr` overall and within
 * `maxSourceFpr` for every negative source with at least `minN` examples. */
export function calibrate(scores: ArrayLike<number>, labels: ArrayLike<number>, sources: readonly string[], maxFpr: number, maxSourceFpr: number, minN = 15, minT = 0.5): number {
  const cands = [...new Set(Array.from(scores, (s) => Math.round(s * 1000) / 1000))].sort((a, b) => a - b);
  for (const t of [minT, ...cands.filter((c) => c > minT)]) {
    const all = prf(scores, labels, t);
    if (all.fpr > maxFpr) continue;
    const per = bySource(scores, labels, sources, t);
    if (Object.values(per).every((p) => p.metric === 'recall' || p.n < minN || p.rate <= maxSourceFpr)) return t;
  }
  return 0.99;
}

/** Recall at the threshold giving `fpr` on negatives (for model selection). */
export function recallAtFpr(scores: ArrayLike<number>, labels: ArrayLike<number>, fpr: number): number {
  const neg = Array.from(scores).filter((_, i) => labels[i] !== 1).sort((a, b) => b - a);
  const k = Math.floor(neg.length * fpr);
  const t = neg[k] ?? 1;
  let tp = 0, pos = 0;
  for (let i = 0; i < scores.length; i++) if (labels[i] === 1) { pos++; if (scores[i]! > t) tp++; }
  return pos ? tp / pos : 0;
}
