import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Db, Queryable } from './db.ts';
import { listMigrations } from './migrate.ts';

/**
 * Whole-database export as JSON Lines: a header line, one `{"t": table, "r": row}` line per row,
 * and a trailer with row counts and the SHA-256 of every data line, so a corrupted or truncated
 * file is refused before anything is written. Rows are serialised by PostgreSQL itself
 * (to_jsonb) and read back with jsonb_populate_recordset, which is what makes the round trip exact.
 */
export const DUMP_TABLES: { table: string; order: string }[] = [
  { table: 'principals', order: 'id' },
  { table: 'tokens', order: 'id' },
  { table: 'systems', order: 'id' },
  { table: 'system_revisions', order: 'system_id, revision' },
  { table: 'risks', order: 'id' },
  { table: 'risk_revisions', order: 'risk_id, revision' },
  { table: 'risk_heat', order: 'system_id, likelihood, impact, priority' },
  { table: 'risk_heat_total', order: 'likelihood, impact, priority' },
  { table: 'controls', order: 'id' },
  { table: 'control_tally', order: 'framework, status, applicable' },
  { table: 'control_revisions', order: 'control_id, revision' },
  { table: 'risk_controls', order: 'risk_id, control_id' },
  { table: 'evidence', order: 'id' },
  { table: 'evidence_links', order: 'evidence_id, target_type, target_id' },
  { table: 'incidents', order: 'id' },
  { table: 'incident_revisions', order: 'incident_id, revision' },
  { table: 'gateway_upstreams', order: 'name' },
  { table: 'gateway_policies', order: 'name' },
  { table: 'gateway_policy_revisions', order: 'name, revision' },
  { table: 'gateway_keys', order: 'id' },
  { table: 'gateway_decisions', order: 'id' },
  { table: 'gateway_confirmations', order: 'id' },
  { table: 'eval_shards', order: 'run_id, shard_index' },
  { table: 'eval_shard_results', order: 'run_id, shard_index, seq' },
  { table: 'eval_runs', order: 'id' },
  { table: 'audit_log', order: 'seq' },
  { table: 'audit_head', order: 'id' },
];
const FORMAT = 'zongheng-export';
const PAGE = 2000;

export async function exportDb(db: Db, write: (line: string) => void | Promise<void>): Promise<Record<string, number>> {
  const schemaVersion = listMigrations().at(-1)?.version ?? 0;
  await write(JSON.stringify({ format: FORMAT, version: 1, schemaVersion }));
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  // One repeatable-read snapshot, so the file is consistent even while the server keeps writing.
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('set transaction isolation level repeatable read');
    for (const { table, order } of DUMP_TABLES) {
      counts[table] = 0;
      for (let offset = 0; ; offset += PAGE) {
        const rows = await tx.query<{ r: unknown }>(`select to_jsonb(t) as r from ${table} t order by ${order} limit ${PAGE} offset ${offset}`);
        for (const { r } of rows) {
          const line = JSON.stringify({ t: table, r });
          hash.update(line + '\n');
          counts[table] += 1;
          await write(line);
        }
        if (rows.length < PAGE) break;
      }
    }
  });
  await write(JSON.stringify({ trailer: true, counts, sha256: hash.digest('hex') }));
  return counts;
}

export class ImportError extends Error {
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
  }
}

async function* lines(path: string): AsyncGenerator<{ n: number; text: string }> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const text of rl) {
    n += 1;
    if (text.trim() === '') continue;
    yield { n, text };
  }
}

async function columnsOf(q: Queryable): Promise<Map<string, Set<string>>> {
  const rows = await q.query<{ table_name: string; column_name: string }>(
    "select table_name, column_name from information_schema.columns where table_schema = current_schema() and table_name = any($1::text[])",
    [DUMP_TABLES.map((t) => t.table)],
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!out.has(r.table_name)) out.set(r.table_name, new Set());
    out.get(r.table_name)!.add(r.column_name);
  }
  return out;
}

/** First pass: the whole file must be well-formed, complete and untampered before anything is written. */
async function validate(path: string, columns: Map<string, Set<string>>): Promise<void> {
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  const tableOrder = DUMP_TABLES.map((t) => t.table);
  let sawHeader = false;
  let trailer: { counts: Record<string, number>; sha256: string } | undefined;
  let lastTableIdx = 0;
  let lastLine = 0;
  for await (const { n, text } of lines(path)) {
    lastLine = n;
    if (trailer) throw new ImportError(n, 'content after the trailer line');
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new ImportError(n, `not valid JSON (${(e as Error).message})`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ImportError(n, 'expected a JSON object');
    if (!sawHeader) {
      if (v.format !== FORMAT) throw new ImportError(n, `not a Zongheng export (header "format" must be "${FORMAT}")`);
      const current = listMigrations().at(-1)?.version ?? 0;
      if (typeof v.schemaVersion !== 'number' || v.schemaVersion > current) {
        throw new ImportError(n, `export schema version ${String(v.schemaVersion)} is newer than this Zongheng (${current}); upgrade first`);
      }
      sawHeader = true;
      continue;
    }
    if (v.trailer === true) {
      trailer = v as unknown as typeof trailer;
      continue;
    }
    const t = v.t;
    if (typeof t !== 'string' || !columns.has(t)) throw new ImportError(n, `unknown table ${JSON.stringify(t)}; expected one of ${tableOrder.join(', ')}`);
    const idx = tableOrder.indexOf(t);
    if (idx < lastTableIdx) throw new ImportError(n, `table ${t} appears out of order`);
    lastTableIdx = idx;
    const r = v.r;
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw new ImportError(n, 'field "r" must be an object (the row)');
    const cols = columns.get(t)!;
    for (const k of Object.keys(r)) if (!cols.has(k)) throw new ImportError(n, `table ${t} has no column "${k}"`);
    hash.update(text + '\n');
    counts[t] = (counts[t] ?? 0) + 1;
  }
  if (!sawHeader) throw new ImportError(1, 'empty file: no header line');
  if (!trailer) throw new ImportError(lastLine + 1, 'missing trailer line: the export is truncated');
  if (trailer.sha256 !== hash.digest('hex')) throw new ImportError(lastLine, 'checksum mismatch: rows were altered after export');
  for (const { table } of DUMP_TABLES) {
    if ((trailer.counts?.[table] ?? 0) !== (counts[table] ?? 0)) {
      throw new ImportError(lastLine, `trailer says ${trailer.counts?.[table] ?? 0} rows for ${table} but the file has ${counts[table] ?? 0}`);
    }
  }
}

/** Imports an export into an empty store (or replaces everything with `replace`), all in one transaction. */
export async function importDb(db: Db, path: string, opts: { replace?: boolean } = {}): Promise<Record<string, number>> {
  const columns = await columnsOf(db);
  await validate(path, columns);
  const counts: Record<string, number> = {};
  await db.transaction(async (tx) => {
    const [state] = await tx.query<{ n: number }>('select (select count(*) from principals) + (select count(*) from systems) + (select count(*) from audit_log) as n');
    if (Number(state!.n) > 0) {
      if (!opts.replace) throw new ImportError(0, 'the store is not empty; import into a new ZONGHENG_DATA_DIR or database, or pass --replace');
      await tx.query(`truncate ${DUMP_TABLES.map((t) => t.table).join(', ')}`);
    } else {
      await tx.query('delete from audit_head');
    }
    let batch: { n: number; r: unknown }[] = [];
    let batchTable = '';
    const flush = async () => {
      if (batch.length === 0) return;
      try {
        await tx.query(`insert into ${batchTable} select * from jsonb_populate_recordset(null::${batchTable}, $1::jsonb)`, [JSON.stringify(batch.map((b) => b.r))]);
      } catch (e) {
        throw new ImportError(batch[0]!.n, `rows on lines ${batch[0]!.n}–${batch.at(-1)!.n} of table ${batchTable} were refused: ${(e as Error).message}`);
      }
      counts[batchTable] = (counts[batchTable] ?? 0) + batch.length;
      batch = [];
    };
    let header = true;
    for await (const { n, text } of lines(path)) {
      if (header) {
        header = false;
        continue;
      }
      const v = JSON.parse(text) as { t?: string; r?: unknown; trailer?: boolean };
      if (v.trailer) break;
      if (v.t !== batchTable || batch.length >= 1000) {
        await flush();
        batchTable = v.t!;
      }
      batch.push({ n, r: v.r });
    }
    await flush();
  });
  return counts;
}
