import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type PgBoss from 'pg-boss';
import { parseChains } from '../evaluate/attacks/index.ts';
import { runEval, type RunSummary } from '../evaluate/index.ts';
import { normaliseSample } from '../evaluate/runner/index.ts';
import type { TargetConfigInput } from '../evaluate/targets/index.ts';
import type { Store } from '../store/index.ts';
import { QUEUES } from './queue.ts';

/**
 * One shard of a distributed evaluation. The job carries everything a worker on another machine
 * needs except secrets: the target config names its key's environment variable, which each worker
 * resolves from its own environment, so no key ever enters the queue.
 */
export interface EvalShardJob {
  runId: string;
  suite: string; // a built-in suite name, or a path every worker can read
  target: TargetConfigInput;
  judge?: TargetConfigInput;
  attacks?: string;
  sample?: number;
  concurrency?: number;
  shard: { index: number; count: number };
}

export function assertNoInlineSecrets(t: Record<string, unknown>, field: string): void {
  if (t.apiKey) throw new Error(`${field}: a distributed run cannot carry an inline apiKey through the queue; use apiKeyEnv and set that variable on every worker`);
}

async function readLines(path: string): Promise<unknown[]> {
  const out: unknown[] = [];
  if (!existsSync(path)) return out;
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // A torn last line after a crash: the resume that produced the file already re-ran that case.
    }
  }
  return out;
}

/** Runs shard jobs until stopped: each into a local directory (resumable), then uploads its lines in one transaction. */
export async function workEvalShards(boss: PgBoss, store: Store, dataDir: string, log: (msg: string) => void = () => undefined): Promise<void> {
  const worker = `${hostname()}:${process.pid}`;
  await boss.work<EvalShardJob>(QUEUES.evalShard, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    const j = job!.data;
    const dir = join(dataDir, 'shards', j.runId, String(j.shard.index));
    mkdirSync(dir, { recursive: true });
    await store.read.evalShards.setStatus(j.runId, j.shard.index, 'running', worker);
    log(`shard ${j.shard.index + 1}/${j.shard.count} of ${j.runId}: running`);
    try {
      await runEval({
        target: j.target, suite: j.suite, out: dir, attacks: j.attacks, judge: j.judge, sample: j.sample, shard: j.shard, runId: j.runId,
        concurrency: j.concurrency, resume: existsSync(join(dir, 'run.json')), cache: join(dataDir, 'cache', 'eval'), secrets: { env: process.env },
      });
      const lines = await readLines(join(dir, 'results.jsonl'));
      await store.tx((r) => r.evalShards.upload(j.runId, j.shard.index, worker, lines));
      log(`shard ${j.shard.index + 1}/${j.shard.count} of ${j.runId}: ${lines.length} results uploaded`);
    } catch (e) {
      await store.read.evalShards.setStatus(j.runId, j.shard.index, 'failed', worker, (e as Error).message.slice(0, 1000));
      throw e; // pg-boss retries the job
    }
  });
}

export interface DistributeOptions {
  job: Omit<EvalShardJob, 'shard'>;
  shards: number;
  out: string;
  failUnder?: number;
  systemId?: string;
  locale?: 'zh' | 'en';
  onProgress?: (doneShards: number, results: number) => void;
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Coordinator: queues the shards, waits for the workers, then merges every shard's results into
 * `out` and finishes the run there exactly as a single process would (the same summary, report,
 * JUnit and evidence files) — any case a shard missed is run here, so nothing is lost.
 */
export async function distributeEval(boss: PgBoss, store: Store, o: DistributeOptions): Promise<RunSummary> {
  await store.read.evalShards.enqueue(o.job.runId, o.shards);
  // A coordinator that restarts (resume after a crash) re-queues only the shards not yet uploaded.
  const already = new Set((await store.read.evalShards.states(o.job.runId)).filter((s) => s.status === 'done').map((s) => s.shardIndex));
  for (let i = 0; i < o.shards; i++) {
    if (already.has(i)) continue;
    await boss.send(QUEUES.evalShard, { ...o.job, shard: { index: i, count: o.shards } }, { retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: 6 * 3600, singletonKey: `${o.job.runId}:${i}` });
  }
  for (;;) {
    if (o.signal?.aborted) throw new Error('stopped while waiting for the workers; the shards already queued finish on the workers, and a resume picks their results up');
    const states = await store.read.evalShards.states(o.job.runId);
    const done = states.filter((s) => s.status === 'done');
    o.onProgress?.(done.length, done.reduce((a, s) => a + s.results, 0));
    if (done.length === o.shards) break;
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
  mkdirSync(o.out, { recursive: true });
  const lines: string[] = [];
  for await (const line of store.read.evalShards.results(o.job.runId)) lines.push(JSON.stringify(line));
  writeFileSync(join(o.out, 'results.jsonl'), lines.length ? lines.join('\n') + '\n' : '');
  const chains = parseChains(o.job.attacks).map((c) => c.id);
  const sample = normaliseSample(o.job.sample);
  writeFileSync(join(o.out, 'run.json'), JSON.stringify({ runId: o.job.runId, startedAt: new Date().toISOString(), suite: o.job.suite, attacks: chains, ...(sample ? { sample } : {}) }, null, 2) + '\n');
  return runEval({
    target: o.job.target, suite: o.job.suite, out: o.out, attacks: o.job.attacks, judge: o.job.judge, runId: o.job.runId, resume: true, sample: o.job.sample,
    concurrency: o.job.concurrency, failUnder: o.failUnder, systemId: o.systemId, locale: o.locale, secrets: { env: process.env },
  });
}
