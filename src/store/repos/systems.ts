import type { Classification, SystemAttributes } from '../../core/system.ts';
import type { Queryable } from '../db.ts';
import { chunks, valuesList } from '../sql.ts';

export interface SystemRecord extends SystemAttributes {
  id: string;
  grade: Classification['grade'];
  euAiActTier: Classification['euAiActTier'];
  financeAutonomyLevel: Classification['financeAutonomyLevel'];
  obligations: Classification['obligations'];
  classification: Classification;
  revision: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

interface SystemRow {
  id: string;
  attributes: SystemAttributes;
  classification: Classification;
  revision: number;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

function toRecord(r: SystemRow): SystemRecord {
  return {
    id: r.id,
    ...r.attributes,
    grade: r.classification.grade,
    euAiActTier: r.classification.euAiActTier,
    financeAutonomyLevel: r.classification.financeAutonomyLevel,
    obligations: r.classification.obligations,
    classification: r.classification,
    revision: r.revision,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}

export interface SystemFilter {
  domain?: string;
  grade?: string;
  population?: string;
  owner?: string;
  q?: string;
  /** Batch lookup (e.g. names for a table of risks): only these ids. */
  ids?: string[];
  cursor?: string;
  limit: number;
}

const COLS = 'id, attributes, classification, revision, created_at, updated_at, created_by, updated_by';

export function systemsRepo(q: Queryable) {
  return {
    async insert(records: SystemRecord[]): Promise<void> {
      for (const chunk of chunks(records, 500)) {
        const v = valuesList(
          chunk.map((s) => [s.id, s.name, s.owner, s.domain, s.population, s.lifecycleStage, s.grade, s.euAiActTier, JSON.stringify(attributesOf(s)), JSON.stringify(s.classification), s.revision, s.createdAt, s.updatedAt, s.createdBy, s.updatedBy]),
          [, , , , , , , , 'jsonb', 'jsonb'],
        );
        await q.query(
          `insert into systems (id, name, owner, domain, population, lifecycle_stage, grade, eu_tier, attributes, classification, revision, created_at, updated_at, created_by, updated_by) values ${v.sql}`,
          v.params,
        );
      }
    },
    async update(s: SystemRecord, expectedRevision: number): Promise<boolean> {
      const rows = await q.query(
        `update systems set name = $2, owner = $3, domain = $4, population = $5, lifecycle_stage = $6, grade = $7, eu_tier = $8,
           attributes = $9::jsonb, classification = $10::jsonb, revision = $11, updated_at = $12, updated_by = $13
         where id = $1 and revision = $14 returning id`,
        [s.id, s.name, s.owner, s.domain, s.population, s.lifecycleStage, s.grade, s.euAiActTier, JSON.stringify(attributesOf(s)), JSON.stringify(s.classification), s.revision, s.updatedAt, s.updatedBy, expectedRevision],
      );
      return rows.length === 1;
    },
    async get(id: string, forUpdate = false): Promise<SystemRecord | undefined> {
      const [row] = await q.query<SystemRow>(`select ${COLS} from systems where id = $1${forUpdate ? ' for update' : ''}`, [id]);
      return row ? toRecord(row) : undefined;
    },
    async exists(ids: string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await q.query<{ id: string }>('select id from systems where id = any($1::text[])', [ids]);
      return new Set(rows.map((r) => r.id));
    },
    async list(f: SystemFilter): Promise<SystemRecord[]> {
      const where: string[] = [];
      const p: unknown[] = [];
      if (f.domain) where.push(`domain = $${p.push(f.domain)}`);
      if (f.grade) where.push(`grade = $${p.push(f.grade)}`);
      if (f.population) where.push(`population = $${p.push(f.population)}`);
      if (f.owner) where.push(`owner = $${p.push(f.owner)}`);
      if (f.q) where.push(`name ilike $${p.push(`%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`)}`);
      if (f.ids) where.push(`id = any($${p.push(f.ids)}::text[])`);
      if (f.cursor) where.push(`id > $${p.push(f.cursor)}`);
      const rows = await q.query<SystemRow>(
        `select ${COLS} from systems ${where.length ? 'where ' + where.join(' and ') : ''} order by id limit $${p.push(f.limit)}`,
        p,
      );
      return rows.map(toRecord);
    },
    async countByGrade(): Promise<Record<string, number>> {
      const rows = await q.query<{ grade: string; n: number }>('select grade, count(*)::int as n from systems group by grade');
      return Object.fromEntries(rows.map((r) => [r.grade, r.n]));
    },
  };
}

/** The user-supplied attributes of a record, without the derived and bookkeeping fields. */
export function attributesOf(s: SystemRecord): SystemAttributes {
  const { id: _i, grade: _g, euAiActTier: _e, financeAutonomyLevel: _f, obligations: _o, classification: _c, revision: _r, createdAt: _ca, updatedAt: _ua, createdBy: _cb, updatedBy: _ub, ...attrs } = s;
  return attrs;
}
