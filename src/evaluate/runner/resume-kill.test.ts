import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { delayed, defaultScript, startSimServer, type SimServer } from '../testing/sim-server.ts';
import { replayJournal } from './journal.ts';

const CHILD = fileURLToPath(new URL('../testing/run-child.ts', import.meta.url));
let sim: SimServer;
const dir = mkdtempSync(join(tmpdir(), 'zh-kill-'));
const N = 400;

before(async () => {
  sim = await startSimServer(delayed(defaultScript, 8));
});
after(async () => {
  await sim.close();
});

function child(env: Record<string, string>) {
  return spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
const count = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).length : 0);

describe('resume after kill -9', () => {
  it('finishes without repeating or losing cases', async () => {
    const suite = join(dir, 'suite.jsonl');
    writeFileSync(suite, Array.from({ length: N }, (_, i) => JSON.stringify({ id: `k${i}`, prompt: `question ${i}`, expect: 'answer', categories: ['gbt45654.A.2.g'] })).join('\n') + '\n');
    const out = join(dir, 'out');
    const results = join(out, 'results.jsonl');
    const env = { ZH_SUITE: suite, ZH_OUT: out, ZH_TARGET_URL: sim.url, ZH_CONCURRENCY: '4', ZH_BATCH_LINES: '7' };
    const c1 = child(env);
    const exited = new Promise<NodeJS.Signals | null>((r) => c1.on('exit', (_code, sig) => r(sig)));
    const t0 = Date.now();
    while (count(results) < 40) {
      if (Date.now() - t0 > 20_000) throw new Error('child made no progress');
      await new Promise((r) => setTimeout(r, 10));
    }
    c1.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const before = count(results);
    assert.ok(before > 0 && before < N, `killed with ${before} lines`);
    // Simulate a torn write as well, as a kill during write() would leave it.
    appendFileSync(results, '{"id":"k_torn","caseId":"k_to');
    const c2 = child({ ...env, ZH_RESUME: '1' });
    let stdout = '';
    c2.stdout.on('data', (d) => (stdout += d));
    let stderr = '';
    c2.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => c2.on('exit', (c) => r(c)));
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.results, N);
    const ids = readFileSync(results, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
    assert.equal(ids.length, N);
    assert.equal(new Set(ids).size, N);
    assert.ok(!ids.includes('k_torn'));
  });

  it('replay cuts a torn tail and keeps a complete last record without newline', async () => {
    const p = join(dir, 'j.jsonl');
    writeFileSync(p, '{"id":"a"}\n{"id":"b"}\n{"id":"c","x":');
    const seen: string[] = [];
    const r = await replayJournal(p, (l) => seen.push(l.id));
    assert.deepEqual(seen, ['a', 'b']);
    assert.ok(r.truncatedBytes > 0);
    assert.equal(readFileSync(p, 'utf8'), '{"id":"a"}\n{"id":"b"}\n');
    writeFileSync(p, '{"id":"a"}\n{"id":"b"}');
    const seen2: string[] = [];
    await replayJournal(p, (l) => seen2.push(l.id));
    assert.deepEqual(seen2, ['a', 'b']);
  });
});
