import type { Queryable } from '../db.ts';

export interface IncidentRecord {
  id: string;
  systemId: string;
  title: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  status: 'open' | 'investigating' | 'resolved' | 'closed';
  description: string | null;
  taxonomyIds: string[];
  sourceEvidenceId: string | null;
  openedAt: string;
  closedAt: string | null;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

interface IncidentRow {
  id: string;
  system_id: string;
  title: string;
  severity: IncidentRecord['severity'];
  status: IncidentRecord['status'];
  description: string | null;
  taxonomy_ids: string[];
  source_evidence_id: string | null;
  opened_at: Date;
  closed_at: Date | null;
  revision: number;
  updated_at: Date;
  updated_by: string;
}

function toRecord(r: IncidentRow): IncidentRecord {
  return {
    id: r.id,
    systemId: r.system_id,
    title: r.title,
    severity: r.severity,
    status: r.status,
    description: r.description,
    taxonomyIds: r.taxonomy_ids,
    sourceEvidenceId: r.source_evidence_id,
    openedAt: new Date(r.opened_at).toISOString(),
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
    revision: r.revision,
    updatedAt: new Date(r.updated_at).toISOString(),
    updatedBy: r.updated_by,
  };
}

export function incidentsRepo(q: Queryable) {
  return {
    async insert(i: IncidentRecord): Promise<void> {
      await q.query(
        `insert into incidents (id, system_id, title, severity, status, description, taxonomy_ids, source_evidence_id, opened_at, closed_at, revision, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $12, $13)`,
        [i.id, i.systemId, i.title, i.severity, i.status, i.description, i.taxonomyIds, i.sourceEvidenceId, i.openedAt, i.closedAt, i.revision, i.updatedAt, i.updatedBy],
      );
    },
    async get(id: string, forUpdate = false): Promise<IncidentRecord | undefined> {
      const [row] = await q.query<IncidentRow>(`select * from incidents where id = $1${forUpdate ? ' for update' : ''}`, [id]);
      return row ? toRecord(row) : undefined;
    },
    /** Optimistic update: false when someone else changed the incident since `expectedRevision`. */
    async update(i: IncidentRecord, expectedRevision: number): Promise<boolean> {
      const rows = await q.query(
        `update incidents set title = $2, severity = $3, status = $4, description = $5, taxonomy_ids = $6::text[], closed_at = $7, revision = $8, updated_at = $9, updated_by = $10
         where id = $1 and revision = $11 returning id`,
        [i.id, i.title, i.severity, i.status, i.description, i.taxonomyIds, i.closedAt, i.revision, i.updatedAt, i.updatedBy, expectedRevision],
      );
      return rows.length === 1;
    },
    async list(f: { systemId?: string; status?: string; severity?: string; limit: number; offset: number }): Promise<IncidentRecord[]> {
      const where: string[] = [];
      const p: unknown[] = [];
      if (f.systemId) where.push(`system_id = $${p.push(f.systemId)}`);
      if (f.status) where.push(`status = $${p.push(f.status)}`);
      if (f.severity) where.push(`severity = $${p.push(f.severity)}`);
      const rows = await q.query<IncidentRow>(
        `select * from incidents ${where.length ? 'where ' + where.join(' and ') : ''} order by opened_at desc, id desc limit $${p.push(f.limit)} offset $${p.push(f.offset)}`,
        p,
      );
      return rows.map(toRecord);
    },
  };
}
