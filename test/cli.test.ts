import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDb } from '../src/store/db.ts';
import { startServer, type RunningServer } from '../src/server/start.ts';
import { testConfig } from './helpers.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'zongheng');

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * The `zongheng` command. While a server runs on the data dir the CLI talks to it over HTTP with the
 * admin token; with none running it serves itself in-process on the store (export/import and the
 * audit check below run that way).
 */
describe('zongheng CLI', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let dataDir: string;
  let databaseUrl: string | undefined;
  let server: RunningServer | undefined;
  before(async () => {
    const t = await testConfig();
    cleanup = t.cleanup;
    dataDir = t.config.dataDir;
    databaseUrl = t.config.databaseUrl;
    env = { ZONGHENG_DATA_DIR: dataDir, ZONGHENG_LOG_LEVEL: 'silent', ...(databaseUrl ? { ZONGHENG_DATABASE_URL: databaseUrl } : {}) };
    server = await startServer(t.config, { quiet: true });
  });
  after(async () => {
    await server?.stop();
    await cleanup?.();
  });

  let systemId = '';
  it('adds and lists systems, with --json on read commands', async () => {
    const add = await run(['system', 'add', '--name', 'Clinic RAG', '--owner', 'IT', '--domain', 'medical', '--population', 'public', '--capabilities', 'text-generation,rag', '--json'], env);
    assert.equal(add.code, 0, add.stderr);
    systemId = JSON.parse(add.stdout).id;
    const list = await run(['system', 'list', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).items[0].id, systemId);
    const show = await run(['system', 'show', systemId], env);
    assert.match(show.stdout, /Grade reasons/);
  });

  it('runs risk add / assess / treat / show --history and reports usage errors with exit 2', async () => {
    const add = await run(['risk', 'add', '--system', systemId, '--title', 'Wrong dosage', '--taxonomy', 'tc260.3.1.1.e', '--likelihood', '3', '--impact', 'people=5', '--json'], env);
    assert.equal(add.code, 0, add.stderr);
    const id = JSON.parse(add.stdout).id;
    assert.equal((await run(['risk', 'assess', id, '--likelihood', '2', '--impact', 'people=4', '--reason', 'pharmacist check'], env)).code, 0);
    assert.equal((await run(['risk', 'treat', id, '--strategy', 'mitigate', '--owner', 'Pharmacy', '--due', '2027-03-01'], env)).code, 0);
    const show = await run(['risk', 'show', id, '--history', '--json'], env);
    assert.deepEqual(JSON.parse(show.stdout).history.map((h: any) => h.action), ['create', 'assess', 'treat']);
    const bad = await run(['risk', 'add', '--system', systemId, '--title', 'x', '--taxonomy', 'nope.1'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /taxonomyIds\[0\]/);
    assert.equal((await run(['risk', 'assess', id, '--likelihood', '9', '--impact', 'people=1'], env)).code, 2);
    const ctl = JSON.parse((await run(['control', 'list', '--system', systemId, '--json'], env)).stdout).items[0];
    assert.equal((await run(['control', 'set', ctl.id, 'not-applicable'], env)).code, 2);
    assert.equal((await run(['control', 'set', ctl.id, 'not-applicable', '--reason', 'no such component'], env)).code, 0);
  });

  it('creates and revokes tokens', async () => {
    const t = await run(['token', 'create', '--name', 'ci', '--role', 'engineer', '--json'], env);
    assert.equal(t.code, 0, t.stderr);
    const { info, token } = JSON.parse(t.stdout);
    assert.match(token, /^zh_/);
    assert.equal((await run(['token', 'revoke', info.id], env)).code, 0);
  });

  it('exports and imports the whole database exactly, and refuses a corrupted export whole', async () => {
    await server!.stop(); // from here on the CLI works on the store in-process
    server = undefined;
    const out = join(dataDir, 'export.jsonl');
    const ex = await run(['export', '--out', out], env);
    assert.equal(ex.code, 0, ex.stderr);
    const t2 = await testConfig();
    const env2 = { ZONGHENG_DATA_DIR: t2.config.dataDir, ZONGHENG_LOG_LEVEL: 'silent', ...(t2.config.databaseUrl ? { ZONGHENG_DATABASE_URL: t2.config.databaseUrl } : {}) };
    try {
      const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
      const corrupted = join(dataDir, 'bad.jsonl');
      const row = JSON.parse(lines[5]!);
      row.r[Object.keys(row.r)[1]!] = 'tampered';
      writeFileSync(corrupted, [...lines.slice(0, 5), JSON.stringify(row), ...lines.slice(6)].join('\n') + '\n');
      const bad = await run(['import', corrupted], env2);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /checksum mismatch|line/);
      writeFileSync(corrupted, [...lines.slice(0, 3), '{not json', ...lines.slice(3)].join('\n') + '\n');
      const bad2 = await run(['import', corrupted], env2);
      assert.equal(bad2.code, 2);
      assert.match(bad2.stderr, /line 4/);
      const empty = await run(['system', 'list', '--json'], env2);
      assert.equal(JSON.parse(empty.stdout).items.length, 0, 'a refused import writes nothing');

      const imp = await run(['import', out, '--replace'], env2);
      assert.equal(imp.code, 0, imp.stderr);
      const out2 = join(t2.config.dataDir, 'export2.jsonl');
      assert.equal((await run(['export', '--out', out2], env2)).code, 0);
      assert.equal(readFileSync(out2, 'utf8'), readFileSync(out, 'utf8'), 'export → import → export is byte-identical');
      assert.equal((await run(['audit', 'verify'], env2)).code, 0);
    } finally {
      await t2.cleanup();
    }
  });

  it('audit verify finds the first broken link after a row is tampered with in the database', async () => {
    const ok = await run(['audit', 'verify'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /intact/);
    const db = await openDb({ databaseUrl, dataDir });
    try {
      await db.query(`update audit_log set payload = '{"forged": true}'::jsonb where seq = 3`);
    } finally {
      await db.close();
    }
    const broken = await run(['audit', 'verify', '--json'], env);
    assert.equal(broken.code, 1);
    const r = JSON.parse(broken.stdout);
    assert.equal(r.ok, false);
    assert.equal(r.brokenAt, 3);
  });
});
