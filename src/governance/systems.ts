import { badRequest, conflict, notFound, validationFailed } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { classify, diffMajorChange } from '../core/rules/index.ts';
import { SystemAttributesSchema, type Classification, type SystemAttributes } from '../core/system.ts';
import { attributesOf, diff, type ControlRecord, type Repos, type SystemRecord } from '../store/index.ts';
import { actorLabel, type Actor, type GovernanceDeps } from './context.ts';
import { zodToError } from './validation.ts';

/** The framework a control belongs to is the taxonomy its measure id comes from (`tc260.4.1.1.a` → tc260). */
export function frameworkOf(measureId: string): string {
  return measureId.split('.')[0]!;
}

export function systemService(deps: GovernanceDeps) {
  const now = () => (deps.now ? deps.now() : new Date());

  function derive(attrs: SystemAttributes): Classification {
    return classify(attrs, deps.rules);
  }

  /** Instantiates controls for newly applicable obligations; retires ones no longer derived (never deletes). */
  async function syncControls(r: Repos, system: SystemRecord, actor: Actor, at: string, opts: { reverify: boolean }): Promise<{ added: number; retired: number; flagged: number }> {
    const wanted = new Map<string, string[]>();
    for (const ob of system.obligations) {
      for (const cid of ob.controlIds) {
        if (!wanted.has(cid)) wanted.set(cid, []);
        wanted.get(cid)!.push(ob.id);
      }
    }
    const existing = await r.controls.forSystem(system.id, true);
    const byMeasure = new Map(existing.map((c) => [c.measureId, c]));
    const inserts: ControlRecord[] = [];
    const revs: Parameters<Repos['revisions']['append']>[1] = [];
    let retired = 0;
    let flagged = 0;
    for (const [measureId, obligationIds] of wanted) {
      if (byMeasure.has(measureId)) continue;
      const c: ControlRecord = {
        id: newId('ctl'), systemId: system.id, measureId, framework: frameworkOf(measureId), obligationIds, applicable: true,
        status: 'planned', reason: null, owner: null, needsReverification: false, revision: 1, createdAt: at, updatedAt: at, updatedBy: actorLabel(actor),
      };
      inserts.push(c);
      revs.push({ id: c.id, revision: 1, at, actor: actorLabel(actor), action: 'create', reason: 'derived from applicable obligations', changes: diff(null, c as unknown as Record<string, unknown>), snapshot: c });
    }
    for (const c of existing) {
      const obligationIds = wanted.get(c.measureId);
      const next: ControlRecord = { ...c };
      let action = '';
      let reason = '';
      if (!obligationIds && c.applicable) {
        next.applicable = false;
        action = 'retire';
        reason = 'no longer required by the system\'s derived obligations';
        retired++;
      } else if (obligationIds && (!c.applicable || JSON.stringify(obligationIds) !== JSON.stringify(c.obligationIds))) {
        next.applicable = true;
        next.obligationIds = obligationIds;
        action = 'reapply';
        reason = 'required again by the system\'s derived obligations';
      }
      if (opts.reverify && obligationIds && (c.status === 'implemented' || c.status === 'verified') && !c.needsReverification) {
        next.needsReverification = true;
        action = action || 'flag-reverification';
        reason = reason || 'major change of the system: re-verify this control';
        flagged++;
      }
      if (!action) continue;
      next.revision = c.revision + 1;
      next.updatedAt = at;
      next.updatedBy = actorLabel(actor);
      if (!(await r.controls.update(next, c))) throw conflict(`control ${c.id} changed concurrently; retry`);
      revs.push({ id: c.id, revision: next.revision, at, actor: actorLabel(actor), action, reason, changes: diff(c as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>), snapshot: next });
    }
    if (inserts.length) await r.controls.insert(inserts);
    if (revs.length) await r.revisions.append('control', revs);
    return { added: inserts.length, retired, flagged };
  }

  return {
    derive,
    syncControls,

    async create(input: unknown, actor: Actor): Promise<SystemRecord> {
      const parsed = SystemAttributesSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const attrs = parsed.data;
      const classification = derive(attrs);
      const at = now().toISOString();
      const rec: SystemRecord = {
        id: newId('sys'), ...attrs, grade: classification.grade, euAiActTier: classification.euAiActTier,
        financeAutonomyLevel: classification.financeAutonomyLevel, obligations: classification.obligations, classification,
        revision: 1, createdAt: at, updatedAt: at, createdBy: actorLabel(actor), updatedBy: actorLabel(actor),
      };
      return deps.store.tx(async (r) => {
        await r.systems.insert([rec]);
        await r.revisions.append('system', [{ id: rec.id, revision: 1, at, actor: actorLabel(actor), action: 'create', changes: diff(null, attributesOf(rec) as unknown as Record<string, unknown>), snapshot: rec }]);
        const sync = await syncControls(r, rec, actor, at, { reverify: false });
        await r.audit.append([{ actor: actorLabel(actor), action: 'system.create', entityType: 'system', entityId: rec.id, payload: { name: rec.name, grade: rec.grade, controlsAdded: sync.added } }]);
        return rec;
      });
    },

    /** Partial update of attributes; re-derives classification; a major change flags risks and controls. */
    async update(id: string, patch: unknown, actor: Actor, reason?: string): Promise<SystemRecord & { majorChange: string[] }> {
      if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw badRequest('body must be an object of attributes to change');
      return deps.store.tx(async (r) => {
        const before = await r.systems.get(id, true);
        if (!before) throw notFound('system', id);
        const merged = { ...attributesOf(before), ...(patch as Record<string, unknown>) };
        const parsed = SystemAttributesSchema.safeParse(merged);
        if (!parsed.success) throw zodToError(parsed.error);
        const attrs = parsed.data;
        const classification = derive(attrs);
        const at = now().toISOString();
        const after: SystemRecord = {
          ...before, ...attrs, grade: classification.grade, euAiActTier: classification.euAiActTier,
          financeAutonomyLevel: classification.financeAutonomyLevel, obligations: classification.obligations, classification,
          revision: before.revision + 1, updatedAt: at, updatedBy: actorLabel(actor),
        };
        const changes = diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, ['revision', 'updatedAt', 'updatedBy', 'classification']);
        if (Object.keys(changes).length === 0) return { ...before, majorChange: [] };
        const major = diffMajorChange(attributesOf(before), attrs);
        if (!(await r.systems.update(after, before.revision))) throw conflict(`system ${id} changed concurrently; retry`);
        await r.revisions.append('system', [{ id, revision: after.revision, at, actor: actorLabel(actor), action: major.length ? 'major-change' : 'update', reason: reason ?? null, changes, snapshot: after }]);
        const sync = await syncControls(r, after, actor, at, { reverify: major.length > 0 });
        let reassess = 0;
        if (major.length) {
          const open = await r.risks.markReassessment(id);
          const revs = [];
          for (const risk of open) {
            const next = { ...risk, needsReassessment: true, revision: risk.revision + 1, updatedAt: at, updatedBy: actorLabel(actor) };
            if (!(await r.risks.update(next, risk.revision))) throw conflict(`risk ${risk.id} changed concurrently; retry`);
            revs.push({ id: risk.id, revision: next.revision, at, actor: actorLabel(actor), action: 'flag-reassessment', reason: `major change of the system (${major.join(', ')}): re-assess`, changes: { needsReassessment: { from: false, to: true } }, snapshot: next });
          }
          await r.revisions.append('risk', revs);
          reassess = open.length;
        }
        await r.audit.append([{ actor: actorLabel(actor), action: major.length ? 'system.major-change' : 'system.update', entityType: 'system', entityId: id, payload: { fields: Object.keys(changes), majorChange: major, risksFlagged: reassess, controls: sync, reason: reason ?? null } }]);
        return { ...after, majorChange: major };
      });
    },

    async get(id: string): Promise<SystemRecord> {
      const s = await deps.store.read.systems.get(id);
      if (!s) throw notFound('system', id);
      return s;
    },

    async requireExisting(r: Repos, id: string, field = 'systemId'): Promise<SystemRecord> {
      const s = await r.systems.get(id);
      if (!s) throw validationFailed(`unknown system ${id}`, { field, allowed: 'the id of an existing system (GET /api/systems)' });
      return s;
    },
  };
}
export type SystemService = ReturnType<typeof systemService>;
