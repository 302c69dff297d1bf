import { z } from 'zod';
import { badRequest, notFound, validationFailed } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { diff, type IncidentRecord, type Repos } from '../store/index.ts';
import { actorLabel, type Actor, type GovernanceDeps } from './context.ts';
import { zodToError } from './validation.ts';

export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const INCIDENT_STATUSES = ['open', 'investigating', 'resolved', 'closed'] as const;

const Title = z.string().trim().min(1).max(300);
const Description = z.string().max(20_000);
const TaxonomyIds = z.array(z.string().min(1).max(100)).max(50);

export const IncidentCreateSchema = z
  .object({
    systemId: z.string().min(1).max(60),
    title: Title,
    severity: z.enum(INCIDENT_SEVERITIES),
    description: Description.optional(),
    taxonomyIds: TaxonomyIds.default([]),
    /** Evidence that revealed the incident (e.g. an evaluation run or a gateway aggregate). */
    sourceEvidenceId: z.string().min(1).max(60).optional(),
  })
  .strict();

export const IncidentPatchSchema = z
  .object({
    title: Title.optional(),
    severity: z.enum(INCIDENT_SEVERITIES).optional(),
    status: z.enum(INCIDENT_STATUSES).optional(),
    description: Description.nullable().optional(),
    taxonomyIds: TaxonomyIds.optional(),
    reason: z.string().trim().min(1, 'say why the incident changes (kept in its history)').max(2000),
  })
  .strict();

/** Incidents opened by hand or by evidence rules; every change appends a revision and an audit entry. */
export function incidentService(deps: GovernanceDeps) {
  const now = () => (deps.now ? deps.now() : new Date());

  function checkTaxonomy(ids: string[]): void {
    ids.forEach((id, i) => {
      if (!deps.taxonomies.has(id)) throw validationFailed(`unknown taxonomy id ${id}`, { field: `taxonomyIds[${i}]`, allowed: 'an item id from GET /api/taxonomies/:id, e.g. tc260.3.1.1.b' });
    });
  }

  /** Inserts a new incident inside an open transaction (shared with the evidence rules). */
  async function open(r: Repos, inc: Omit<IncidentRecord, 'id' | 'revision' | 'openedAt' | 'updatedAt' | 'updatedBy' | 'closedAt' | 'status'>, actor: Actor, reason: string | null): Promise<IncidentRecord> {
    const at = now().toISOString();
    const rec: IncidentRecord = { ...inc, id: newId('inc'), status: 'open', openedAt: at, closedAt: null, revision: 1, updatedAt: at, updatedBy: actorLabel(actor) };
    await r.incidents.insert(rec);
    await r.revisions.append('incident', [{ id: rec.id, revision: 1, at, actor: actorLabel(actor), action: 'open', reason, changes: diff(null, rec as unknown as Record<string, unknown>), snapshot: rec }]);
    await r.audit.append([{ actor: actorLabel(actor), action: 'incident.open', entityType: 'incident', entityId: rec.id, payload: { systemId: rec.systemId, severity: rec.severity, reason } }]);
    return rec;
  }

  return {
    open,
    async get(id: string): Promise<IncidentRecord> {
      const i = await deps.store.read.incidents.get(id);
      if (!i) throw notFound('incident', id);
      return i;
    },
    async history(id: string) {
      await this.get(id);
      return deps.store.read.revisions.list('incident', id);
    },
    async create(input: unknown, actor: Actor): Promise<IncidentRecord> {
      const parsed = IncidentCreateSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const v = parsed.data;
      checkTaxonomy(v.taxonomyIds);
      return deps.store.tx(async (r) => {
        if (!(await r.systems.get(v.systemId))) throw validationFailed(`system ${v.systemId} does not exist`, { field: 'systemId' });
        if (v.sourceEvidenceId) {
          const e = await r.evidence.get(v.sourceEvidenceId);
          if (!e || e.systemId !== v.systemId) throw validationFailed(`evidence ${v.sourceEvidenceId} does not exist for system ${v.systemId}`, { field: 'sourceEvidenceId' });
        }
        return open(r, { systemId: v.systemId, title: v.title, severity: v.severity, description: v.description ?? null, taxonomyIds: v.taxonomyIds, sourceEvidenceId: v.sourceEvidenceId ?? null }, actor, 'reported by hand');
      });
    },
    async update(id: string, input: unknown, actor: Actor): Promise<IncidentRecord> {
      const parsed = IncidentPatchSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const { reason, ...patch } = parsed.data;
      if (patch.taxonomyIds) checkTaxonomy(patch.taxonomyIds);
      if (Object.keys(patch).length === 0) throw badRequest('nothing to change: send at least one of title, severity, status, description, taxonomyIds', { field: 'body' });
      return deps.store.tx(async (r) => {
        const before = await r.incidents.get(id, true);
        if (!before) throw notFound('incident', id);
        const at = now().toISOString();
        const after: IncidentRecord = { ...before, ...patch, revision: before.revision + 1, updatedAt: at, updatedBy: actorLabel(actor) };
        if (patch.status) {
          const ending = patch.status === 'resolved' || patch.status === 'closed';
          // closedAt records when the incident stopped being active; reopening clears it.
          after.closedAt = ending ? (before.closedAt ?? at) : null;
        }
        const changes = diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
        if (Object.keys(changes).length === 0) return before;
        if (!(await r.incidents.update(after, before.revision))) throw badRequest(`incident ${id} changed concurrently; retry`);
        const action = patch.status && patch.status !== before.status ? `status-${patch.status}` : 'update';
        await r.revisions.append('incident', [{ id, revision: after.revision, at, actor: actorLabel(actor), action, reason, changes, snapshot: after }]);
        await r.audit.append([{ actor: actorLabel(actor), action: `incident.${action}`, entityType: 'incident', entityId: id, payload: { systemId: after.systemId, changed: Object.keys(changes), reason } }]);
        return after;
      });
    },
  };
}
export type IncidentService = ReturnType<typeof incidentService>;
