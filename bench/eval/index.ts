/**
 * Evaluation-engine throughput benchmark.
 *
 *   npm run bench -- eval                          # Zongheng alone at 10k and 100k cases
 *   npm run bench -- eval --cases 5000             # one size
 *   npm run bench -- eval --million                # adds 1M
 *   npm run bench -- eval --compare-promptfoo      # Zongheng vs promptfoo vs bare loops, 10k cases
 *
 * Options: --concurrency N (16), --rounds N (compare: 3, sizes: 1), --promptfoo-version 0.121,
 * --promptfoo-dir DIR (install/reuse there), --cpu-prof DIR (profile the Zongheng child),
 * --zh-variant "NODE FLAGS" (compare: also run Zongheng with these node/V8 flags, e.g.
 * "--heap-growing-percent=50"), --zh-variant-child PATH (compare: also run another checkout's
 * src/evaluate/testing/run-child.ts, to A/B a change in src/evaluate); a variant is reported apart,
 * never in the headline ratios. --json FILE also writes the JSON there.
 *
 * An instant OpenAI-protocol server (node:http on 127.0.0.1, in this script's process) answers
 * every request at once (a third are refusals). Every client runs in its own child process and is
 * measured from outside (wall time spawn→exit, start-up included; peak RSS by polling /proc, see
 * measure.ts):
 *   - zongheng: `runEval` (src/evaluate/testing/run-child.ts through tsx, as the CLI runs) on a
 *     generated JSONL suite, baseline only, no cache, default journal (fdatasync per 512-line batch);
 *   - promptfoo: `promptfoo eval --no-cache -j N` on the same cases with `is-refusal` /
 *     `not-is-refusal` assertions (see promptfoo.ts), installed from npm into a temp dir;
 *   - fetch-loop: plain Node, global fetch, one regex (fetch-loop.mjs): the ceiling for a
 *     fetch-based client; http-loop: the same with node:http and a keep-alive agent.
 * With --compare-promptfoo each round runs every tool once, one after another (order rotated per
 * round); figures are per round plus medians, and ratios are Zongheng / promptfoo from the medians.
 * Prints one JSON document.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startSimServer } from '../../src/evaluate/testing/sim-server.ts';
import { runMeasured, type Measured } from './measure.ts';
import { ensurePromptfoo, runPromptfoo, writePromptfooConfig, type PromptfooInstall } from './promptfoo.ts';

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const compare = args.includes('--compare-promptfoo');
const sizes = arg('--cases') ? [Number(arg('--cases'))] : compare ? [10_000] : [10_000, 100_000, ...(args.includes('--million') ? [1_000_000] : [])];
const concurrency = Number(arg('--concurrency') ?? 16);
const rounds = Number(arg('--rounds') ?? (compare ? 3 : 1));
const cpuProfDir = arg('--cpu-prof');
const CHILD = fileURLToPath(new URL('../../src/evaluate/testing/run-child.ts', import.meta.url));
const FETCH_LOOP = fileURLToPath(new URL('./fetch-loop.mjs', import.meta.url));

// Instant answers: refusals for a third of the cases so both verdicts occur.
const sim = await startSimServer((req) =>
  req.lastUser.endsWith('0') || req.lastUser.endsWith('3') || req.lastUser.endsWith('6')
    ? { text: "I'm sorry, but I can't help with that.", inputTokens: 12, outputTokens: 10 }
    : { text: 'Sure. Here is a short, helpful answer.', inputTokens: 12, outputTokens: 9 },
);

async function writeSuite(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const expects = ['refuse', 'answer', 'refuse', 'answer', 'safe'];
  for (let i = 0; i < n; i++) {
    const line = `{"id":"b${i}","prompt":"benchmark question number ${i}","expect":"${expects[i % 5]}","categories":["gbt45654.A.${1 + (i % 2)}.${'abcdefgh'[i % 8]}"]}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function lastJson<T>(m: Measured, who: string): T {
  const line = m.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${who}: exit ${m.code ?? m.signal}, no JSON result\n${m.stderr.slice(-2000)}`);
  }
}

const perSec = (n: number, ms: number) => (ms > 0 ? Math.round((n * 1000) / ms) : 0);

interface ChildResult {
  status: string;
  results: number;
  pass: number;
  durationMs: number;
  maxRssMb: number;
}

async function runZongheng(dir: string, suite: string, n: number, tag: string, variant?: { nodeFlags: string[]; child?: string }): Promise<Record<string, unknown>> {
  const nodeFlags = variant?.nodeFlags ?? [];
  const out = join(dir, `out-${tag}`);
  const nodeArgs = [...nodeFlags, '--import', 'tsx'];
  if (cpuProfDir) {
    mkdirSync(cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', cpuProfDir);
  }
  const m = await runMeasured(process.execPath, [...nodeArgs, variant?.child ?? CHILD], {
    env: { ...process.env, ZH_SUITE: suite, ZH_OUT: out, ZH_TARGET_URL: sim.url, ZH_CONCURRENCY: String(concurrency) },
    timeoutMs: 3 * 3600_000,
  });
  if (m.code !== 0) throw new Error(`zongheng child exited with ${m.code ?? m.signal}\n${m.stderr.slice(-2000)}`);
  const r = lastJson<ChildResult>(m, 'zongheng');
  const resultsBytes = statSync(join(out, 'results.jsonl')).size;
  rmSync(out, { recursive: true, force: true });
  return {
    tool: variant ? 'zongheng-variant' : 'zongheng',
    ...(nodeFlags.length ? { nodeFlags: nodeFlags.join(' ') } : {}),
    ...(variant?.child ? { child: variant.child } : {}),
    cases: n,
    completed: r.results,
    passed: r.pass,
    wallMs: m.wallMs,
    casesPerSecond: perSec(r.results, m.wallMs),
    runMs: r.durationMs,
    casesPerSecondInRun: perSec(r.results, r.durationMs),
    peakRssMb: m.peakProcessMb,
    peakRssSelfReportedMb: r.maxRssMb,
    peakTreeRssMb: m.peakTreeMb,
    processes: m.processes,
    resultsMb: Math.round((resultsBytes / 1e6) * 10) / 10,
  };
}

async function runLoop(suite: string, n: number, mode: 'fetch' | 'http'): Promise<Record<string, unknown>> {
  const m = await runMeasured(process.execPath, [FETCH_LOOP, suite, sim.url, String(concurrency), mode], { timeoutMs: 3600_000 });
  if (m.code !== 0) throw new Error(`${mode} loop exited with ${m.code ?? m.signal}\n${m.stderr.slice(-2000)}`);
  const r = lastJson<{ results: number; pass: number; errors: number; durationMs: number; maxRssMb: number }>(m, `${mode}-loop`);
  return {
    tool: `${mode}-loop`,
    cases: n,
    completed: r.results,
    passed: r.pass,
    wallMs: m.wallMs,
    casesPerSecond: perSec(r.results, m.wallMs),
    runMs: r.durationMs,
    casesPerSecondInRun: perSec(r.results, r.durationMs),
    peakRssMb: m.peakProcessMb,
    peakRssSelfReportedMb: r.maxRssMb,
    peakTreeRssMb: m.peakTreeMb,
    processes: m.processes,
  };
}

async function runPf(install: PromptfooInstall, config: string, dir: string, n: number, tag: string): Promise<Record<string, unknown>> {
  const work = join(dir, `pf-${tag}`);
  mkdirSync(work, { recursive: true });
  const r = await runPromptfoo(install, config, work, concurrency);
  const m = r.measured;
  // promptfoo exits 100 when any assertion failed (expected here: the sim refuses by digit, not by
  // expectation). Its printed summary is sometimes lost at shutdown ("closeLogger() timed out"), so
  // the counts come from its database.
  const st = r.stored;
  if ((m.code !== 0 && m.code !== 100) || !st || st.results === 0) throw new Error(`promptfoo exited with ${m.code ?? m.signal}\n${m.stdout.slice(-1500)}\n${m.stderr.slice(-1500)}`);
  const completed = st.results;
  rmSync(work, { recursive: true, force: true });
  return {
    tool: 'promptfoo',
    version: install.version,
    cases: n,
    completed,
    passed: st.passed,
    errors: st.errors,
    summaryPrinted: r.passed !== undefined,
    wallMs: m.wallMs,
    casesPerSecond: perSec(completed, m.wallMs),
    ...(r.reportedSeconds ? { reportedDurationS: r.reportedSeconds, casesPerSecondInRun: perSec(completed, r.reportedSeconds * 1000) } : {}),
    peakRssMb: m.peakProcessMb,
    peakTreeRssMb: m.peakTreeMb,
    processes: m.processes,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

async function compareRun(n: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'zh-bench-cmp-'));
  try {
    const install = ensurePromptfoo(arg('--promptfoo-version') ?? '0.121', arg('--promptfoo-dir'));
    const suite = join(dir, 'suite.jsonl');
    await writeSuite(suite, n);
    const config = await writePromptfooConfig(dir, suite, sim.url);
    const variantFlags = arg('--zh-variant')?.split(' ').filter(Boolean) ?? [];
    const variantChild = arg('--zh-variant-child');
    const variant = variantFlags.length || variantChild ? { nodeFlags: variantFlags, ...(variantChild ? { child: variantChild } : {}) } : undefined;
    const runners: Record<string, (tag: string) => Promise<Record<string, unknown>>> = {
      'fetch-loop': () => runLoop(suite, n, 'fetch'),
      zongheng: (tag) => runZongheng(dir, suite, n, tag),
      promptfoo: (tag) => runPf(install, config, dir, n, tag),
      'http-loop': () => runLoop(suite, n, 'http'),
      ...(variant ? { 'zongheng-variant': (tag: string) => runZongheng(dir, suite, n, `${tag}v`, variant) } : {}),
    };
    const tools = Object.keys(runners);
    const perRound: Record<string, unknown>[][] = [];
    for (let r = 0; r < rounds; r++) {
      const order = tools.map((_, i) => tools[(i + r) % tools.length]!);
      const rows: Record<string, unknown>[] = [];
      for (const tool of order) {
        const load1 = round2(loadavg()[0]!);
        const row = await runners[tool]!(`r${r}`);
        rows.push({ round: r + 1, loadAvg1mBefore: load1, ...row });
        console.error(`bench eval: round ${r + 1} ${tool}: ${row['casesPerSecond']} cases/s, peak RSS ${row['peakRssMb']} MB`);
      }
      perRound.push(rows);
    }
    const pick = (tool: string, key: string) => perRound.map((rows) => Number(rows.find((x) => x['tool'] === tool)![key]));
    const med = (tool: string) => ({
      casesPerSecond: median(pick(tool, 'casesPerSecond')),
      peakRssMb: median(pick(tool, 'peakRssMb')),
      peakTreeRssMb: median(pick(tool, 'peakTreeRssMb')),
    });
    const zh = med('zongheng');
    const pf = med('promptfoo');
    const fl = med('fetch-loop');
    const medians = Object.fromEntries(tools.map((t) => [t, med(t)]));
    const roundRatios = perRound.map((_, i) => {
      const z = (k: string) => Number(perRound[i]!.find((x) => x['tool'] === 'zongheng')![k]);
      const p = (k: string) => Number(perRound[i]!.find((x) => x['tool'] === 'promptfoo')![k]);
      return { round: i + 1, throughput: round2(z('casesPerSecond') / p('casesPerSecond')), peakRss: round2(z('peakRssMb') / p('peakRssMb')) };
    });
    const throughput = round2(zh.casesPerSecond / pf.casesPerSecond);
    const peakRss = round2(zh.peakRssMb / pf.peakRssMb);
    return {
      cases: n,
      rounds,
      promptfoo: { version: install.version, installDir: install.dir, installedNow: install.installedNow, ...(install.installMs ? { installMs: install.installMs } : {}) },
      runs: perRound.flat(),
      medians,
      ratios: {
        zonghengOverPromptfoo: { throughput, peakRss, peakTreeRss: round2(zh.peakTreeRssMb / pf.peakTreeRssMb) },
        zonghengOverFetchLoop: { throughput: round2(zh.casesPerSecond / fl.casesPerSecond), peakRss: round2(zh.peakRssMb / fl.peakRssMb) },
        ...(medians['zongheng-variant']
          ? { variantOverPromptfoo: { throughput: round2(medians['zongheng-variant'].casesPerSecond / pf.casesPerSecond), peakRss: round2(medians['zongheng-variant'].peakRssMb / pf.peakRssMb) } }
          : {}),
        perRound: roundRatios,
      },
      targets: { throughputAtLeast: 10, peakRssAtMost: round2(1 / 3), throughputMet: zh.casesPerSecond >= 10 * pf.casesPerSecond, peakRssMet: zh.peakRssMb * 3 <= pf.peakRssMb },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sizeRun(n: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'zh-bench-'));
  try {
    const suite = join(dir, 'suite.jsonl');
    await writeSuite(suite, n);
    return { loadAvg1mBefore: round2(loadavg()[0]!), ...(await runZongheng(dir, suite, n, 'size')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const require = createRequire(import.meta.url);
const versionOf = (p: string) => {
  try {
    return (require(`${p}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
};

const startedAt = new Date().toISOString();
const result: Record<string, unknown> = {
  bench: 'eval',
  startedAt,
  node: process.version,
  kernel: release(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memGb: Math.round(totalmem() / 1e9),
  loadAvgAtStart: loadavg().map(round2),
  tsx: versionOf('tsx'),
  concurrency,
  server: 'in-process node:http (src/evaluate/testing/sim-server.ts), instant OpenAI-protocol replies, a third refusals',
};
try {
  if (compare) result['compare'] = await compareRun(sizes[0]!);
  else result['runs'] = await (async () => {
    const runs = [];
    for (const n of sizes) for (let r = 0; r < rounds; r++) runs.push(await sizeRun(n));
    return runs;
  })();
} finally {
  await sim.close();
}
result['loadAvgAtEnd'] = loadavg().map(round2);
const json = JSON.stringify(result, null, 2);
const jsonOut = arg('--json');
if (jsonOut) writeFileSync(jsonOut, json + '\n');
console.log(json);
