import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type PgBoss from 'pg-boss';
import { z } from 'zod';
import { badRequest, conflict, notFound, validationFailed, ZonghengError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { compareRuns, listSuites, runEval, scrub, toEvidence, type RunSummary } from '../evaluate/index.ts';
import { actorLabel, type Actor } from '../governance/context.ts';
import type { Governance } from '../governance/index.ts';
import { zodToError } from '../governance/validation.ts';
import type { EvalRunRecord } from '../store/index.ts';

const TargetConfig = z.record(z.string(), z.unknown());

export const EvalRunStartSchema = z
  .object({
    target: TargetConfig,
    /** A built-in suite name (see `zongheng eval suites`), or `custom` with inline `cases`. */
    suite: z.string().min(1).max(200),
    cases: z.array(z.record(z.string(), z.unknown())).min(1).max(10_000).optional(),
    attacks: z.string().max(2000).optional(),
    judge: TargetConfig.optional(),
    systemId: z.string().min(1).max(60).optional(),
    sample: z.number().positive().max(10_000_000).optional(),
    concurrency: z.number().int().min(1).max(256).optional(),
    failUnder: z.number().min(0).max(1).optional(),
    /** Split into this many shards for `zongheng worker` processes (PostgreSQL only; built-in suites only). */
    distribute: z.number().int().min(1).max(1000).optional(),
    locale: z.enum(['zh', 'en']).default('en'),
  })
  .strict();
export type EvalRunStart = z.infer<typeof EvalRunStartSchema>;

/** What the CLI sends after a run it made on its own machine. */
export const EvalRunRecordSchema = z
  .object({
    summary: z.looseObject({
      schema: z.literal('zongheng.eval.summary/1'),
      runId: z.string().min(1).max(60),
      status: z.enum(['completed', 'aborted']),
      suite: z.string().max(1000),
      target: z.looseObject({ name: z.string().max(500) }),
      startedAt: z.string().max(40),
      finishedAt: z.string().max(40),
    }),
    outDir: z.string().min(1).max(4096),
    systemId: z.string().min(1).max(60).optional(),
    evidenceId: z.string().min(1).max(60).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const SECRET_HEADER = /auth|key|token|secret|cookie|password/i;

/** Configs are stored (so a run can be resumed) and shown: they must never hold a secret. */
function assertNoStoredSecrets(t: Record<string, unknown>, field: string): void {
  if (t.apiKey !== undefined && !/^\$\{[A-Z0-9_]+\}$/i.test(String(t.apiKey))) {
    throw validationFailed(`${field}.apiKey: runs started over the API keep their config; name the key's environment variable on the server instead`, { field: `${field}.apiKey`, allowed: 'apiKeyEnv: NAME (or apiKey: "${NAME}")' });
  }
  if (t.type === 'js') throw validationFailed(`${field}.type: a JS-module target runs code from a path on the server; use the CLI for it`, { field: `${field}.type`, allowed: 'openai, anthropic, ollama, http, zongheng' });
  const headers = t.headers;
  if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
      if (SECRET_HEADER.test(k) && !/^[^$]*\$\{[A-Z0-9_]+\}[^$]*$/i.test(String(v))) {
        throw validationFailed(`${field}.headers.${k}: put the secret in a server environment variable and write "\${NAME}"`, { field: `${field}.headers.${k}` });
      }
    }
  }
}

export interface EvalRunServiceOptions {
  gov: Governance;
  dataDir: string;
  /** Runs started over the API that may run at once on this server (default 2). */
  maxActive?: number;
  /** Milliseconds between progress writes (default 1000). */
  progressMs?: number;
  /** PostgreSQL URL: enables `distribute` through the pg-boss queue that `zongheng worker` processes work. */
  databaseUrl?: string;
}

/**
 * Evaluation runs as the API sees them: started here (in this process, in the background) or made by
 * the CLI and recorded afterwards. Results stay in each run's results.jsonl; the store holds the summary.
 */
export function evalRunService(o: EvalRunServiceOptions) {
  const { gov } = o;
  const store = gov.deps.store;
  const active = new Map<string, { ac: AbortController; done: Promise<void> }>();
  const runner = `${hostname()}:${process.pid}`;
  const now = () => new Date().toISOString();

  async function audit(actor: Actor, action: string, id: string, payload: Record<string, unknown>) {
    await store.tx((r) => r.audit.append([{ actor: actorLabel(actor), action: `eval.${action}`, entityType: 'eval-run', entityId: id, payload }]));
  }

  function launch(rec: EvalRunRecord, actor: Actor, resume: boolean): void {
    const cfg = rec.config as unknown as EvalRunStart & { casesFile?: string };
    const ac = new AbortController();
    let lastWrite = 0;
    const done = (async () => {
      let status: EvalRunRecord['status'] = 'failed';
      let summary: RunSummary | null = null;
      let evidenceId: string | null = null;
      let error: string | null = null;
      try {
        summary = cfg.distribute ? await runDistributed(rec, cfg, ac.signal) : await runEval({
          target: cfg.target as never, suite: cfg.casesFile ?? cfg.suite, out: rec.outDir, runId: rec.id, resume,
          attacks: cfg.attacks, ...(cfg.judge ? { judge: cfg.judge as never } : {}), sample: cfg.sample, concurrency: cfg.concurrency,
          failUnder: cfg.failUnder, locale: cfg.locale, systemId: rec.systemId ?? undefined, signal: ac.signal,
          cache: join(o.dataDir, 'cache', 'eval'), secrets: { env: process.env },
          onProgress: (p) => {
            const t = Date.now();
            if (t - lastWrite < (o.progressMs ?? 1000) && p.done !== p.total) return;
            lastWrite = t;
            void store.read.evalRuns.setProgress(rec.id, { ...p }, now()).catch(() => undefined);
          },
        });
        status = summary.status === 'aborted' ? 'aborted' : 'completed';
        if (status === 'completed' && rec.systemId) {
          const ev = await gov.recordEvidence(toEvidence(summary, rec.systemId, { detailsUrl: `/api/eval/runs/${rec.id}` }), actor);
          evidenceId = ev.id;
        }
      } catch (e) {
        if (ac.signal.aborted) status = 'aborted';
        error = scrub(String((e as Error)?.message ?? e)).slice(0, 2000);
      }
      await store.read.evalRuns.finish(rec.id, { status, summary: summary as unknown as Record<string, unknown> | null, evidenceId, error, at: now() });
      await audit(actor, status, rec.id, { status, ...(error ? { error } : {}), ...(summary ? { results: summary.totals.results, pass: summary.totals.pass } : {}) }).catch(() => undefined);
    })().finally(() => active.delete(rec.id));
    active.set(rec.id, { ac, done });
  }

  let queue: Promise<PgBoss> | undefined;
  async function runDistributed(rec: EvalRunRecord, cfg: EvalRunStart, signal: AbortSignal): Promise<RunSummary> {
    const { openQueue } = await import('./queue.ts');
    const { distributeEval } = await import('./eval-shard.ts');
    const boss = await (queue ??= openQueue(o.databaseUrl!));
    const shards = cfg.distribute!;
    return distributeEval(boss, store, {
      job: { runId: rec.id, suite: cfg.suite, target: cfg.target as never, ...(cfg.judge ? { judge: cfg.judge as never } : {}), attacks: cfg.attacks, sample: cfg.sample, concurrency: cfg.concurrency },
      shards, out: rec.outDir, failUnder: cfg.failUnder, systemId: rec.systemId ?? undefined, locale: cfg.locale, signal,
      onProgress: (doneShards, results) => void store.read.evalRuns.setProgress(rec.id, { doneShards, shards, done: results }, now()).catch(() => undefined),
    });
  }

  function checkCapacity(): void {
    const max = o.maxActive ?? 2;
    if (active.size >= max) throw conflict(`${active.size} evaluation run(s) already running on this server (limit ${max}); wait for one to finish or stop it`, { field: 'runs' });
  }

  return {
    /** Runs this process was running when it last stopped are marked interrupted (resumable); other hosts' runs are left alone. */
    async recoverInterrupted(): Promise<number> {
      const host = hostname();
      const dead = (await store.read.evalRuns.listRunning()).filter((r) => {
        const m = /^(.*):(\d+)$/.exec(r.runner ?? '');
        if (!m || m[1] !== host) return false;
        const pid = Number(m[2]);
        if (pid === process.pid) return !active.has(r.id);
        try {
          process.kill(pid, 0);
          return false; // that process is still alive (another server on this host)
        } catch {
          return true;
        }
      });
      return store.read.evalRuns.markInterrupted(dead.map((r) => r.id), now());
    },
    async start(input: unknown, actor: Actor): Promise<EvalRunRecord> {
      const parsed = EvalRunStartSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const v = parsed.data;
      assertNoStoredSecrets(v.target, 'target');
      if (v.judge) assertNoStoredSecrets(v.judge, 'judge');
      if (!v.cases && !listSuites().some((s) => s.name === v.suite)) {
        throw validationFailed(`unknown built-in suite ${v.suite}; send inline cases for your own suite`, { field: 'suite', allowed: listSuites().map((s) => s.name).join(', ') });
      }
      if (v.distribute && !o.databaseUrl) throw validationFailed('distribute needs PostgreSQL (ZONGHENG_DATABASE_URL) so that `zongheng worker` processes share the queue', { field: 'distribute' });
      if (v.distribute && v.cases) throw validationFailed('a distributed run reads its suite on every worker: use a built-in suite, not inline cases', { field: 'cases' });
      if (v.systemId && !(await store.read.systems.get(v.systemId))) throw validationFailed(`system ${v.systemId} does not exist`, { field: 'systemId' });
      checkCapacity();
      const id = newId('run');
      const outDir = join(o.dataDir, 'runs', id);
      mkdirSync(outDir, { recursive: true });
      const { cases, ...config } = v;
      let casesFile: string | undefined;
      if (cases) {
        // Inline cases become the run's own suite file, so a resume reads exactly the same cases.
        casesFile = join(outDir, 'suite.jsonl');
        writeFileSync(casesFile, cases.map((c) => JSON.stringify(c)).join('\n') + '\n', { mode: 0o600 });
      }
      const at = now();
      const rec: EvalRunRecord = {
        id, systemId: v.systemId ?? null, status: 'running', origin: 'api', suite: cases ? `${v.suite} (${cases.length} inline cases)` : v.suite,
        targetName: String(v.target.name ?? v.target.model ?? v.target.type ?? 'target'), outDir, config: { ...config, ...(casesFile ? { casesFile } : {}), runner },
        progress: { done: 0, total: null }, summary: null, evidenceId: null, error: null, startedAt: at, finishedAt: null, createdBy: actorLabel(actor), updatedAt: at,
      };
      await store.tx(async (r) => {
        await r.evalRuns.insert(rec);
        await r.audit.append([{ actor: actorLabel(actor), action: 'eval.start', entityType: 'eval-run', entityId: id, payload: { suite: rec.suite, target: rec.targetName, systemId: rec.systemId, attacks: v.attacks ?? null } }]);
      });
      launch(rec, actor, false);
      return rec;
    },
    async stop(id: string, actor: Actor): Promise<EvalRunRecord> {
      const rec = await this.get(id);
      const a = active.get(id);
      if (!a) throw conflict(`run ${id} is not running on this server (status ${rec.status})`, { field: 'id' });
      a.ac.abort();
      await audit(actor, 'stop', id, {});
      await a.done;
      return this.get(id);
    },
    async resume(id: string, actor: Actor): Promise<EvalRunRecord> {
      const rec = await this.get(id);
      if (rec.origin !== 'api') throw badRequest(`run ${id} was made by the CLI; resume it there with --resume ${rec.outDir}`, { field: 'id' });
      if (active.has(id) || rec.status === 'running') throw conflict(`run ${id} is already running`, { field: 'id' });
      if (rec.status === 'completed') throw conflict(`run ${id} is complete; start a new run instead`, { field: 'id' });
      checkCapacity();
      await store.read.evalRuns.setRunning(id, runner, now());
      await audit(actor, 'resume', id, { from: rec.status });
      launch({ ...rec, status: 'running', config: { ...rec.config, runner } }, actor, true);
      return this.get(id);
    },
    /** Records a run the CLI made (possibly again, when it was resumed). */
    async record(input: unknown, actor: Actor): Promise<EvalRunRecord> {
      const parsed = EvalRunRecordSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const v = parsed.data;
      const s = v.summary;
      return store.tx(async (r) => {
        if (v.systemId && !(await r.systems.get(v.systemId))) throw validationFailed(`system ${v.systemId} does not exist`, { field: 'systemId' });
        if (v.evidenceId && !(await r.evidence.get(v.evidenceId))) throw validationFailed(`evidence ${v.evidenceId} does not exist`, { field: 'evidenceId' });
        const at = now();
        const existing = await r.evalRuns.get(s.runId, true);
        if (existing && existing.origin !== 'cli') throw conflict(`run ${s.runId} was started over the API`, { field: 'summary.runId' });
        if (existing) await r.evalRuns.finish(s.runId, { status: s.status, summary: s, evidenceId: v.evidenceId ?? null, error: null, at });
        else {
          await r.evalRuns.insert({
            id: s.runId, systemId: v.systemId ?? null, status: s.status, origin: 'cli', suite: s.suite, targetName: s.target.name, outDir: v.outDir,
            config: v.config ?? {}, progress: null, summary: s, evidenceId: v.evidenceId ?? null, error: null, startedAt: s.startedAt, finishedAt: s.finishedAt,
            createdBy: actorLabel(actor), updatedAt: at,
          });
        }
        await r.audit.append([{ actor: actorLabel(actor), action: 'eval.record', entityType: 'eval-run', entityId: s.runId, payload: { status: s.status, suite: s.suite, systemId: v.systemId ?? null } }]);
        return (await r.evalRuns.get(s.runId))!;
      });
    },
    async get(id: string): Promise<EvalRunRecord> {
      const rec = await store.read.evalRuns.get(id);
      if (!rec) throw notFound('evaluation run', id);
      return rec;
    },
    list: (f: { systemId?: string; status?: string; suite?: string; limit: number; offset: number }) => store.read.evalRuns.list(f),
    async compare(a: string, b: string) {
      const [ra, rb] = await Promise.all([this.get(a), this.get(b)]);
      for (const [r, field] of [[ra, 'a'], [rb, 'b']] as const) {
        if (!r.summary) throw new ZonghengError('conflict', `run ${r.id} has no summary yet (status ${r.status})`, { field });
      }
      return { runs: { a: ra.id, b: rb.id }, ...compareRuns(ra.summary as unknown as RunSummary, rb.summary as unknown as RunSummary) };
    },
    /** Stops every run of this process (server shutdown): they stay resumable. */
    async close(): Promise<void> {
      for (const a of active.values()) a.ac.abort();
      await Promise.allSettled([...active.values()].map((a) => a.done));
      if (queue) await (await queue).stop({ graceful: false, wait: true }).catch(() => undefined);
    },
    activeCount: () => active.size,
  };
}
export type EvalRunService = ReturnType<typeof evalRunService>;
