import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimServer, type SimServer } from '../src/evaluate/testing/sim-server.ts';
import { startTestServer, type TestServer } from './helpers.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'zongheng');

/** A run started over the API with `distribute` is worked by `zongheng worker` processes through the PostgreSQL queue. */
describe('distributed evaluation runs over the API', { skip: !process.env.ZONGHENG_TEST_DATABASE_URL && 'needs ZONGHENG_TEST_DATABASE_URL (PostgreSQL)' }, () => {
  let s: TestServer;
  let sim: SimServer;
  const workers: ChildProcess[] = [];
  const workerDirs: string[] = [];
  before(async () => {
    sim = await startSimServer();
    process.env.ZH_DIST_SIM_KEY = 'sk-dist-sim';
    s = await startTestServer();
    const databaseUrl = s.runtime.config.databaseUrl!;
    for (let i = 0; i < 2; i++) {
      const wd = mkdtempSync(join(tmpdir(), 'zh-api-worker-'));
      workerDirs.push(wd);
      workers.push(spawn(process.execPath, [BIN, 'worker'], { env: { ...process.env, ZONGHENG_DATA_DIR: wd, ZONGHENG_DATABASE_URL: databaseUrl, ZONGHENG_LOG_LEVEL: 'silent' }, stdio: 'ignore' }));
    }
  });
  after(async () => {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    for (const d of workerDirs) rmSync(d, { recursive: true, force: true });
    await s?.cleanup();
    await sim?.close();
  });

  it('shards a built-in suite across the workers and finishes with every case', async () => {
    const target = { type: 'openai', name: 'sim', baseUrl: `${sim.url}/v1`, model: 'sim-dist', apiKeyEnv: 'ZH_DIST_SIM_KEY' };
    const inline = await s.api('POST', '/api/eval/runs', { target, suite: 'custom', cases: [{ id: 'a', prompt: 'hi', expect: 'answer' }], distribute: 2 });
    assert.equal(inline.body.error.field, 'cases');
    const started = await s.api('POST', '/api/eval/runs', { target, suite: 'overrefusal-xstest', sample: 24, distribute: 3 });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const id = started.body.id as string;
    let run: any;
    for (let i = 0; i < 1200; i++) {
      run = (await s.api('GET', `/api/eval/runs/${id}`)).body;
      if (run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.summary.totals.results, 24);
    assert.equal(run.progress.shards, 3);
    assert.equal(run.progress.doneShards, 3);
  });
});
