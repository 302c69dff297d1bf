/** Proportions with Wilson score intervals, threshold decisions on the bound, and a small latency histogram. */

export interface Proportion {
  n: number;
  k: number;
  rate: number;
  lower: number;
  upper: number;
}

/** Wilson score interval for k successes in n trials (z = 1.96 → 95%). */
export function wilson(k: number, n: number, z = 1.959964): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, (centre - margin) / denom), upper: Math.min(1, (centre + margin) / denom) };
}

export function proportion(k: number, n: number, z?: number): Proportion {
  const { lower, upper } = wilson(k, n, z);
  return { n, k, rate: n ? k / n : 0, lower: r6(lower), upper: r6(upper) };
}

export function r6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export type Direction = 'min' | 'max';
export type ThresholdStatus = 'pass' | 'fail' | 'inconclusive' | 'no-data';

/**
 * Decides on the confidence bound: a `min` threshold passes only when the lower bound clears it,
 * a `max` threshold only when the upper bound stays under it. When the point estimate is on the
 * right side but the bound is not, the status is `inconclusive` (more cases would decide).
 */
export function judgeThreshold(p: Proportion, threshold: number, direction: Direction): { passed: boolean; status: ThresholdStatus } {
  if (p.n === 0) return { passed: false, status: 'no-data' };
  if (direction === 'min') {
    if (p.lower >= threshold) return { passed: true, status: 'pass' };
    return { passed: false, status: p.rate >= threshold ? 'inconclusive' : 'fail' };
  }
  if (p.upper <= threshold) return { passed: true, status: 'pass' };
  return { passed: false, status: p.rate <= threshold ? 'inconclusive' : 'fail' };
}

/** Log-bucketed latency histogram: bounded memory, ~5% relative precision. */
export class Histogram {
  private readonly buckets = new Map<number, number>();
  count = 0;
  sum = 0;
  max = 0;
  add(ms: number): void {
    const v = Math.max(0, ms);
    const b = v < 1 ? 0 : Math.floor(Math.log(v) / Math.log(1.05)) + 1;
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const target = q * this.count;
    let seen = 0;
    for (const b of [...this.buckets.keys()].sort((x, y) => x - y)) {
      seen += this.buckets.get(b)!;
      if (seen >= target) return b === 0 ? 0 : Math.round(1.05 ** b);
    }
    return this.max;
  }
  summary(): { count: number; mean: number; p50: number; p95: number; p99: number; max: number } {
    return {
      count: this.count,
      mean: this.count ? Math.round(this.sum / this.count) : 0,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: Math.round(this.max),
    };
  }
}
