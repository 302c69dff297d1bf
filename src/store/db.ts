import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The one query surface the repositories use; both PGlite and node-postgres sit behind it. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `fn` holding one dedicated connection (needed for session-level advisory locks). */
  withConnection<T>(fn: (conn: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// node-postgres returns int8/numeric as strings; counts and sequence numbers here fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  constructor(private readonly pg: PGlite) {}
  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    const r = await this.pg.query<T>(sql, params as unknown[] | undefined);
    return r.rows;
  }
  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (tx) =>
      fn({
        query: async <R>(sql: string, params?: unknown[]) => (await tx.query<R>(sql, params as unknown[] | undefined)).rows,
        exec: async (sql: string) => void (await tx.exec(sql)),
      }),
    );
  }
  withConnection<T>(fn: (conn: Queryable) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async close(): Promise<void> {
    await this.pg.close();
  }
}

function clientQueryable(client: pg.PoolClient): Queryable {
  return {
    query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params as unknown[] | undefined)).rows as R[],
    exec: async (sql: string) => void (await client.query(sql)),
  };
}

class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}
  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    const r = await this.pool.query(sql, params as unknown[] | undefined);
    return r.rows as T[];
  }
  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(clientQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  async withConnection<T>(fn: (conn: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn(clientQueryable(client));
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface OpenOptions {
  /** `postgres://…` selects PostgreSQL; otherwise the embedded PGlite store in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  /** In-memory PGlite, for tests and throwaway runs. */
  memory?: boolean;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  if (opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // Fail fast with a clear message instead of on first use.
    await pool.query('select 1');
    return new PostgresDb(pool);
  }
  if (opts.memory) return new PgliteDb(await PGlite.create());
  if (!opts.dataDir) throw new Error('openDb: dataDir is required for the embedded store');
  const dir = `${opts.dataDir}/pgdata`;
  mkdirSync(dir, { recursive: true });
  return new PgliteDb(await PGlite.create(dir));
}
