// Side-by-side keyword matching: our typed-array Aho–Corasick (src/guard/aho.ts) against the
// modern-ahocorasick npm package (default compact backend and its double-array `/fast` backend),
// same 100k normalised patterns, same normalised 2 KB prompts, counting every overlapping
// occurrence. Build time, µs per prompt (best of five runs, CPU time) and match counts (equal
// counts show both did the same work). Peer semantics differ slightly: it matches whole grapheme
// clusters, so counts may differ on emoji; the prompts here have none.
import AhoPeer from 'modern-ahocorasick';
import AhoPeerFast from 'modern-ahocorasick/fast';
import { AhoCorasick } from '../../src/guard/aho.ts';

function cpuPer(f: (i: number) => unknown, n: number): number {
  for (let i = 0; i < Math.min(200, n); i++) f(i);
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const c = process.cpuUsage();
    for (let i = 0; i < n; i++) f(i);
    const d = process.cpuUsage(c);
    best = Math.min(best, (d.user + d.system) / n);
  }
  return Math.round(best * 10) / 10;
}

export function peerCompare(patterns: string[], texts: string[]): Record<string, unknown> {
  const codes = texts.map((t) => Uint16Array.from({ length: t.length }, (_, i) => t.charCodeAt(i)));
  const n = Math.min(1000, texts.length);
  const out: Record<string, unknown> = { patterns: patterns.length, prompts: n };
  let t0 = performance.now();
  const ours = AhoCorasick.build(patterns);
  const oursBuild = performance.now() - t0;
  let count = 0;
  for (let i = 0; i < n; i++) count += ours.scanCodes(codes[i]!, 0, codes[i]!.length);
  out.zongheng = { buildMs: Math.round(oursBuild), states: ours.states, typedArrayMB: Math.round(ours.bytes / 1e5) / 10, matches: count,
    usPerPromptCodes: cpuPer((i) => ours.scanCodes(codes[i % n]!, 0, codes[i % n]!.length), n), usPerPromptString: cpuPer((i) => ours.scan(texts[i % n]!), n) };
  for (const [name, Ctor] of [['modernAhocorasick', AhoPeer], ['modernAhocorasickFast', AhoPeerFast]] as const) {
    try {
      t0 = performance.now();
      const m = new Ctor(patterns);
      const build = performance.now() - t0;
      let c = 0;
      for (let i = 0; i < n; i++) c += m.count(texts[i]!);
      const stats = (m as unknown as { getStats?: () => { typedArrayBytes?: number; backend?: string } }).getStats?.();
      out[name] = { buildMs: Math.round(build), backend: stats?.backend, typedArrayMB: stats?.typedArrayBytes ? Math.round(stats.typedArrayBytes / 1e5) / 10 : undefined, matches: c,
        usPerPromptCount: cpuPer((i) => m.count(texts[i % n]!), n), usPerPromptSearch: cpuPer((i) => m.search(texts[i % n]!), Math.min(n, 300)) };
    } catch (e) {
      out[name] = { error: (e as Error).message };
    }
  }
  return out;
}
