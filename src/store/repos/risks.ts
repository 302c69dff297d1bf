import type { Analysis, Evaluation, Impact, Priority, RiskStatus, Strategy } from '../../core/risk.ts';
import type { Queryable } from '../db.ts';
import { chunks, valuesList } from '../sql.ts';

export interface Treatment {
  strategy: Strategy;
  owner: string;
  dueDate: string; // YYYY-MM-DD
  controlIds: string[];
  justification?: string;
  plan?: string;
}

export interface Residual {
  likelihood: number;
  impact: Impact;
  evaluation: Evaluation;
  rationale?: string;
}

export interface RiskRecord {
  id: string;
  systemId: string;
  title: string;
  description: string | null;
  taxonomyIds: string[];
  source: string;
  status: RiskStatus;
  analysis: Analysis | null;
  evaluation: Evaluation | null;
  likelihood: number | null;
  impact: number | null;
  score: number | null;
  priority: Priority | null;
  acceptable: boolean | null;
  treatment: Treatment | null;
  residual: Residual | null;
  nextReviewAt: string | null;
  needsReassessment: boolean;
  revision: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

interface RiskRow {
  id: string;
  system_id: string;
  title: string;
  description: string | null;
  taxonomy_ids: string[];
  source: string;
  status: RiskStatus;
  analysis: Analysis | null;
  evaluation: Evaluation | null;
  likelihood: number | null;
  impact: number | null;
  score: number | null;
  priority: Priority | null;
  acceptable: boolean | null;
  treatment: Treatment | null;
  residual: Residual | null;
  next_review_at: Date | null;
  needs_reassessment: boolean;
  revision: number;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toRecord(r: RiskRow): RiskRecord {
  return {
    id: r.id,
    systemId: r.system_id,
    title: r.title,
    description: r.description,
    taxonomyIds: r.taxonomy_ids,
    source: r.source,
    status: r.status,
    analysis: r.analysis,
    evaluation: r.evaluation,
    likelihood: r.likelihood,
    impact: r.impact,
    score: r.score,
    priority: r.priority,
    acceptable: r.acceptable,
    treatment: r.treatment,
    residual: r.residual,
    nextReviewAt: iso(r.next_review_at),
    needsReassessment: r.needs_reassessment,
    revision: r.revision,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}

export const OPEN_STATUSES: RiskStatus[] = ['proposed', 'identified', 'analysed', 'treating', 'treated', 'accepted'];

export interface RiskFilter {
  systemId?: string;
  priority?: Priority;
  status?: RiskStatus;
  taxonomyId?: string;
  source?: string;
  open?: boolean;
  overdue?: boolean;
  needsReassessment?: boolean;
  q?: string;
  /** Heat-map cell: open risks at this position (residual once treated, else inherent). */
  likelihood?: number;
  impact?: number;
  sort?: 'created' | 'score' | 'review';
  limit: number;
  offset: number;
}

const FIELDS = 'id, system_id, title, description, taxonomy_ids, source, status, likelihood, impact, score, priority, acceptable, analysis, evaluation, treatment, residual, residual_score, residual_priority, next_review_at, treatment_due, needs_reassessment, revision, created_at, updated_at, created_by, updated_by';

function rowParams(r: RiskRecord): unknown[] {
  return [
    r.id, r.systemId, r.title, r.description, r.taxonomyIds, r.source, r.status, r.likelihood, r.impact, r.score, r.priority, r.acceptable,
    r.analysis ? JSON.stringify(r.analysis) : null, r.evaluation ? JSON.stringify(r.evaluation) : null,
    r.treatment ? JSON.stringify(r.treatment) : null, r.residual ? JSON.stringify(r.residual) : null,
    r.residual?.evaluation.score ?? null, r.residual?.evaluation.priority ?? null, r.nextReviewAt, r.treatment?.dueDate ?? null,
    r.needsReassessment, r.revision, r.createdAt, r.updatedAt, r.createdBy, r.updatedBy,
  ];
}
/** Casts per column of FIELDS: taxonomy_ids is text[], the four documents are jsonb. */
const CASTS = [, , , , 'text[]', , , , , , , , 'jsonb', 'jsonb', 'jsonb', 'jsonb'];

function filterSql(f: Omit<RiskFilter, 'limit' | 'offset' | 'sort'>, p: unknown[]): string {
  const where: string[] = [];
  if (f.systemId) where.push(`system_id = $${p.push(f.systemId)}`);
  if (f.priority) where.push(`priority = $${p.push(f.priority)}`);
  if (f.status) where.push(`status = $${p.push(f.status)}`);
  if (f.source) where.push(`source = $${p.push(f.source)}`);
  if (f.taxonomyId) where.push(`taxonomy_ids @> array[$${p.push(f.taxonomyId)}]::text[]`);
  if (f.open) where.push(`status = any($${p.push(OPEN_STATUSES)}::text[])`);
  if (f.needsReassessment !== undefined) where.push(`needs_reassessment = $${p.push(f.needsReassessment)}`);
  if (f.overdue) {
    where.push(`status = any($${p.push(OPEN_STATUSES)}::text[])`);
    where.push(`(next_review_at < now() or (treatment_due < current_date and status = 'treating'))`);
  }
  if (f.likelihood !== undefined || f.impact !== undefined) {
    // Same expressions as risks_heat_cell_idx and heatCell(): the drill-down lists exactly what the cell counts.
    where.push(`status = any($${p.push(OPEN_STATUSES)}::text[])`);
    if (f.likelihood !== undefined) where.push(`coalesce((residual -> 'evaluation' ->> 'likelihood')::int, likelihood) = $${p.push(f.likelihood)}`);
    if (f.impact !== undefined) where.push(`coalesce((residual -> 'evaluation' ->> 'impact')::int, impact) = $${p.push(f.impact)}`);
  }
  if (f.q) where.push(`title ilike $${p.push(`%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`)}`);
  return where.length ? 'where ' + where.join(' and ') : '';
}

export function risksRepo(q: Queryable) {
  return {
    async insert(records: RiskRecord[]): Promise<void> {
      for (const chunk of chunks(records, 400)) {
        const v = valuesList(chunk.map(rowParams), CASTS);
        await q.query(`insert into risks (${FIELDS}) values ${v.sql}`, v.params);
      }
    },
    async update(r: RiskRecord, expectedRevision: number): Promise<boolean> {
      const cols = FIELDS.split(', ');
      const vals = rowParams(r);
      const sets = cols.map((c, k) => `${c} = $${k + 1}${CASTS[k] ? `::${CASTS[k]}` : ''}`).slice(1);
      const rows = await q.query(`update risks set ${sets.join(', ')} where id = $1 and revision = $${vals.length + 1} returning id`, [...vals, expectedRevision]);
      return rows.length === 1;
    },
    async get(id: string, forUpdate = false): Promise<RiskRecord | undefined> {
      const [row] = await q.query<RiskRow>(`select * from risks where id = $1${forUpdate ? ' for update' : ''}`, [id]);
      return row ? toRecord(row) : undefined;
    },
    async list(f: RiskFilter): Promise<RiskRecord[]> {
      const p: unknown[] = [];
      const where = filterSql(f, p);
      const order = f.sort === 'score' ? 'score desc nulls last, id' : f.sort === 'review' ? 'next_review_at asc nulls last, id' : 'created_at desc, id desc';
      const rows = await q.query<RiskRow>(`select * from risks ${where} order by ${order} limit $${p.push(f.limit)} offset $${p.push(f.offset)}`, p);
      return rows.map(toRecord);
    },
    /**
     * Counts matching risks, stopping at `cap` (a count over 200k rows costs ~100–200 ms; pages
     * only need to know "more than 10,000"). Returns cap + 1 when there are more than `cap`.
     */
    async count(f: Omit<RiskFilter, 'limit' | 'offset' | 'sort'>, cap = 10_000): Promise<number> {
      const p: unknown[] = [];
      const [row] = await q.query<{ n: number }>(`select count(*)::int as n from (select 1 from risks ${filterSql(f, p)} limit ${cap + 1}) t`, p);
      return row!.n;
    },
    async openForSystem(systemId: string): Promise<RiskRecord[]> {
      const rows = await q.query<RiskRow>('select * from risks where system_id = $1 and status = any($2::text[]) order by id', [systemId, OPEN_STATUSES]);
      return rows.map(toRecord);
    },
    async markReassessment(systemId: string): Promise<RiskRecord[]> {
      const rows = await q.query<RiskRow>(
        `select * from risks where system_id = $1 and status = any($2::text[]) and not needs_reassessment for update`,
        [systemId, OPEN_STATUSES],
      );
      return rows.map(toRecord);
    },
    /** Applies heat-map cell deltas ({systemId, likelihood, impact, priority, delta}) in one statement each. */
    async adjustHeat(deltas: { systemId: string; likelihood: number; impact: number; priority: string; delta: number }[]): Promise<void> {
      const merged = new Map<string, { systemId: string; likelihood: number; impact: number; priority: string; delta: number }>();
      for (const d of deltas) {
        const k = `${d.systemId}|${d.likelihood}|${d.impact}|${d.priority}`;
        const m = merged.get(k);
        if (m) m.delta += d.delta;
        else merged.set(k, { ...d });
      }
      const list = [...merged.values()].filter((d) => d.delta !== 0);
      const totals = new Map<string, { likelihood: number; impact: number; priority: string; delta: number }>();
      for (const d of list) {
        const k = `${d.likelihood}|${d.impact}|${d.priority}`;
        const t = totals.get(k);
        if (t) t.delta += d.delta;
        else totals.set(k, { likelihood: d.likelihood, impact: d.impact, priority: d.priority, delta: d.delta });
      }
      const tl = [...totals.values()].filter((d) => d.delta !== 0);
      if (tl.length) {
        const v = valuesList(tl.map((d) => [d.likelihood, d.impact, d.priority, d.delta]), ['int', 'int', , 'int']);
        await q.query(
          `insert into risk_heat_total (likelihood, impact, priority, n) values ${v.sql}
           on conflict (likelihood, impact, priority) do update set n = risk_heat_total.n + excluded.n`,
          v.params,
        );
      }
      for (const chunk of chunks(list, 500)) {
        const v = valuesList(chunk.map((d) => [d.systemId, d.likelihood, d.impact, d.priority, d.delta]), [, 'int', 'int', , 'int']);
        await q.query(
          `insert into risk_heat (system_id, likelihood, impact, priority, n) values ${v.sql}
           on conflict (system_id, likelihood, impact, priority) do update set n = risk_heat.n + excluded.n`,
          v.params,
        );
      }
    },
    async heat(systemId?: string): Promise<{ likelihood: number; impact: number; priority: string; n: number }[]> {
      if (systemId) {
        return q.query('select likelihood, impact, priority, n from risk_heat where system_id = $1 and n > 0', [systemId]);
      }
      return q.query('select likelihood, impact, priority, n from risk_heat_total where n > 0');
    },
    async countsByPriority(systemId?: string): Promise<Record<string, number>> {
      const rows = systemId
        ? await q.query<{ priority: string; n: number }>('select priority, sum(n)::int as n from risk_heat where system_id = $1 group by priority', [systemId])
        : await q.query<{ priority: string; n: number }>('select priority, sum(n)::int as n from risk_heat_total group by priority');
      return Object.fromEntries(rows.map((r) => [r.priority, r.n]));
    },
    async linkControls(riskId: string, controlIds: string[]): Promise<void> {
      await q.query('delete from risk_controls where risk_id = $1', [riskId]);
      if (controlIds.length) {
        await q.query('insert into risk_controls (risk_id, control_id) select $1, unnest($2::text[]) on conflict do nothing', [riskId, controlIds]);
      }
    },
  };
}

/**
 * Heat-map contribution of a risk: open, analysed risks count in one likelihood × impact cell — the
 * residual position once treatment is recorded, the inherent one before.
 */
export function heatCell(r: RiskRecord | null): { systemId: string; likelihood: number; impact: number; priority: string } | null {
  if (!r || !OPEN_STATUSES.includes(r.status)) return null;
  if (r.residual) {
    const e = r.residual.evaluation;
    return { systemId: r.systemId, likelihood: e.likelihood, impact: e.impact, priority: e.priority };
  }
  if (r.likelihood == null || r.impact == null || !r.priority) return null;
  return { systemId: r.systemId, likelihood: r.likelihood, impact: r.impact, priority: r.priority };
}
