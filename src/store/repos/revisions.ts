import type { Queryable } from '../db.ts';
import { chunks, valuesList } from '../sql.ts';

/** Append-only revision history shared by systems, risks, controls and incidents. */
export type RevisedEntity = 'system' | 'risk' | 'control' | 'incident';
const TABLE: Record<RevisedEntity, { table: string; key: string }> = {
  system: { table: 'system_revisions', key: 'system_id' },
  risk: { table: 'risk_revisions', key: 'risk_id' },
  control: { table: 'control_revisions', key: 'control_id' },
  incident: { table: 'incident_revisions', key: 'incident_id' },
};

export interface Revision {
  revision: number;
  at: string;
  actor: string;
  action: string;
  reason: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
  snapshot: unknown;
}

export interface RevisionAppend {
  id: string;
  revision: number;
  at: string;
  actor: string;
  action: string;
  reason?: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
  snapshot: unknown;
}

export function revisionsRepo(q: Queryable) {
  return {
    async append(entity: RevisedEntity, revs: RevisionAppend[]): Promise<void> {
      const { table, key } = TABLE[entity];
      for (const chunk of chunks(revs, 500)) {
        const v = valuesList(
          chunk.map((r) => [r.id, r.revision, r.at, r.actor, r.action, r.reason ?? null, JSON.stringify(r.changes), JSON.stringify(r.snapshot)]),
          [, , , , , , 'jsonb', 'jsonb'],
        );
        await q.query(`insert into ${table} (${key}, revision, at, actor, action, reason, changes, snapshot) values ${v.sql}`, v.params);
      }
    },
    async list(entity: RevisedEntity, id: string): Promise<Revision[]> {
      const { table, key } = TABLE[entity];
      const rows = await q.query<{ revision: number; at: Date; actor: string; action: string; reason: string | null; changes: Revision['changes']; snapshot: unknown }>(
        `select revision, at, actor, action, reason, changes, snapshot from ${table} where ${key} = $1 order by revision asc`,
        [id],
      );
      return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
    },
  };
}

/** Field-level difference between two snapshots (top-level keys), for the revision's `changes`. */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown>, ignore: string[] = ['revision', 'updatedAt', 'updatedBy']): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  for (const k of keys) {
    if (ignore.includes(k)) continue;
    const a = before?.[k];
    const b = after[k];
    if (JSON.stringify(a) !== JSON.stringify(b)) out[k] = { from: a ?? null, to: b ?? null };
  }
  return out;
}
