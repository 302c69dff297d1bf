import type { EvidenceSummary } from '../../core/evidence.ts';
import type { Queryable } from '../db.ts';
import { valuesList } from '../sql.ts';

export interface EvidenceLink {
  targetType: 'risk' | 'control' | 'incident';
  targetId: string;
  relation: string;
}

export interface EvidenceRecord {
  id: string;
  kind: string;
  producer: string;
  systemId: string;
  subject: string;
  summary: EvidenceSummary;
  detailsUrl: string | null;
  producedAt: string;
  recordedAt: string;
  recordedBy: string;
  contentHash: string;
  /** What the governance rules did with this evidence (the applied effects, with their reasons). */
  effects: unknown[];
  links: EvidenceLink[];
}

interface EvidenceRow {
  id: string;
  kind: string;
  producer: string;
  system_id: string;
  subject: string;
  summary: EvidenceSummary;
  details_url: string | null;
  produced_at: Date;
  recorded_at: Date;
  recorded_by: string;
  content_hash: string;
  effects: unknown[];
}

export interface EvidenceFilter {
  systemId?: string;
  kind?: string;
  producer?: string;
  riskId?: string;
  controlId?: string;
  limit: number;
  offset: number;
}

export function evidenceRepo(q: Queryable) {
  async function withLinks(rows: EvidenceRow[]): Promise<EvidenceRecord[]> {
    if (rows.length === 0) return [];
    const links = await q.query<{ evidence_id: string; target_type: EvidenceLink['targetType']; target_id: string; relation: string }>(
      'select * from evidence_links where evidence_id = any($1::text[]) order by target_type, target_id',
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      producer: r.producer,
      systemId: r.system_id,
      subject: r.subject,
      summary: r.summary,
      detailsUrl: r.details_url,
      producedAt: new Date(r.produced_at).toISOString(),
      recordedAt: new Date(r.recorded_at).toISOString(),
      recordedBy: r.recorded_by,
      contentHash: r.content_hash,
      effects: r.effects,
      links: links.filter((l) => l.evidence_id === r.id).map((l) => ({ targetType: l.target_type, targetId: l.target_id, relation: l.relation })),
    }));
  }
  return {
    async insert(e: EvidenceRecord): Promise<void> {
      await q.query(
        `insert into evidence (id, kind, producer, system_id, subject, summary, details_url, produced_at, recorded_at, recorded_by, content_hash, effects)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12::jsonb)`,
        [e.id, e.kind, e.producer, e.systemId, e.subject, JSON.stringify(e.summary), e.detailsUrl, e.producedAt, e.recordedAt, e.recordedBy, e.contentHash, JSON.stringify(e.effects)],
      );
      await this.linkMany(e.links.map((l) => ({ evidenceId: e.id, ...l })));
    },
    async linkMany(links: { evidenceId: string; targetType: EvidenceLink['targetType']; targetId: string; relation: string }[]): Promise<void> {
      if (!links.length) return;
      const v = valuesList(links.map((l) => [l.evidenceId, l.targetType, l.targetId, l.relation]));
      await q.query(`insert into evidence_links (evidence_id, target_type, target_id, relation) values ${v.sql} on conflict do nothing`, v.params);
    },
    async get(id: string): Promise<EvidenceRecord | undefined> {
      const rows = await q.query<EvidenceRow>('select * from evidence where id = $1', [id]);
      return (await withLinks(rows))[0];
    },
    async findByHash(systemId: string, contentHash: string): Promise<EvidenceRecord | undefined> {
      const rows = await q.query<EvidenceRow>('select * from evidence where system_id = $1 and content_hash = $2 limit 1', [systemId, contentHash]);
      return (await withLinks(rows))[0];
    },
    async list(f: EvidenceFilter): Promise<EvidenceRecord[]> {
      const where: string[] = [];
      const p: unknown[] = [];
      if (f.systemId) where.push(`system_id = $${p.push(f.systemId)}`);
      if (f.kind) where.push(`kind = $${p.push(f.kind)}`);
      if (f.producer) where.push(`producer = $${p.push(f.producer)}`);
      if (f.riskId) where.push(`id in (select evidence_id from evidence_links where target_type = 'risk' and target_id = $${p.push(f.riskId)})`);
      if (f.controlId) where.push(`id in (select evidence_id from evidence_links where target_type = 'control' and target_id = $${p.push(f.controlId)})`);
      const rows = await q.query<EvidenceRow>(
        `select * from evidence ${where.length ? 'where ' + where.join(' and ') : ''} order by recorded_at desc, id desc limit $${p.push(f.limit)} offset $${p.push(f.offset)}`,
        p,
      );
      return withLinks(rows);
    },
  };
}
