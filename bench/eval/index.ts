/**
 * Evaluation-engine throughput benchmark.
 *
 *   node --import tsx bench/eval/index.ts                 # 10k and 100k cases
 *   node --import tsx bench/eval/index.ts --cases 5000    # one size
 *   node --import tsx bench/eval/index.ts --million       # adds 1M
 *
 * An instant OpenAI-protocol server (node:http on 127.0.0.1, same process as this script) answers
 * every request immediately; the run itself happens in a child process so its peak RSS is measured
 * alone. Each size runs once with the default journal settings (fdatasync per 512-line batch).
 * Prints one JSON document.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimServer } from '../../src/evaluate/testing/sim-server.ts';

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const sizes = arg('--cases') ? [Number(arg('--cases'))] : [10_000, 100_000, ...(args.includes('--million') ? [1_000_000] : [])];
const concurrency = Number(arg('--concurrency') ?? 32);
const CHILD = fileURLToPath(new URL('../../src/evaluate/testing/run-child.ts', import.meta.url));

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

interface ChildResult {
  status: string;
  results: number;
  durationMs: number;
  maxRssMb: number;
}

async function runOnce(n: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'zh-bench-'));
  const suite = join(dir, 'suite.jsonl');
  await writeSuite(suite, n);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ZH_SUITE: suite, ZH_OUT: join(dir, 'out'), ZH_TARGET_URL: sim.url, ZH_CONCURRENCY: String(concurrency) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const [code] = (await once(child, 'exit')) as [number];
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`child exited with ${code}`);
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
  const resultsBytes = statSync(join(dir, 'out', 'results.jsonl')).size;
  rmSync(dir, { recursive: true, force: true });
  return {
    cases: n,
    completed: r.results,
    runMs: r.durationMs,
    wallMsIncludingStartup: Math.round(wallMs),
    casesPerSecond: Math.round((r.results * 1000) / r.durationMs),
    peakRssMb: r.maxRssMb,
    resultsMb: Math.round((resultsBytes / 1e6) * 10) / 10,
  };
}

const runs = [];
for (const n of sizes) runs.push(await runOnce(n));
await sim.close();
console.log(
  JSON.stringify(
    {
      bench: 'eval',
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memGb: Math.round(totalmem() / 1e9),
      concurrency,
      server: 'in-process node:http, instant OpenAI-protocol replies',
      runs,
    },
    null,
    2,
  ),
);
