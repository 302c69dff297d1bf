import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.ts';
import { seedBench } from './seed.ts';

/**
 * `npm run bench -- store [--systems N] [--risks N] [--pg URL]`: seeds 10,000 systems and 200,000
 * risks (two revisions each) and times the register's hot queries, on PGlite and, when a
 * PostgreSQL URL is given (or ZONGHENG_BENCH_PG_URL is set), on PostgreSQL too. Prints JSON.
 */
const args = process.argv.slice(2);
const arg = (name: string, def?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const SYSTEMS = Number(arg('systems', '10000'));
const RISKS = Number(arg('risks', '200000'));
const PG = arg('pg', process.env.ZONGHENG_BENCH_PG_URL);
const RUNS = Number(arg('runs', '40'));

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; max: number }> {
  for (let i = 0; i < 3; i++) await fn(); // warm caches and plans
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return { p50: pct(xs, 50), p95: pct(xs, 95), max: pct(xs, 100) };
}

async function benchStore(label: string, store: Store) {
  const seeded = await seedBench(store, { systems: SYSTEMS, risks: RISKS, onProgress: (d, t) => d % 50000 === 0 && process.stderr.write(`[${label}] seeded ${d}/${t} risks\n`) });
  await store.db.exec('analyze');
  const r = store.read;
  const [someRisk] = await r.risks.list({ limit: 1, offset: 1234 });
  const systemId = someRisk!.systemId;
  const queries: Record<string, () => Promise<unknown>> = {
    'risks: system filter': () => r.risks.list({ systemId, limit: 50, offset: 0 }),
    'risks: priority=high & status=analysed': () => r.risks.list({ priority: 'high', status: 'analysed', limit: 50, offset: 0 }),
    'risks: taxonomy filter': () => r.risks.list({ taxonomyId: 'tc260.3.1.2.d', limit: 50, offset: 0 }),
    'risks: overdue': () => r.risks.list({ overdue: true, sort: 'review', limit: 50, offset: 0 }),
    'risks: sort by score, page 20': () => r.risks.list({ sort: 'score', limit: 50, offset: 1000 }),
    'risks: status=treating sorted by score': () => r.risks.list({ status: 'treating', sort: 'score', limit: 50, offset: 0 }),
    'risks: priority=medium sorted by score': () => r.risks.list({ priority: 'medium', sort: 'score', limit: 50, offset: 0 }),
    'risks: count priority=high (capped at 10k)': () => r.risks.count({ priority: 'high' }),
    'risks: count system filter': () => r.risks.count({ systemId }),
    'risk history': () => r.revisions.list('risk', someRisk!.id),
    'heat map: overall': () => r.risks.heat(),
    'heat map: one system': () => r.risks.heat(systemId),
    'coverage: overall': () => r.controls.coverage(),
    'coverage: one system': () => r.controls.coverage(systemId),
    'systems: grade filter': () => r.systems.list({ grade: 'high', limit: 50 }),
  };
  const results: Record<string, { p50: number; p95: number; max: number }> = {};
  for (const [name, fn] of Object.entries(queries)) results[name] = await time(fn);
  return { store: label, seed: { ...seeded, risksPerSecond: Math.round((seeded.risks / seeded.ms) * 1000) }, queriesMs: results };
}

const out: unknown[] = [];
const dir = mkdtempSync(join(tmpdir(), 'zh-bench-'));
try {
  const lite = await openStore({ dataDir: dir });
  try {
    out.push(await benchStore('pglite', lite));
  } finally {
    await lite.close();
  }
  if (PG) {
    const pg = await import('pg');
    const admin = new pg.default.Client({ connectionString: PG });
    await admin.connect();
    const name = `zh_bench_${process.pid}`;
    await admin.query(`create database ${name}`);
    const u = new URL(PG);
    u.pathname = `/${name}`;
    const store = await openStore({ databaseUrl: u.toString() });
    try {
      out.push(await benchStore('postgres', store));
    } finally {
      await store.close();
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ bench: 'store', systems: SYSTEMS, risks: RISKS, runs: RUNS, node: process.version, results: out }, null, 2));
