import type { Queryable } from '../db.ts';
import { chunks, valuesList } from '../sql.ts';

export const CONTROL_STATUSES = ['planned', 'in-progress', 'implemented', 'verified', 'not-applicable'] as const;
export type ControlStatus = (typeof CONTROL_STATUSES)[number];

export interface ControlRecord {
  id: string;
  systemId: string;
  measureId: string;
  framework: string;
  obligationIds: string[];
  applicable: boolean;
  status: ControlStatus;
  reason: string | null;
  owner: string | null;
  needsReverification: boolean;
  revision: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

interface ControlRow {
  id: string;
  system_id: string;
  measure_id: string;
  framework: string;
  obligation_ids: string[];
  applicable: boolean;
  status: ControlStatus;
  reason: string | null;
  owner: string | null;
  needs_reverification: boolean;
  revision: number;
  created_at: Date;
  updated_at: Date;
  updated_by: string;
}

function toRecord(r: ControlRow): ControlRecord {
  return {
    id: r.id,
    systemId: r.system_id,
    measureId: r.measure_id,
    framework: r.framework,
    obligationIds: r.obligation_ids,
    applicable: r.applicable,
    status: r.status,
    reason: r.reason,
    owner: r.owner,
    needsReverification: r.needs_reverification,
    revision: r.revision,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    updatedBy: r.updated_by,
  };
}

const FIELDS = 'id, system_id, measure_id, framework, obligation_ids, applicable, status, reason, owner, needs_reverification, revision, created_at, updated_at, updated_by';
function params(c: ControlRecord): unknown[] {
  return [c.id, c.systemId, c.measureId, c.framework, c.obligationIds, c.applicable, c.status, c.reason, c.owner, c.needsReverification, c.revision, c.createdAt, c.updatedAt, c.updatedBy];
}

export interface ControlFilter {
  systemId?: string;
  framework?: string;
  status?: ControlStatus;
  measureId?: string;
  applicable?: boolean;
  needsReverification?: boolean;
  limit: number;
  offset: number;
}

type TallyKey = Pick<ControlRecord, 'framework' | 'status' | 'applicable'>;

export function controlsRepo(q: Queryable) {
  async function tally(changes: { c: TallyKey; delta: number }[]): Promise<void> {
    const merged = new Map<string, { c: TallyKey; delta: number }>();
    for (const ch of changes) {
      const k = `${ch.c.framework}|${ch.c.status}|${ch.c.applicable}`;
      const m = merged.get(k);
      if (m) m.delta += ch.delta;
      else merged.set(k, { c: ch.c, delta: ch.delta });
    }
    const list = [...merged.values()].filter((x) => x.delta !== 0);
    if (!list.length) return;
    const v = valuesList(list.map(({ c, delta }) => [c.framework, c.status, c.applicable, delta]), [, , 'boolean', 'int']);
    await q.query(`insert into control_tally (framework, status, applicable, n) values ${v.sql} on conflict (framework, status, applicable) do update set n = control_tally.n + excluded.n`, v.params);
  }
  return {
    async insert(records: ControlRecord[]): Promise<void> {
      for (const chunk of chunks(records, 500)) {
        const v = valuesList(chunk.map(params), [, , , , 'text[]']);
        await q.query(`insert into controls (${FIELDS}) values ${v.sql}`, v.params);
      }
      await tally(records.map((c) => ({ c, delta: 1 })));
    },
    /** Optimistic update: succeeds only if the row is still at `before.revision`. */
    async update(c: ControlRecord, before: ControlRecord): Promise<boolean> {
      const cols = FIELDS.split(', ');
      const v = params(c);
      const sets = cols.map((col, k) => `${col} = $${k + 1}${k === 4 ? '::text[]' : ''}`).slice(1);
      const rows = await q.query(`update controls set ${sets.join(', ')} where id = $1 and revision = $${v.length + 1} returning id`, [...v, before.revision]);
      if (rows.length !== 1) return false;
      await tally([{ c: before, delta: -1 }, { c, delta: 1 }]);
      return true;
    },
    async get(id: string, forUpdate = false): Promise<ControlRecord | undefined> {
      const [row] = await q.query<ControlRow>(`select * from controls where id = $1${forUpdate ? ' for update' : ''}`, [id]);
      return row ? toRecord(row) : undefined;
    },
    async forSystem(systemId: string, forUpdate = false): Promise<ControlRecord[]> {
      const rows = await q.query<ControlRow>(`select * from controls where system_id = $1 order by measure_id${forUpdate ? ' for update' : ''}`, [systemId]);
      return rows.map(toRecord);
    },
    async list(f: ControlFilter): Promise<ControlRecord[]> {
      const where: string[] = [];
      const p: unknown[] = [];
      if (f.systemId) where.push(`system_id = $${p.push(f.systemId)}`);
      if (f.framework) where.push(`framework = $${p.push(f.framework)}`);
      if (f.status) where.push(`status = $${p.push(f.status)}`);
      if (f.measureId) where.push(`measure_id = $${p.push(f.measureId)}`);
      if (f.applicable !== undefined) where.push(`applicable = $${p.push(f.applicable)}`);
      if (f.needsReverification !== undefined) where.push(`needs_reverification = $${p.push(f.needsReverification)}`);
      const rows = await q.query<ControlRow>(
        `select * from controls ${where.length ? 'where ' + where.join(' and ') : ''} order by system_id, measure_id limit $${p.push(f.limit)} offset $${p.push(f.offset)}`,
        p,
      );
      return rows.map(toRecord);
    },
    /** Per framework: applicable controls, how many implemented, how many verified, how many not applicable. */
    async coverage(systemId?: string): Promise<{ framework: string; total: number; implemented: number; verified: number; notApplicable: number }[]> {
      if (!systemId) {
        return q.query(
          `select framework, coalesce(sum(n) filter (where status <> 'not-applicable'), 0)::int as total,
                  coalesce(sum(n) filter (where status in ('implemented', 'verified')), 0)::int as implemented,
                  coalesce(sum(n) filter (where status = 'verified'), 0)::int as verified,
                  coalesce(sum(n) filter (where status = 'not-applicable'), 0)::int as "notApplicable"
           from control_tally where applicable group by framework having sum(n) > 0 order by framework`,
        );
      }
      const p: unknown[] = [];
      const where = systemId ? `where system_id = $${p.push(systemId)} and applicable` : 'where applicable';
      return q.query(
        `select framework, count(*) filter (where status <> 'not-applicable')::int as total,
                count(*) filter (where status in ('implemented', 'verified'))::int as implemented,
                count(*) filter (where status = 'verified')::int as verified,
                count(*) filter (where status = 'not-applicable')::int as "notApplicable"
         from controls ${where} group by framework order by framework`,
        p,
      );
    },
  };
}
