/**
 * Child process for the kill -9 resume test and the benchmark: runs one evaluation from env
 * settings and prints the summary totals (and peak RSS) as JSON on stdout.
 *   ZH_SUITE, ZH_OUT, ZH_TARGET_URL, ZH_RESUME=1, ZH_CONCURRENCY, ZH_BATCH_LINES, ZH_NO_SYNC=1
 */
import { runEval } from '../runner/index.ts';

const env = process.env;
const summary = await runEval({
  target: { type: 'openai', baseUrl: `${env['ZH_TARGET_URL']}/v1`, model: 'sim', apiKey: 'child-key-123456', concurrency: Number(env['ZH_CONCURRENCY'] ?? 8), retries: 0 },
  suite: env['ZH_SUITE']!,
  out: env['ZH_OUT']!,
  resume: env['ZH_RESUME'] === '1',
  concurrency: Number(env['ZH_CONCURRENCY'] ?? 8),
  journal: { batchLines: Number(env['ZH_BATCH_LINES'] ?? 512), batchMs: 50, sync: env['ZH_NO_SYNC'] !== '1' },
});
const ru = process.resourceUsage();
process.stdout.write(
  JSON.stringify({ status: summary.status, results: summary.totals.results, pass: summary.totals.pass, fail: summary.totals.fail, errors: summary.totals.errors, durationMs: summary.durationMs, maxRssMb: Math.round(ru.maxRSS / 1024) }) + '\n',
);
