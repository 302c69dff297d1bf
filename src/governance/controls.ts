import { z } from 'zod';
import { badRequest, notFound, validationFailed } from '../core/errors.ts';
import { CONTROL_STATUSES, type ControlRecord, type Repos } from '../store/index.ts';
import { diff } from '../store/index.ts';
import { actorLabel, type Actor, type GovernanceDeps } from './context.ts';
import { zodToError } from './validation.ts';

export const ControlSetSchema = z
  .object({
    status: z.enum(CONTROL_STATUSES),
    reason: z.string().min(1).max(2000).optional(),
    owner: z.string().min(1).max(200).optional(),
    evidenceIds: z.array(z.string().min(1).max(60)).max(50).default([]),
  })
  .strict()
  .refine((v) => v.status !== 'not-applicable' || (v.reason && v.reason.trim().length > 0), {
    message: 'marking a control not applicable requires a reason',
    path: ['reason'],
  });

export function controlService(deps: GovernanceDeps) {
  const now = () => (deps.now ? deps.now() : new Date());

  /** Changes one control inside an open transaction; shared by the API and the evidence rules. */
  async function change(r: Repos, before: ControlRecord, actor: Actor, action: string, why: string | null, patch: Partial<ControlRecord>): Promise<ControlRecord> {
    const at = now().toISOString();
    const after: ControlRecord = { ...before, ...patch, revision: before.revision + 1, updatedAt: at, updatedBy: actorLabel(actor) };
    const changes = diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
    if (!(await r.controls.update(after, before))) throw badRequest(`control ${before.id} changed concurrently; retry`);
    await r.revisions.append('control', [{ id: before.id, revision: after.revision, at, actor: actorLabel(actor), action, reason: why, changes, snapshot: after }]);
    await r.audit.append([{ actor: actorLabel(actor), action: `control.${action}`, entityType: 'control', entityId: before.id, payload: { systemId: before.systemId, measureId: before.measureId, status: after.status, reason: why } }]);
    return after;
  }

  return {
    change,
    async get(id: string): Promise<ControlRecord> {
      const c = await deps.store.read.controls.get(id);
      if (!c) throw notFound('control', id);
      return c;
    },
    async history(id: string) {
      await this.get(id);
      return deps.store.read.revisions.list('control', id);
    },
    async set(id: string, input: unknown, actor: Actor): Promise<ControlRecord> {
      const parsed = ControlSetSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const v = parsed.data;
      return deps.store.tx(async (r) => {
        const before = await r.controls.get(id, true);
        if (!before) throw notFound('control', id);
        for (const [i, eid] of v.evidenceIds.entries()) {
          const e = await r.evidence.get(eid);
          if (!e || e.systemId !== before.systemId) throw validationFailed(`evidence ${eid} does not exist for system ${before.systemId}`, { field: `evidenceIds[${i}]` });
        }
        const patch: Partial<ControlRecord> = { status: v.status, reason: v.reason ?? null };
        if (v.owner) patch.owner = v.owner;
        if (v.status === 'verified') patch.needsReverification = false;
        const after = await change(r, before, actor, 'set-status', v.reason ?? null, patch);
        if (v.evidenceIds.length) await r.evidence.linkMany(v.evidenceIds.map((eid) => ({ evidenceId: eid, targetType: 'control' as const, targetId: id, relation: `supports-${v.status}` })));
        return after;
      });
    },
    /** Coverage per framework, as counts and percentages of applicable controls. */
    async coverage(systemId?: string) {
      const rows = await deps.store.read.controls.coverage(systemId);
      return rows.map((r) => ({
        ...r,
        name: deps.taxonomies.get(r.framework)?.name ?? { zh: r.framework, en: r.framework },
        implementedPct: r.total ? Math.round((1000 * r.implemented) / r.total) / 10 : 0,
        verifiedPct: r.total ? Math.round((1000 * r.verified) / r.total) / 10 : 0,
      }));
    },
  };
}
export type ControlService = ReturnType<typeof controlService>;
