import type { Queryable } from '../db.ts';
import { chunks, valuesList } from '../sql.ts';

export interface ShardState {
  shardIndex: number;
  shardCount: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  worker: string | null;
  results: number;
  error: string | null;
}

/** Shards of distributed evaluation runs and their uploaded result lines. */
export function evalShardsRepo(q: Queryable) {
  return {
    async enqueue(runId: string, count: number): Promise<void> {
      const v = valuesList(Array.from({ length: count }, (_, i) => [runId, i, count, 'queued']));
      await q.query(`insert into eval_shards (run_id, shard_index, shard_count, status) values ${v.sql} on conflict do nothing`, v.params);
    },
    async setStatus(runId: string, index: number, status: ShardState['status'], worker: string, error: string | null = null): Promise<void> {
      await q.query('update eval_shards set status = $3, worker = $4, error = $5, updated_at = now() where run_id = $1 and shard_index = $2', [runId, index, status, worker, error]);
    },
    /** Replaces a shard's results (a retried shard uploads again, never twice) and marks it done. Call inside a transaction. */
    async upload(runId: string, index: number, worker: string, lines: unknown[]): Promise<void> {
      await q.query('delete from eval_shard_results where run_id = $1 and shard_index = $2', [runId, index]);
      let seq = 0;
      for (const chunk of chunks(lines, 500)) {
        const v = valuesList(chunk.map((l) => [runId, index, seq++, JSON.stringify(l)]), [, , , 'jsonb']);
        await q.query(`insert into eval_shard_results (run_id, shard_index, seq, line) values ${v.sql}`, v.params);
      }
      await q.query(`update eval_shards set status = 'done', worker = $3, results = $4, error = null, updated_at = now() where run_id = $1 and shard_index = $2`, [runId, index, worker, lines.length]);
    },
    async states(runId: string): Promise<ShardState[]> {
      const rows = await q.query<{ shard_index: number; shard_count: number; status: ShardState['status']; worker: string | null; results: number; error: string | null }>(
        'select shard_index, shard_count, status, worker, results, error from eval_shards where run_id = $1 order by shard_index',
        [runId],
      );
      return rows.map((r) => ({ shardIndex: r.shard_index, shardCount: r.shard_count, status: r.status, worker: r.worker, results: r.results, error: r.error }));
    },
    /** All result lines of a run, shard by shard, in pages (bounded memory). */
    async *results(runId: string, page = 2000): AsyncGenerator<unknown> {
      let after = { shard: -1, seq: -1 };
      for (;;) {
        const rows = await q.query<{ shard_index: number; seq: number; line: unknown }>(
          'select shard_index, seq, line from eval_shard_results where run_id = $1 and (shard_index, seq) > ($2, $3) order by shard_index, seq limit $4',
          [runId, after.shard, after.seq, page],
        );
        for (const r of rows) yield r.line;
        if (rows.length < page) return;
        const last = rows.at(-1)!;
        after = { shard: last.shard_index, seq: last.seq };
      }
    },
  };
}
