import type { Queryable } from '../db.ts';

export type EvalRunStatus = 'running' | 'completed' | 'aborted' | 'failed' | 'interrupted';

export interface EvalRunRecord {
  id: string;
  systemId: string | null;
  status: EvalRunStatus;
  origin: 'api' | 'cli';
  suite: string;
  targetName: string;
  outDir: string;
  config: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  /** The run's summary.json (aggregates, GB/T figures, failing examples); null while running. */
  summary: Record<string, unknown> | null;
  evidenceId: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  createdBy: string;
  updatedAt: string;
}

interface Row {
  id: string;
  system_id: string | null;
  status: EvalRunStatus;
  origin: 'api' | 'cli';
  suite: string;
  target_name: string;
  out_dir: string;
  config: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  summary: Record<string, unknown> | null;
  evidence_id: string | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  created_by: string;
  updated_at: Date;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toRecord(r: Row): EvalRunRecord {
  return {
    id: r.id, systemId: r.system_id, status: r.status, origin: r.origin, suite: r.suite, targetName: r.target_name, outDir: r.out_dir,
    config: r.config, progress: r.progress, summary: r.summary, evidenceId: r.evidence_id, error: r.error,
    startedAt: iso(r.started_at)!, finishedAt: iso(r.finished_at), createdBy: r.created_by, updatedAt: iso(r.updated_at)!,
  };
}

/** List rows leave out the summary's bulky parts (examples, per-attack breakdowns) but keep the headline figures. */
const LIST_COLS = `id, system_id, status, origin, suite, target_name, out_dir, config, progress, evidence_id, error, started_at, finished_at, created_by, updated_at,
  case when summary is null then null else jsonb_build_object('totals', summary -> 'totals', 'gate', summary -> 'gate', 'gbt45654', summary -> 'gbt45654', 'attacks', summary -> 'attacks', 'durationMs', summary -> 'durationMs') end as summary`;

export function evalRunsRepo(q: Queryable) {
  return {
    async insert(r: EvalRunRecord): Promise<void> {
      await q.query(
        `insert into eval_runs (id, system_id, status, origin, suite, target_name, out_dir, config, progress, summary, evidence_id, error, started_at, finished_at, created_by, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, $13, $14, $15, $16)`,
        [r.id, r.systemId, r.status, r.origin, r.suite, r.targetName, r.outDir, JSON.stringify(r.config), r.progress ? JSON.stringify(r.progress) : null,
          r.summary ? JSON.stringify(r.summary) : null, r.evidenceId, r.error, r.startedAt, r.finishedAt, r.createdBy, r.updatedAt],
      );
    },
    async get(id: string, forUpdate = false): Promise<EvalRunRecord | undefined> {
      const [row] = await q.query<Row>(`select * from eval_runs where id = $1${forUpdate ? ' for update' : ''}`, [id]);
      return row ? toRecord(row) : undefined;
    },
    /** Progress of a running run: a small write, at most every few seconds. */
    async setProgress(id: string, progress: Record<string, unknown>, at: string): Promise<void> {
      await q.query(`update eval_runs set progress = $2::jsonb, updated_at = $3 where id = $1 and status = 'running'`, [id, JSON.stringify(progress), at]);
    },
    async finish(id: string, f: { status: EvalRunStatus; summary: Record<string, unknown> | null; evidenceId: string | null; error: string | null; at: string }): Promise<void> {
      await q.query(
        `update eval_runs set status = $2, summary = coalesce($3::jsonb, summary), evidence_id = coalesce($4, evidence_id), error = $5, finished_at = $6, updated_at = $6 where id = $1`,
        [id, f.status, f.summary ? JSON.stringify(f.summary) : null, f.evidenceId, f.error, f.at],
      );
    },
    async setRunning(id: string, runner: string, at: string): Promise<void> {
      await q.query(
        `update eval_runs set status = 'running', error = null, finished_at = null, config = jsonb_set(config, '{runner}', to_jsonb($2::text)), updated_at = $3 where id = $1`,
        [id, runner, at],
      );
    },
    async listRunning(): Promise<{ id: string; runner: string | null }[]> {
      return q.query(`select id, config ->> 'runner' as runner from eval_runs where status = 'running'`);
    },
    /** Runs left 'running' by a process that died: they can be resumed from their journal. */
    async markInterrupted(ids: string[], at: string): Promise<number> {
      if (!ids.length) return 0;
      const rows = await q.query(
        `update eval_runs set status = 'interrupted', error = 'the process running it stopped before it finished; resume it', updated_at = $2 where id = any($1::text[]) and status = 'running' returning id`,
        [ids, at],
      );
      return rows.length;
    },
    async list(f: { systemId?: string; status?: string; suite?: string; limit: number; offset: number }): Promise<EvalRunRecord[]> {
      const where: string[] = [];
      const p: unknown[] = [];
      if (f.systemId) where.push(`system_id = $${p.push(f.systemId)}`);
      if (f.status) where.push(`status = $${p.push(f.status)}`);
      if (f.suite) where.push(`suite = $${p.push(f.suite)}`);
      const rows = await q.query<Row>(
        `select ${LIST_COLS} from eval_runs ${where.length ? 'where ' + where.join(' and ') : ''} order by started_at desc, id desc limit $${p.push(f.limit)} offset $${p.push(f.offset)}`,
        p,
      );
      return rows.map(toRecord);
    },
  };
}
