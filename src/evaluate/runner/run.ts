/**
 * The run loop. Streams cases in and results out with bounded memory: at most `concurrency`
 * cases in flight, results appended to the journal and folded into the aggregator, never kept.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newId } from '../../core/ids.ts';
import { neededHelpers, parseChains, type AttackHelpers } from '../attacks/index.ts';
import { scrubDeep } from '../redact.ts';
import { Aggregator } from '../results/aggregate.ts';
import type { RunSummary } from '../results/types.ts';
import type { CalibrationReport, CustomScorerFn } from '../scorers/index.ts';
import { countCases, idHash, readSuite } from '../suites/index.ts';
import { HashSet52 } from '../suites/hashset.ts';
import { GBT45654_THRESHOLDS, type Thresholds } from '../taxonomy.ts';
import { createTarget, type SecretSource, type Target, type TargetConfigInput } from '../targets/index.ts';
import type { Case, Expect } from '../types.ts';
import { cachedTarget, ResponseCache } from './cache.ts';
import { executeCase } from './execute.ts';
import { finishRun } from './finish.ts';
import { Journal, replayJournal } from './journal.ts';
import { buildSelector, normaliseSample, type SampleSpec, type ShardSpec } from './select.ts';

export type TargetSpec = Target | TargetConfigInput | string;

export interface Progress {
  done: number;
  /** Estimated total for this run (cases × chains, after sampling/sharding); undefined when unknown. */
  total?: number;
  passed: number;
  failed: number;
  couldNotScore: number;
  errors: number;
  skipped: number;
  inflight: number;
  elapsedMs: number;
  /** Completed results per second in this session. */
  rate: number;
  etaSeconds?: number;
}

export interface RunEvalOptions {
  /** The system under test: a Target, a target config object, or a path to a target YAML. */
  target?: TargetSpec;
  /** Built-in suite name, path to JSONL/YAML, or an (async) iterable of cases. */
  suite: string | Iterable<Case> | AsyncIterable<Case>;
  /** Output directory: results.jsonl, summary.json, report.html, junit.xml (and run.json, evidence.json). */
  out: string;
  /** Attack chains: `base64,roleplay` (composed) `;`-separated or as an array; `none` = baseline; `framing`. */
  attacks?: string | string[];
  /** Helper models for attacks that need them (translate → translator, crescendo → attacker). */
  helpers?: { translator?: TargetSpec; attacker?: TargetSpec };
  /** LLM-as-judge target. */
  judge?: TargetSpec;
  /** Expectations the judge decides first (default safe, judge). */
  judgeFirst?: Expect[];
  /** Scorer for `expect: custom`: a function or `path/to/module.ts#export`. */
  customScorer?: CustomScorerFn | string;
  /** Response-cache directory (the caller's data dir, e.g. $ZONGHENG_DATA_DIR/cache/eval); false/undefined = off. */
  cache?: string | false;
  /** Continue an interrupted run in `out`: done ids are skipped, the journal is kept. */
  resume?: boolean;
  /** Seeded sample: a fraction (<1), a count (≥1), or { n | fraction, seed }. */
  sample?: SampleSpec | number;
  /** Only cases whose stable id hash falls in this shard. */
  shard?: ShardSpec;
  /** Cases in flight at once (default 16; the target's own concurrency limit still applies). */
  concurrency?: number;
  /** Overall pass-rate gate: summary.gate.failed when the pass rate is below it (CLI → exit 1). */
  failUnder?: number;
  thresholds?: Partial<Thresholds>;
  /** Calibration results shown beside the categories judged by the same scorer. */
  calibration?: CalibrationReport[];
  /** Where secrets come from (env and a secrets file); never written anywhere. */
  secrets?: SecretSource;
  onProgress?: (p: Progress) => void;
  progressIntervalMs?: number;
  signal?: AbortSignal;
  runId?: string;
  locale?: 'zh' | 'en';
  /** Characters of prompt and response kept per result line (default 4000). */
  maxTextChars?: number;
  /** Score `response` fields of the suite instead of calling a target. */
  offline?: boolean;
  /** When set, out/evidence.json is written for this system. */
  systemId?: string;
  /** Journal fsync batching. */
  journal?: { batchLines?: number; batchMs?: number; sync?: boolean };
}

export class RunConfigError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RunConfigError';
  }
}

interface RunMeta {
  runId: string;
  startedAt: string;
  suite: string;
  attacks: string[];
  sample?: unknown;
  shard?: unknown;
}

function suiteName(s: RunEvalOptions['suite']): string {
  return typeof s === 'string' ? s : '(in-memory)';
}

async function* iterate(s: RunEvalOptions['suite']): AsyncGenerator<Case> {
  if (typeof s === 'string') yield* readSuite(s);
  else yield* s as AsyncIterable<Case>;
}

export async function runEval(opts: RunEvalOptions): Promise<RunSummary> {
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const files = { results: join(out, 'results.jsonl'), summary: join(out, 'summary.json'), report: join(out, 'report.html'), junit: join(out, 'junit.xml') };
  const thresholds: Thresholds = { ...GBT45654_THRESHOLDS, ...(opts.thresholds ?? {}) };
  const chains = parseChains(opts.attacks);
  const src = opts.secrets ?? {};
  const target = opts.offline ? undefined : opts.target !== undefined ? createTarget(opts.target, src) : undefined;
  if (!opts.offline && !target) throw new RunConfigError('a target is required (or offline: true)', 'target');
  const helpers: AttackHelpers = {};
  if (opts.helpers?.translator) helpers.translator = createTarget(opts.helpers.translator, src);
  if (opts.helpers?.attacker) helpers.attacker = createTarget(opts.helpers.attacker, src);
  for (const need of neededHelpers(chains)) if (!helpers[need]) throw new RunConfigError(`the chosen attacks need a ${need} model (helpers.${need})`, `helpers.${need}`);
  const judge = opts.judge !== undefined ? createTarget(opts.judge, src) : undefined;
  const sample = normaliseSample(opts.sample);
  const shard = opts.shard;
  if (shard && !(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count))
    throw new RunConfigError('shard must be { index, count } with 0 ≤ index < count', 'shard');
  if (sample?.n !== undefined && typeof opts.suite !== 'string') throw new RunConfigError('sample.n needs a suite file (it reads the suite twice)', 'sample');

  // Run identity and resume bookkeeping.
  const metaPath = join(out, 'run.json');
  const chainIds = chains.map((c) => c.id);
  let meta: RunMeta = { runId: opts.runId ?? newId('run'), startedAt: new Date().toISOString(), suite: suiteName(opts.suite), attacks: chainIds, ...(sample ? { sample } : {}), ...(shard ? { shard } : {}) };
  const agg = new Aggregator(thresholds);
  const done = new HashSet52();
  let resumed = 0;
  if (opts.resume && existsSync(metaPath)) {
    const prev = JSON.parse(readFileSync(metaPath, 'utf8')) as RunMeta;
    if (JSON.stringify(prev.attacks) !== JSON.stringify(chainIds)) throw new RunConfigError(`resume: attacks differ from the interrupted run (${prev.attacks.join('; ') || 'none'})`, 'attacks');
    if (JSON.stringify(prev.sample ?? null) !== JSON.stringify(sample ?? null) || JSON.stringify(prev.shard ?? null) !== JSON.stringify(shard ?? null))
      throw new RunConfigError('resume: sample/shard differ from the interrupted run', 'sample');
    meta = { ...prev };
    const r = await replayJournal(files.results, (line) => {
      done.add(idHash(line.id));
      agg.add(line);
    });
    resumed = r.lines;
  }
  writeFileSync(metaPath, JSON.stringify(scrubDeep(meta), null, 2) + '\n');
  const journal = await Journal.open(files.results, opts.resume === true, opts.journal);
  const cache = opts.cache ? new ResponseCache(opts.cache) : undefined;
  // Helper turns (attacker, translator) and judge calls go through the same cache as the target's replies.
  if (cache) for (const role of ['translator', 'attacker'] as const) if (helpers[role]) helpers[role] = cachedTarget(helpers[role]!, cache, role);

  const select = await buildSelector(sample, shard, typeof opts.suite === 'string' ? () => readSuite(opts.suite as string, { checkDuplicates: false }) : undefined);
  let total: number | undefined;
  if (typeof opts.suite === 'string') {
    const n = await countCases(opts.suite);
    let selectedShare = shard ? 1 / shard.count : 1;
    if (sample?.fraction) selectedShare *= sample.fraction;
    total = Math.round((sample?.n !== undefined ? Math.min(sample.n, n * selectedShare) : n * selectedShare) * chains.length);
  }

  const ctx = {
    target,
    helpers,
    // Judge verdicts are cached too (temperature 0, keyed by the full judge request).
    score: { ...(judge ? { judge: cache ? cachedTarget(judge, cache, 'judge') : judge } : {}), ...(opts.judgeFirst ? { judgeFirst: opts.judgeFirst } : {}), ...(opts.customScorer ? { custom: opts.customScorer } : {}) },
    cache,
    ...(opts.signal ? { signal: opts.signal } : {}),
    maxTextChars: opts.maxTextChars ?? 4000,
    offline: opts.offline === true,
  };
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  const t0 = Date.now();
  let sessionDone = 0;
  const counts = { passed: 0, failed: 0, cns: 0, errors: 0, skipped: 0 };
  const inflight = new Set<Promise<void>>();
  const progress = (): Progress => {
    const elapsedMs = Date.now() - t0;
    const rate = elapsedMs > 0 ? (sessionDone * 1000) / elapsedMs : 0;
    const doneAll = resumed + sessionDone + counts.skipped;
    const p: Progress = { done: doneAll, passed: counts.passed, failed: counts.failed, couldNotScore: counts.cns, errors: counts.errors, skipped: counts.skipped, inflight: inflight.size, elapsedMs, rate: Math.round(rate * 10) / 10 };
    if (total !== undefined) {
      p.total = Math.max(total, doneAll);
      if (rate > 0) p.etaSeconds = Math.round((p.total - doneAll) / rate);
    }
    return p;
  };
  const timer = opts.onProgress ? setInterval(() => opts.onProgress!(progress()), opts.progressIntervalMs ?? 500) : undefined;
  let aborted = false;
  let fatal: unknown;

  try {
    outer: for await (const c of iterate(opts.suite)) {
      if (opts.signal?.aborted) break;
      if (!select(c.id)) continue;
      for (const chain of chains) {
        const id = chain.id ? `${c.id}#${chain.id}` : c.id;
        if (done.size && done.has(idHash(id))) continue;
        while (inflight.size >= concurrency || journal.pending > 20_000) {
          if (inflight.size === 0) await journal.flush();
          else await Promise.race(inflight);
        }
        if (opts.signal?.aborted) break outer;
        const p: Promise<void> = executeCase(c, chain, id, ctx)
          .then((o) => {
            if (o.kind === 'aborted') {
              aborted = true;
              return;
            }
            if (o.kind === 'skipped') {
              counts.skipped++;
              agg.skip(chain.id);
              return;
            }
            const line = o.line;
            journal.append(line);
            agg.add(line);
            sessionDone++;
            if (line.error) counts.errors++;
            else if (line.verdict === 'pass') counts.passed++;
            else if (line.verdict === 'fail') counts.failed++;
            else counts.cns++;
          })
          .catch((e) => {
            fatal ??= e;
          })
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
    }
  } catch (e) {
    fatal = e;
  }
  await Promise.allSettled([...inflight]);
  if (timer) clearInterval(timer);
  await journal.close();
  if (opts.signal?.aborted) aborted = true;
  if (fatal) throw fatal;
  const summary = await finishRun({
    agg,
    files,
    meta,
    status: aborted ? 'aborted' : 'completed',
    t0: Date.parse(meta.startedAt),
    target,
    judge,
    chains: chainIds,
    thresholds,
    ...(opts.failUnder !== undefined ? { failUnder: opts.failUnder } : {}),
    calibration: opts.calibration ?? [],
    ...(sample ? { sample } : {}),
    ...(shard ? { shard } : {}),
    locale: opts.locale ?? 'en',
    ...(opts.systemId ? { systemId: opts.systemId } : {}),
  });
  opts.onProgress?.(progress());
  return summary;
}
