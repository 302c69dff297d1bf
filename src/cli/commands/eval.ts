import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ZonghengError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { AttackSpecError, calibrate, listAttacks, calibrationsFor, compareRuns, createTarget, EXPECTS, loadSecretsFile, readLabelled, RunConfigError, runEval, saveCalibration, scoreOffline, TargetConfigError, toEvidence, type CalibrationReport, type RunSummary, type SavedCalibration } from '../../evaluate/index.ts';
import { listSuites, SuiteError } from '../../evaluate/suites/index.ts';
import { loadConfig } from '../../server/config.ts';
import { keyValues, table } from '../format.ts';
import { globalFlags } from '../options.ts';
import { progressBar } from '../progress.ts';
import { print, withClient } from '../run.ts';

function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[1]) >= Number(m[2])) throw new InvalidArgumentError('i/n with 0 ≤ i < n, e.g. 0/4');
  return { index: Number(m[1]), count: Number(m[2]) };
}
function parseRate(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('a rate between 0 and 1, e.g. 0.95');
  return n;
}

/** Queues the run's shards for workers and merges their results into `out` (PostgreSQL only). */
async function distributed(program: Command, o: Record<string, any>, out: string, onProgress: (doneShards: number, results: number) => void): Promise<RunSummary> {
  const config = loadConfig(globalFlags(program));
  if (!config.databaseUrl) throw new ZonghengError('bad_request', '--distribute needs PostgreSQL (ZONGHENG_DATABASE_URL) so that workers on other processes or machines share the queue', { field: 'distribute' });
  if (!(Number.isInteger(o.distribute) && o.distribute >= 1 && o.distribute <= 1000)) throw new ZonghengError('bad_request', '--distribute takes a shard count 1–1000', { field: 'distribute' });
  if (!o.target) throw new ZonghengError('bad_request', '--distribute needs --target', { field: 'target' });
  const { parse } = await import('yaml');
  const target = parse(readFileSync(o.target, 'utf8')) as Record<string, unknown>;
  const judge = o.judge ? (parse(readFileSync(o.judge, 'utf8')) as Record<string, unknown>) : undefined;
  const { assertNoInlineSecrets, distributeEval } = await import('../../jobs/eval-shard.ts');
  const { openQueue } = await import('../../jobs/queue.ts');
  const { openStore } = await import('../../store/index.ts');
  assertNoInlineSecrets(target, 'target');
  if (judge) assertNoInlineSecrets(judge, 'judge');
  const store = await openStore({ databaseUrl: config.databaseUrl });
  const boss = await openQueue(config.databaseUrl);
  try {
    const runId = newId('run');
    process.stderr.write(`run ${runId}: ${o.distribute} shards queued; start workers with \`zongheng worker\`\n`);
    return await distributeEval(boss, store, {
      job: { runId, suite: o.suite, target: target as never, ...(judge ? { judge: judge as never } : {}), attacks: o.attack, sample: o.sample, concurrency: o.concurrency },
      shards: o.distribute, out, failUnder: o.failUnder, systemId: o.system, locale: o.locale === 'zh' ? 'zh' : 'en', onProgress,
    });
  } finally {
    await boss.stop({ graceful: false, wait: true });
    await store.close();
  }
}

/**
 * Records the finished run in the store (the running server's, else the local one) so the API and the
 * console list it. A run that cannot be recorded is still a finished run: warn, don't fail.
 */
async function recordRun(program: Command, summary: RunSummary, out: string, systemId: string | undefined, evidenceId: string | undefined): Promise<void> {
  // The request body limit is 1 MB: failing examples are the bulky part and stay in results.jsonl anyway.
  let sent: RunSummary = summary;
  while (JSON.stringify(sent).length > 900_000 && sent.examples.length > 0) sent = { ...sent, examples: sent.examples.slice(0, Math.floor(sent.examples.length / 2)) };
  try {
    await withClient(program, (api) => api.call('POST', '/api/eval/runs/record', { summary: sent, outDir: out, ...(systemId ? { systemId } : {}), ...(evidenceId ? { evidenceId } : {}) }));
  } catch (e) {
    process.stderr.write(`warning: the run finished but was not recorded in the store (${(e as Error).message}); its files are in ${out}\n`);
  }
}

/** Ctrl-C aborts the signal (calls in flight end, nothing half-done is recorded); a second one quits. */
function sigintAbort(): { signal: AbortSignal; release: () => void } {
  const ac = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nstopping… (Ctrl-C again to quit at once)\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ac.signal, release: () => process.off('SIGINT', onSigint) };
}

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** Secrets for target files: the environment, then the --secrets file. */
function secretsOf(o: Record<string, any>) {
  return { env: process.env, ...(o.secrets ? { secrets: loadSecretsFile(o.secrets) } : {}) };
}

/**
 * Calibrations to show beside the results: --calibration files, those saved by `eval calibrate`
 * in $ZONGHENG_DATA_DIR/calibration (a judge's only for the same judge model), the shipped one.
 */
function calibrationsOf(o: Record<string, any>, dataDir: string): CalibrationReport[] {
  const judge = o.judge ? createTarget(o.judge, secretsOf(o)).identity : undefined;
  return calibrationsFor({ dir: join(dataDir, 'calibration'), files: o.calibration ?? [], ...(judge ? { judge } : {}) });
}

function mapEvalErrors(e: unknown): never {
  if (e instanceof RunConfigError) throw new ZonghengError('bad_request', e.message, { field: e.field });
  if (e instanceof SuiteError) throw new ZonghengError('bad_request', `malformed suite: ${e.message}`);
  if (e instanceof TargetConfigError) throw new ZonghengError('bad_request', `target: ${e.message}`);
  if (e instanceof AttackSpecError) throw new ZonghengError('bad_request', `--attack: ${e.message}`, { field: 'attack' });
  throw e;
}

/** After a finished run: evidence for --system, the summary on stdout, exit 1 on a failed gate. */
async function reportRun(program: Command, o: Record<string, any>, summary: RunSummary, out: string): Promise<void> {
  let evidenceId: string | undefined;
  if (o.system) {
    const e = await withClient(program, (api) => api.call('POST', '/api/evidence', toEvidence(summary, o.system, { detailsUrl: `file://${summary.files.report}` })));
    evidenceId = e.id;
    process.stderr.write(`evidence ${e.id} recorded for ${o.system}: ${e.effects.map((x: { outcome: string }) => x.outcome).join('; ') || 'no rule applied'}\n`);
  }
  if (o.record !== false) await recordRun(program, summary, out, o.system, evidenceId);
  const calib = new Map(summary.calibration.map((c) => [c.scorer, c]));
  print(o.json, { ...summary, ...(evidenceId ? { evidenceId } : {}) }, () => {
    const cats = summary.categories.map((c) => ({
      category: c.taxonomyId, n: c.n, metric: c.metric, rate: c.rate.toFixed(3), ci95: `${c.lower.toFixed(3)}–${c.upper.toFixed(3)}`, threshold: c.threshold, passed: c.passed,
      scorer: c.scorers.map((x) => (calib.has(x) ? `${x} (agreement ${(calib.get(x)!.agreement * 100).toFixed(1)}%)` : x)).join(', '),
    }));
    const t = summary.totals;
    return `${keyValues({ run: summary.runId, out, results: t.results, pass: t.pass, fail: t.fail, couldNotScore: t.couldNotScore, errors: t.errors, skipped: t.skipped, cached: t.cached })}\n\n${table(cats as Record<string, unknown>[], ['category', 'n', 'metric', 'rate', 'ci95', 'threshold', 'passed', 'scorer'])}\n\nreport: ${summary.files.report}\njunit:  ${summary.files.junit}${summary.gate.failed ? `\nFAILED the gate: ${summary.gate.failingCategories.join(', ') || `pass rate lower bound ${summary.gate.lower.toFixed(3)} < ${summary.gate.failUnder}`}` : ''}`;
  });
  if (summary.gate.failed) process.exitCode = 1;
}

/** `zongheng eval …`: runs on this machine with no server needed; evidence goes to the store when --system is given. */
export function register(program: Command): void {
  const ev = program.command('eval').description('safety evaluations and red-team runs; 安全评测与红队测试');
  ev.command('run')
    .description('run a suite against a target; writes results.jsonl, summary.json, report.html, junit.xml')
    .option('--target <file>', 'target YAML (type, baseUrl, model, apiKeyEnv, …)')
    .requiredOption('--suite <name|file>', 'built-in suite name (see `eval suites`) or a JSONL/YAML file')
    .option('--out <dir>', 'output directory (default $ZONGHENG_DATA_DIR/runs/<run id>)')
    .option('--attack <list>', 'attack chains: `base64,roleplay` composes; `;` separates chains; `none` is the baseline')
    .option('--judge <file>', 'LLM-as-judge target YAML')
    .option('--translator <file>', 'helper model for translation attacks')
    .option('--attacker <file>', 'attacker model for multi-turn escalation')
    .option('--system <id>', 'record the results as evidence for this system (risks and controls update)')
    .option('--secrets <file>', 'YAML secrets file (NAME: value) for apiKeyEnv names; never written anywhere')
    .option('--calibration <file>', 'scorer calibration report (from `eval calibrate`) to show beside the results; repeatable', collect)
    .option('--no-cache', 'do not use the response cache')
    .option('--resume <dir>', 'finish an interrupted run in this output directory')
    .option('--offline', 'score the suite\'s captured responses without calling a target')
    .option('--sample <n>', 'seeded sample: a count (≥1) or a fraction (<1)', Number)
    .option('--shard <i/n>', 'only shard i of n (stable by case id)', parseShard)
    .option('--concurrency <n>', 'cases in flight', Number)
    .option('--distribute <n>', 'split into n shards for `zongheng worker` processes (needs PostgreSQL)', Number)
    .option('--fail-under <rate>', 'exit 1 when the lower Wilson bound of the pass rate (or a GB/T threshold) fails', parseRate)
    .option('--locale <zh|en>', 'report language', 'en')
    .option('--no-record', 'do not record the run in the store (the console and GET /api/eval/runs list recorded runs)')
    .option('--json', 'print the summary as JSON')
    .action(async (o) => {
      const config = loadConfig(globalFlags(program));
      const out = resolve(o.resume ?? o.out ?? join(config.dataDir, 'runs', newId('run')));
      // Fail fast on an unknown system before spending any requests on the target.
      if (o.system) await withClient(program, (api) => api.call('GET', `/api/systems/${encodeURIComponent(o.system)}`));
      const stop = sigintAbort();
      const bar = progressBar('eval');
      let summary: RunSummary;
      try {
        summary = o.distribute ? await distributed(program, o, out, (d, n) => bar.update({ done: d, total: o.distribute, rate: 0, detail: `shards done, ${n} results` })) : await runEval({
          target: o.target, suite: o.suite, out, attacks: o.attack, judge: o.judge,
          helpers: { ...(o.translator ? { translator: o.translator } : {}), ...(o.attacker ? { attacker: o.attacker } : {}) },
          cache: o.cache === false ? false : join(config.dataDir, 'cache', 'eval'),
          resume: Boolean(o.resume), offline: Boolean(o.offline), sample: o.sample, shard: o.shard, concurrency: o.concurrency,
          failUnder: o.failUnder, locale: o.locale === 'zh' ? 'zh' : 'en', systemId: o.system, signal: stop.signal,
          secrets: secretsOf(o), calibration: calibrationsOf(o, config.dataDir),
          onProgress: (p) => bar.update({ done: p.done, total: p.total, rate: p.rate, etaSeconds: p.etaSeconds, detail: `pass ${p.passed} fail ${p.failed} n/s ${p.couldNotScore} err ${p.errors}` }),
        });
      } catch (e) {
        bar.done();
        mapEvalErrors(e);
      } finally {
        stop.release();
      }
      bar.done();
      if (summary.status === 'aborted') {
        process.stderr.write(`interrupted: ${summary.totals.results} results kept. Resume with: zongheng eval run --suite ${o.suite}${o.target ? ` --target ${o.target}` : ''} --resume ${out}\n`);
        process.exitCode = 130;
        return;
      }
      await reportRun(program, o, summary, out);
    });

  ev.command('score <transcripts>')
    .description('score captured prompt/response pairs (JSONL or YAML; each line a case plus `response`) without calling any target')
    .option('--out <dir>', 'output directory (default $ZONGHENG_DATA_DIR/runs/<run id>)')
    .option('--judge <file>', 'LLM-as-judge target YAML (the only model called, and only when a case needs it)')
    .option('--secrets <file>', 'YAML secrets file for the judge\'s apiKeyEnv')
    .option('--calibration <file>', 'scorer calibration report to show beside the results; repeatable', collect)
    .option('--no-cache', 'do not use the response cache for judge calls')
    .option('--no-record', 'do not record the run in the store (the console and GET /api/eval/runs list recorded runs)')
    .option('--system <id>', 'record the results as evidence for this system')
    .option('--concurrency <n>', 'items scored at once (judge calls)', Number)
    .option('--resume <dir>', 'finish an interrupted scoring run in this output directory')
    .option('--fail-under <rate>', 'exit 1 when the lower Wilson bound of the pass rate (or a GB/T threshold) fails', parseRate)
    .option('--locale <zh|en>', 'report language', 'en')
    .option('--json', 'print the summary as JSON')
    .action(async (transcripts: string, o) => {
      const config = loadConfig(globalFlags(program));
      const out = resolve(o.resume ?? o.out ?? join(config.dataDir, 'runs', newId('run')));
      if (o.system) await withClient(program, (api) => api.call('GET', `/api/systems/${encodeURIComponent(o.system)}`));
      const stop = sigintAbort();
      const bar = progressBar('score');
      let summary: RunSummary;
      try {
        summary = await scoreOffline({
          input: transcripts, out, judge: o.judge, concurrency: o.concurrency, cache: o.cache === false ? false : join(config.dataDir, 'cache', 'eval'), failUnder: o.failUnder, locale: o.locale === 'zh' ? 'zh' : 'en',
          systemId: o.system, secrets: secretsOf(o), calibration: calibrationsOf(o, config.dataDir), resume: Boolean(o.resume), signal: stop.signal,
          onProgress: (p) => bar.update({ done: p.done, total: p.total, rate: p.rate, etaSeconds: p.etaSeconds, detail: `pass ${p.passed} fail ${p.failed} n/s ${p.couldNotScore}` }),
        });
      } catch (e) {
        bar.done();
        mapEvalErrors(e);
      } finally {
        stop.release();
      }
      bar.done();
      if (summary.status === 'aborted') {
        process.stderr.write(`interrupted: ${summary.totals.results} results kept. Resume with: zongheng eval score ${transcripts} --resume ${out}\n`);
        process.exitCode = 130;
        return;
      }
      await reportRun(program, o, summary, out);
    });

  ev.command('calibrate')
    .description('measure a scorer against a labelled set (JSONL: case fields + response + label pass|fail): agreement, precision/recall (positive = fail), F1, kappa')
    .requiredOption('--labelled <file>', 'labelled JSONL')
    .option('--judge <file>', 'calibrate this LLM judge (it decides every item); without it the built-in heuristic scorers are measured')
    .option('--secrets <file>', 'YAML secrets file for the judge\'s apiKeyEnv')
    .option('--name <scorer>', 'name to store the report under (default: the scorer that decided the items)')
    .option('--no-save', 'do not save the report in $ZONGHENG_DATA_DIR/calibration (saved reports are shown beside later results judged by the same scorer)')
    .option('--json', 'print the report as JSON')
    .action(async (o) => {
      const config = loadConfig(globalFlags(program));
      const judge = o.judge ? createTarget(o.judge, secretsOf(o)) : undefined;
      let report: SavedCalibration;
      try {
        const r = await calibrate(judge ? { judge, judgeFirst: [...EXPECTS] } : {}, readLabelled(o.labelled), o.name ?? (judge ? 'judge' : undefined));
        report = { ...r, ...(judge ? { judge: judge.identity } : {}), labelledSet: resolve(o.labelled), at: new Date().toISOString() };
      } catch (e) {
        mapEvalErrors(e);
      }
      const saved = o.save === false ? undefined : saveCalibration(join(config.dataDir, 'calibration'), report);
      print(o.json, { ...report, ...(saved ? { saved } : {}) }, () => {
        const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
        return `${keyValues({ scorer: report.scorer, items: report.n, scored: report.scored, couldNotScore: report.couldNotScore, agreement: pct(report.agreement), precision: pct(report.precision), recall: pct(report.recall), f1: pct(report.f1), kappa: report.kappa.toFixed(3), 'tp/fp/tn/fn': `${report.tp}/${report.fp}/${report.tn}/${report.fn}` })}${saved ? `\nsaved: ${saved} (shown beside results judged by ${report.scorer})` : ''}`;
      });
    });

  ev.command('compare <a> <b>')
    .description('compare two runs (output dirs or summary.json files); exit 1 on a regression')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, o) => {
      const load = (p: string) => JSON.parse(readFileSync(p.endsWith('.json') ? p : join(p, 'summary.json'), 'utf8')) as RunSummary;
      const c = compareRuns(load(a), load(b));
      print(o.json, c, () => `${c.regressions.length} regression(s), ${c.improvements.length} improvement(s), ${c.unchanged} unchanged\n${JSON.stringify({ regressions: c.regressions, improvements: c.improvements }, null, 2)}`);
      if (c.regressed) process.exitCode = 1;
    });

  ev.command('attacks')
    .description('list the attack transforms (compose with `,` in --attack, separate chains with `;`)')
    .option('--locale <zh|en>', 'title language', 'en')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const items = listAttacks();
      const rows = items.map((a) => ({ id: a.id, family: a.family, title: o.locale === 'zh' ? a.title.zh : a.title.en, probes: a.probes.join(' '), needs: a.needs.join(' ') }));
      print(o.json, { items }, () => table(rows, ['id', 'family', 'title', 'probes', 'needs']));
    });

  ev.command('suites')
    .description('list the built-in suites')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const suites = listSuites();
      print(o.json, { items: suites }, () => table(suites as unknown as Record<string, unknown>[], ['name', 'cases', 'description']));
    });
}
