import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Arbitrary but fixed: every Zongheng process contends for the same advisory lock. */
const MIGRATION_LOCK = 74200001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * Applies pending forward-only migrations. A session-level advisory lock makes two processes that
 * start at once take turns: the second finds the work done. Each migration commits atomically.
 */
export async function migrate(db: Db): Promise<{ applied: string[]; current: number }> {
  const migrations = listMigrations();
  return db.withConnection(async (conn) => {
    await conn.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await conn.query(
        'create table if not exists schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())',
      );
      const done = new Set((await conn.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
      const applied: string[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await conn.query('begin');
        try {
          await conn.exec(m.sql);
          await conn.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
          await conn.query('commit');
        } catch (err) {
          await conn.query('rollback');
          throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
        }
        applied.push(m.name);
      }
      return { applied, current: migrations.at(-1)?.version ?? 0 };
    } finally {
      await conn.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
