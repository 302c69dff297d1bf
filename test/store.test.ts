import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { openDb } from '../src/store/db.ts';
import { listMigrations, openStore, type Store } from '../src/store/index.ts';
import { testConfig } from './helpers.ts';

describe('store', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let url: string | undefined;
  let dataDir: string;
  before(async () => {
    const t = await testConfig();
    cleanup = t.cleanup;
    url = t.config.databaseUrl;
    dataDir = t.config.dataDir;
    store = await openStore({ databaseUrl: url, dataDir });
  });
  after(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('migrations are safe when two processes start at once (PostgreSQL advisory lock)', { skip: !process.env.ZONGHENG_TEST_DATABASE_URL }, async () => {
    const t = await testConfig();
    try {
      const script = `import { openStore } from './src/store/index.ts'; const s = await openStore({ databaseUrl: process.env.U }); await s.close(); console.log('ok');`;
      const runOne = () =>
        new Promise<{ code: number; out: string }>((resolve) => {
          const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, U: t.config.databaseUrl! }, cwd: process.cwd() });
          let out = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (out += d));
          p.on('close', (code) => resolve({ code: code ?? -1, out }));
        });
      const results = await Promise.all([runOne(), runOne(), runOne()]);
      for (const r of results) assert.equal(r.code, 0, r.out);
      const db = await openDb({ databaseUrl: t.config.databaseUrl });
      const rows = await db.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      await db.close();
      assert.equal(rows[0]!.n, listMigrations().length, 'each migration applied exactly once');
    } finally {
      await t.cleanup();
    }
  });

  it('the audit chain detects altered, deleted and truncated entries', async () => {
    await store.tx((r) => r.audit.append([1, 2, 3, 4].map((i) => ({ actor: 't', action: 'x', entityType: 'test', entityId: `e${i}`, payload: { i, nested: { b: 1, a: [1, 2] } } }))));
    assert.equal((await store.read.audit.verify()).ok, true);
    await store.db.query(`update audit_log set actor = 'mallory' where seq = 2`);
    const altered = await store.read.audit.verify();
    assert.equal(altered.ok, false);
    assert.equal(altered.ok === false && altered.brokenAt, 2);
    await store.db.query(`update audit_log set actor = 't' where seq = 2`);
    assert.equal((await store.read.audit.verify()).ok, true);
    await store.db.query(`delete from audit_log where seq = 4`);
    const truncated = await store.read.audit.verify();
    assert.equal(truncated.ok, false);
    assert.match(truncated.ok === false ? truncated.reason : '', /deleted from the end/);
  });

  it('a failed transaction leaves nothing behind', async () => {
    const before = await store.db.query<{ n: number }>('select count(*)::int as n from audit_log');
    await assert.rejects(
      store.tx(async (r) => {
        await r.audit.append([{ actor: 't', action: 'y', entityType: 'test', entityId: 'z', payload: {} }]);
        throw new Error('boom');
      }),
    );
    const afterRows = await store.db.query<{ n: number }>('select count(*)::int as n from audit_log');
    assert.equal(afterRows[0]!.n, before[0]!.n);
  });
});
