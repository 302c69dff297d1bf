import { z } from 'zod';
import { badRequest, conflict, notFound, validationFailed } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { AnalysisSchema, ImpactSchema, LevelSchema, RISK_SOURCES, STRATEGIES, maxImpact, type Analysis, type Evaluation } from '../core/risk.ts';
import { evaluateRisk, reviewIntervalDays, suggestRisks } from '../core/rules/index.ts';
import { diff, heatCell, OPEN_STATUSES, type Repos, type RiskRecord, type Treatment } from '../store/index.ts';
import { actorLabel, addDays, type Actor, type GovernanceDeps } from './context.ts';
import type { SystemService } from './systems.ts';
import { zodToError } from './validation.ts';

const reason = z.string().min(1).max(2000);

export const RiskCreateSchema = z
  .object({
    systemId: z.string().min(1).max(60),
    title: z.string().min(1).max(300),
    description: z.string().max(5000).optional(),
    taxonomyIds: z.array(z.string().min(1).max(100)).min(1).max(30),
    source: z.enum(RISK_SOURCES).default('manual'),
    likelihood: LevelSchema.optional(),
    impact: ImpactSchema.optional(),
    lossValue: z.number().min(0).max(1e15).optional(),
    rationale: z.string().max(5000).optional(),
    reason: reason.optional(),
  })
  .strict()
  .refine((v) => (v.likelihood === undefined) === (v.impact === undefined), {
    message: 'give likelihood and impact together (or neither, to analyse later)',
    path: ['likelihood'],
  });

export const AssessSchema = AnalysisSchema.extend({ reason: reason.optional() }).strict();
export const TreatSchema = z
  .object({
    strategy: z.enum(STRATEGIES),
    owner: z.string().min(1).max(200),
    dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
    controlIds: z.array(z.string().min(1).max(60)).max(100).default([]),
    justification: z.string().max(5000).optional(),
    plan: z.string().max(5000).optional(),
    reason: reason.optional(),
  })
  .strict()
  .refine((v) => v.strategy !== 'accept' || (v.justification && v.justification.trim().length >= 10), {
    message: 'accepting a risk requires a justification of at least 10 characters',
    path: ['justification'],
  });
export const ResidualSchema = z
  .object({ likelihood: LevelSchema, impact: ImpactSchema, rationale: z.string().max(5000).optional(), reason: reason.optional() })
  .strict();
export const ReviewSchema = z
  .object({
    outcome: z.enum(['unchanged', 'reassess', 'close']),
    notes: z.string().max(5000).optional(),
    nextReviewAt: z.string().datetime({ offset: true }).optional(),
    reason: reason.optional(),
  })
  .strict();
export const StatusSchema = z.object({ status: z.enum(['identified', 'rejected', 'closed']), reason }).strict();

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw zodToError(r.error);
  return r.data;
}

export function riskService(deps: GovernanceDeps, systems: SystemService) {
  const now = () => (deps.now ? deps.now() : new Date());

  function knownTaxonomy(ids: string[]) {
    for (const [i, id] of ids.entries()) {
      if (!deps.taxonomies.has(id)) {
        throw validationFailed(`unknown taxonomy id ${id}`, { field: `taxonomyIds[${i}]`, allowed: 'an item id from GET /api/taxonomies/:id, e.g. tc260.3.1.1.b or gbt45654.A.1.a' });
      }
    }
  }

  function evaluate(analysis: Analysis, threshold: number): Evaluation {
    return evaluateRisk(analysis, threshold, deps.rules);
  }

  function nextReview(priority: Evaluation['priority'], from: Date): string {
    return addDays(from, reviewIntervalDays(priority, deps.rules)).toISOString();
  }

  /** Writes a new risk (revision 1) with its heat-map contribution and audit entry. Runs inside `r`'s transaction. */
  async function insertRisk(r: Repos, risk: RiskRecord, actor: Actor, why: string | null, extraAudit: Record<string, unknown> = {}): Promise<void> {
    await r.risks.insert([risk]);
    await r.revisions.append('risk', [{ id: risk.id, revision: 1, at: risk.createdAt, actor: actorLabel(actor), action: 'create', reason: why, changes: diff(null, risk as unknown as Record<string, unknown>), snapshot: risk }]);
    const cell = heatCell(risk);
    if (cell) await r.risks.adjustHeat([{ ...cell, delta: 1 }]);
    await r.audit.append([{ actor: actorLabel(actor), action: 'risk.create', entityType: 'risk', entityId: risk.id, payload: { systemId: risk.systemId, title: risk.title, priority: risk.priority, source: risk.source, ...extraAudit } }]);
  }

  /** The one path for changing a risk: lock, change, new revision, heat-map delta, audit — one transaction. */
  async function mutate(r: Repos, id: string, actor: Actor, action: string, why: string | null, change: (before: RiskRecord) => RiskRecord | Promise<RiskRecord>): Promise<RiskRecord> {
    const before = await r.risks.get(id, true);
    if (!before) throw notFound('risk', id);
    const changed = await change(before);
    const at = now().toISOString();
    const after: RiskRecord = { ...changed, revision: before.revision + 1, updatedAt: at, updatedBy: actorLabel(actor) };
    const changes = diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
    if (!(await r.risks.update(after, before.revision))) throw conflict(`risk ${id} changed concurrently; retry`);
    await r.revisions.append('risk', [{ id, revision: after.revision, at, actor: actorLabel(actor), action, reason: why, changes, snapshot: after }]);
    const a = heatCell(before);
    const b = heatCell(after);
    const deltas = [];
    if (a) deltas.push({ ...a, delta: -1 });
    if (b) deltas.push({ ...b, delta: 1 });
    if (deltas.length) await r.risks.adjustHeat(deltas);
    await r.audit.append([{ actor: actorLabel(actor), action: `risk.${action}`, entityType: 'risk', entityId: id, payload: { fields: Object.keys(changes), reason: why, priority: after.priority, status: after.status } }]);
    return after;
  }

  function withAnalysis(risk: RiskRecord, analysis: Analysis, threshold: number, at: Date): RiskRecord {
    const evaluation = evaluate(analysis, threshold);
    return {
      ...risk,
      analysis,
      evaluation,
      likelihood: analysis.likelihood,
      impact: maxImpact(analysis.impact),
      score: evaluation.score,
      priority: evaluation.priority,
      acceptable: evaluation.acceptable,
      nextReviewAt: nextReview(evaluation.priority, at),
      needsReassessment: false,
    };
  }

  function blankRisk(systemId: string, actor: Actor, at: string, fields: Pick<RiskRecord, 'title' | 'taxonomyIds' | 'source'> & { description?: string | null; status?: RiskRecord['status'] }): RiskRecord {
    return {
      id: newId('rsk'), systemId, title: fields.title, description: fields.description ?? null, taxonomyIds: fields.taxonomyIds, source: fields.source,
      status: fields.status ?? 'identified', analysis: null, evaluation: null, likelihood: null, impact: null, score: null, priority: null, acceptable: null,
      treatment: null, residual: null, nextReviewAt: null, needsReassessment: false, revision: 1, createdAt: at, updatedAt: at,
      createdBy: actorLabel(actor), updatedBy: actorLabel(actor),
    };
  }

  return {
    evaluate,
    insertRisk,
    mutate,
    withAnalysis,
    blankRisk,

    async create(input: unknown, actor: Actor): Promise<RiskRecord> {
      const v = parse(RiskCreateSchema, input);
      knownTaxonomy(v.taxonomyIds);
      return deps.store.tx(async (r) => {
        const system = await systems.requireExisting(r, v.systemId);
        const at = now();
        let risk = blankRisk(system.id, actor, at.toISOString(), { title: v.title, description: v.description ?? null, taxonomyIds: [...new Set(v.taxonomyIds)], source: v.source });
        if (v.likelihood !== undefined && v.impact !== undefined) {
          risk = { ...withAnalysis(risk, { likelihood: v.likelihood, impact: v.impact, lossValue: v.lossValue, rationale: v.rationale }, system.acceptabilityThreshold, at), status: 'analysed' };
        }
        await insertRisk(r, risk, actor, v.reason ?? null);
        return risk;
      });
    },

    async get(id: string): Promise<RiskRecord> {
      const risk = await deps.store.read.risks.get(id);
      if (!risk) throw notFound('risk', id);
      return risk;
    },

    async history(id: string) {
      await this.get(id);
      return deps.store.read.revisions.list('risk', id);
    },

    async assess(id: string, input: unknown, actor: Actor): Promise<RiskRecord> {
      const { reason: why, ...analysis } = parse(AssessSchema, input);
      return deps.store.tx(async (r) =>
        mutate(r, id, actor, 'assess', why ?? null, async (before) => {
          if (!OPEN_STATUSES.includes(before.status)) throw badRequest(`risk ${id} is ${before.status}; reopen it before assessing`, { field: 'status' });
          const system = await r.systems.get(before.systemId);
          const next = withAnalysis(before, analysis, system!.acceptabilityThreshold, now());
          const status = before.status === 'treating' || before.status === 'treated' || before.status === 'accepted' ? 'treating' : 'analysed';
          // A fresh inherent assessment invalidates an earlier residual judgement.
          return { ...next, status, residual: status === 'treating' ? null : before.residual };
        }),
      );
    },

    async treat(id: string, input: unknown, actor: Actor): Promise<RiskRecord> {
      const { reason: why, ...t } = parse(TreatSchema, input);
      return deps.store.tx(async (r) => {
        return mutate(r, id, actor, 'treat', why ?? null, async (before) => {
          if (!before.evaluation) throw badRequest(`risk ${id} has not been analysed; assess it (likelihood and impact) before choosing a treatment`, { field: 'strategy' });
          if (!OPEN_STATUSES.includes(before.status)) throw badRequest(`risk ${id} is ${before.status}; it cannot be treated`, { field: 'status' });
          for (const [i, cid] of t.controlIds.entries()) {
            const c = await r.controls.get(cid);
            if (!c || c.systemId !== before.systemId) {
              throw validationFailed(`control ${cid} is not a control of system ${before.systemId}`, { field: `controlIds[${i}]`, allowed: `ids from GET /api/controls?systemId=${before.systemId}` });
            }
          }
          await r.risks.linkControls(id, t.controlIds);
          const treatment: Treatment = { strategy: t.strategy, owner: t.owner, dueDate: t.dueDate, controlIds: t.controlIds, justification: t.justification, plan: t.plan };
          if (t.strategy === 'accept') {
            // Accepting keeps the inherent position as the residual one, on the record.
            const a = before.analysis!;
            return { ...before, treatment, status: 'accepted', residual: { likelihood: a.likelihood, impact: a.impact, evaluation: before.evaluation, rationale: t.justification } };
          }
          return { ...before, treatment, status: 'treating', residual: null };
        });
      });
    },

    async residual(id: string, input: unknown, actor: Actor): Promise<RiskRecord & { residualAcceptable: boolean }> {
      const { reason: why, ...v } = parse(ResidualSchema, input);
      const risk = await deps.store.tx(async (r) =>
        mutate(r, id, actor, 'residual', why ?? null, async (before) => {
          if (!before.treatment) throw badRequest(`risk ${id} has no treatment yet; record the treatment before the residual risk`, { field: 'treatment' });
          const system = await r.systems.get(before.systemId);
          const evaluation = evaluate({ likelihood: v.likelihood, impact: v.impact }, system!.acceptabilityThreshold);
          // CAICT loop: residual risk is checked against acceptability again; if still unacceptable, treatment goes on.
          const status = evaluation.acceptable ? 'treated' : 'treating';
          return { ...before, residual: { likelihood: v.likelihood, impact: v.impact, evaluation, rationale: v.rationale }, status, nextReviewAt: nextReview(evaluation.priority, now()) };
        }),
      );
      return { ...risk, residualAcceptable: risk.residual!.evaluation.acceptable };
    },

    async review(id: string, input: unknown, actor: Actor): Promise<RiskRecord> {
      const v = parse(ReviewSchema, input);
      return deps.store.tx(async (r) =>
        mutate(r, id, actor, 'review', v.reason ?? v.notes ?? null, (before) => {
          if (!OPEN_STATUSES.includes(before.status)) throw badRequest(`risk ${id} is ${before.status}; only open risks are reviewed`, { field: 'status' });
          const current = before.residual?.evaluation.priority ?? before.priority ?? 'medium';
          const nextReviewAt = v.nextReviewAt ? new Date(v.nextReviewAt).toISOString() : nextReview(current, now());
          if (v.outcome === 'close') return { ...before, status: 'closed', nextReviewAt: null };
          if (v.outcome === 'reassess') return { ...before, needsReassessment: true, nextReviewAt };
          return { ...before, nextReviewAt };
        }),
      );
    },

    async setStatus(id: string, input: unknown, actor: Actor): Promise<RiskRecord> {
      const v = parse(StatusSchema, input);
      return deps.store.tx(async (r) =>
        mutate(r, id, actor, `status-${v.status}`, v.reason, (before) => {
          const allowed: Record<string, string[]> = { identified: ['proposed'], rejected: ['proposed'], closed: OPEN_STATUSES };
          if (!allowed[v.status]!.includes(before.status)) {
            throw badRequest(`cannot move risk ${id} from ${before.status} to ${v.status}`, { field: 'status', allowed: `from ${allowed[v.status]!.join('/')}` });
          }
          if (v.status === 'identified') return { ...before, status: before.evaluation ? 'analysed' : 'identified' };
          return { ...before, status: v.status, nextReviewAt: null };
        }),
      );
    },

    /** Suggestions from the taxonomy by the system's attributes, marking ones already in the register. */
    async suggestions(systemId: string) {
      const system = await systems.get(systemId);
      const open = await deps.store.read.risks.openForSystem(systemId);
      const have = new Set(open.flatMap((r) => r.taxonomyIds));
      return suggestRisks(system, system.classification, deps.rules).map((s) => ({ ...s, alreadyRegistered: s.taxonomyIds.some((t) => have.has(t)) }));
    },

    /** Adds suggestions as proposed risks (all, or those whose primary taxonomy id is listed). */
    async acceptSuggestions(systemId: string, input: unknown, actor: Actor): Promise<RiskRecord[]> {
      const v = parse(z.object({ taxonomyIds: z.array(z.string()).optional(), reason: reason.optional() }).strict(), input ?? {});
      const list = (await this.suggestions(systemId)).filter((s) => !s.alreadyRegistered && (!v.taxonomyIds || v.taxonomyIds.includes(s.taxonomyIds[0]!)));
      return deps.store.tx(async (r) => {
        const system = await systems.requireExisting(r, systemId);
        const at = now();
        const out: RiskRecord[] = [];
        for (const s of list) {
          let risk = blankRisk(system.id, actor, at.toISOString(), { title: s.title.en === s.title.zh ? s.title.en : `${s.title.zh} / ${s.title.en}`, taxonomyIds: s.taxonomyIds, source: 'suggestion', status: 'proposed' });
          risk = withAnalysis(risk, { likelihood: s.likelihood, impact: s.impact, rationale: s.because.en }, system.acceptabilityThreshold, at);
          await insertRisk(r, risk, actor, v.reason ?? `suggested by rule ${s.ruleId}`);
          out.push(risk);
        }
        return out;
      });
    },
  };
}
export type RiskService = ReturnType<typeof riskService>;
