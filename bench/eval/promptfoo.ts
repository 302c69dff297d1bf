/**
 * promptfoo side of the eval benchmark: installs promptfoo from npm into a temp directory (never
 * into this project's package.json), writes an equivalent config for a generated suite, and runs
 * `promptfoo eval` as a child process.
 *
 * Equivalence with Zongheng's run: the same prompts from the same suite file, as `tests` in a JSONL
 * file; one OpenAI-compatible provider (`openai:chat:sim` with `apiBaseUrl` at the local server);
 * the same per-case check, a pattern-based refusal detector (`is-refusal` for `refuse`/`safe`
 * cases, `not-is-refusal` for `answer` cases); the same concurrency; no cache (`--no-cache`).
 * promptfoo keeps its results in its SQLite database (its default), here in a temp
 * PROMPTFOO_CONFIG_DIR; Zongheng keeps them in results.jsonl plus summary, report and JUnit files.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { runMeasured, type Measured } from './measure.ts';

export interface PromptfooInstall {
  dir: string;
  version: string;
  bin: string;
  installedNow: boolean;
  installMs?: number;
}

/** Installs `promptfoo@<spec>` into `dir` (default: a temp dir named after the spec, reused when it already holds a matching version). */
export function ensurePromptfoo(spec: string, dir = join(tmpdir(), `zh-bench-promptfoo-${spec}`)): PromptfooInstall {
  const pkg = join(dir, 'node_modules', 'promptfoo', 'package.json');
  const matches = () => existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version.startsWith(spec.replace(/\.x$/, ''));
  let installedNow = false;
  let installMs: number | undefined;
  if (!matches()) {
    console.error(`bench eval: installing promptfoo@${spec} into ${dir} (a few minutes)…`);
    const t0 = performance.now();
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', `promptfoo@${spec}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    installMs = Math.round(performance.now() - t0);
    installedNow = true;
    if (!matches()) throw new Error(`promptfoo@${spec} did not install into ${dir}`);
  }
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  return { dir, version, bin: realpathSync(join(dir, 'node_modules', '.bin', 'promptfoo')), installedNow, ...(installMs !== undefined ? { installMs } : {}) };
}

/** Writes promptfoo's tests (JSONL) and config for the Zongheng suite at `suite`. Returns the config path. */
export async function writePromptfooConfig(dir: string, suite: string, baseUrl: string): Promise<string> {
  const tests = join(dir, 'tests.jsonl');
  const out = createWriteStream(tests);
  for await (const line of createInterface({ input: createReadStream(suite), crlfDelay: Infinity })) {
    if (!line) continue;
    const c = JSON.parse(line) as { prompt: string; expect: string };
    const row = { vars: { prompt: c.prompt }, assert: [{ type: c.expect === 'answer' ? 'not-is-refusal' : 'is-refusal' }] };
    if (!out.write(JSON.stringify(row) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const config = join(dir, 'promptfooconfig.yaml');
  writeFileSync(
    config,
    [
      'description: zongheng eval benchmark',
      "prompts: ['{{prompt}}']",
      'providers:',
      '  - id: openai:chat:sim',
      `    config: { apiBaseUrl: '${baseUrl}/v1', apiKey: bench-key-123456 }`,
      `tests: file://${tests}`,
      '',
    ].join('\n'),
  );
  return config;
}

export interface PromptfooRun {
  measured: Measured;
  /** Results promptfoo stored in its database (read after the run, not timed). */
  stored?: { results: number; passed: number; errors: number };
  passed?: number;
  failed?: number;
  errors?: number;
  /** promptfoo's own "Duration:" line (seconds, whole). */
  reportedSeconds?: number;
}

function parseSummary(stdout: string): Omit<PromptfooRun, 'measured'> {
  const n = (re: RegExp) => {
    const m = re.exec(stdout);
    return m ? Number(m[1]!.replace(/,/g, '')) : undefined;
  };
  const r: Omit<PromptfooRun, 'measured'> = {};
  const passed = n(/([\d,]+) passed/);
  const failed = n(/([\d,]+) failed/);
  const errors = n(/([\d,]+) errors?/);
  if (passed !== undefined) r.passed = passed;
  if (failed !== undefined) r.failed = failed;
  if (errors !== undefined) r.errors = errors;
  const d = /Duration:\s*([^\n(]+)/.exec(stdout)?.[1];
  if (d) {
    const h = Number(/(\d+)h/.exec(d)?.[1] ?? 0);
    const m = Number(/(\d+)m(?!s)/.exec(d)?.[1] ?? 0);
    const s = Number(/(\d+(?:\.\d+)?)s/.exec(d)?.[1] ?? 0);
    r.reportedSeconds = h * 3600 + m * 60 + s;
  }
  return r;
}

/** Counts the results of the (only) eval in promptfoo's database, with the libsql driver promptfoo itself ships. */
function storedResults(install: PromptfooInstall, home: string): PromptfooRun['stored'] {
  const db = join(home, 'promptfoo.db');
  if (!existsSync(db)) return undefined;
  type Stmt = { get(): Record<string, number | null> };
  const Database = createRequire(join(install.dir, 'node_modules', 'promptfoo', 'package.json'))('libsql') as new (p: string, o: object) => { prepare(q: string): Stmt; close(): void };
  const conn = new Database(db, { readonly: true });
  try {
    const r = conn.prepare('select count(*) as n, coalesce(sum(success), 0) as ok, coalesce(sum(case when failure_reason = 2 then 1 else 0 end), 0) as err from eval_results').get();
    return { results: Number(r['n']), passed: Number(r['ok']), errors: Number(r['err']) };
  } finally {
    conn.close();
  }
}

export async function runPromptfoo(install: PromptfooInstall, config: string, workDir: string, concurrency: number): Promise<PromptfooRun> {
  const home = join(workDir, 'promptfoo-home');
  const measured = await runMeasured(process.execPath, [install.bin, 'eval', '-c', config, '--no-cache', '-j', String(concurrency), '--no-table', '--no-progress-bar', '--no-share'], {
    cwd: workDir,
    env: {
      ...process.env,
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      PROMPTFOO_CONFIG_DIR: home,
      NO_COLOR: '1',
      OPENAI_API_KEY: 'bench-key-123456',
    },
    timeoutMs: 60 * 60_000,
  });
  const stored = storedResults(install, home);
  return { measured, ...(stored ? { stored } : {}), ...parseSummary(measured.stdout) };
}
