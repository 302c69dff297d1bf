import { canonicalJson, sha256Hex } from '../core/canonical.ts';
import { notFound, validationFailed } from '../core/errors.ts';
import { EvidenceInputSchema, type EvidenceInput } from '../core/evidence.ts';
import { newId } from '../core/ids.ts';
import { evidenceEffects, type Effect } from '../core/rules/index.ts';
import type { EvidenceLink, EvidenceRecord, Repos, RiskRecord } from '../store/index.ts';
import type { IncidentService } from './incidents.ts';
import { actorLabel, type Actor, type GovernanceDeps } from './context.ts';
import type { ControlService } from './controls.ts';
import type { RiskService } from './risks.ts';
import type { SystemService } from './systems.ts';
import { zodToError } from './validation.ts';

/** What an effect actually did, kept on the evidence record so every consequence is traceable. */
export interface AppliedEffect {
  effect: Effect['type'];
  because: { zh: string; en: string };
  outcome: string;
  targets: { type: 'risk' | 'control' | 'incident'; id: string }[];
}

const CONTROL_RANK: Record<string, number> = { planned: 0, 'in-progress': 1, implemented: 2, verified: 3, 'not-applicable': -1 };

export function evidenceService(deps: GovernanceDeps, systems: SystemService, risks: RiskService, controls: ControlService, incidents: IncidentService) {
  const now = () => (deps.now ? deps.now() : new Date());
  const tax = deps.taxonomies;

  /** TC260 risk ids a taxonomy id stands for: itself, or what the crosswalk relates it to. */
  function relatedRiskIds(taxonomyId: string): string[] {
    const out = new Set<string>();
    if (taxonomyId.startsWith('tc260.3.')) out.add(taxonomyId);
    for (const l of tax.links(taxonomyId)) {
      const other = l.other;
      if (other.startsWith('tc260.3.') && l.relation !== 'mitigated-by') out.add(other);
    }
    // Fall back to ancestors' crosswalk (gbt45654.A.1.d → gbt45654.A.1).
    if (out.size === 0) for (const a of tax.ancestors(taxonomyId)) for (const id of relatedRiskIds(a.id)) out.add(id);
    return [...out];
  }
  function measuresFor(riskId: string): string[] {
    return tax.measuresFor(riskId).map((m) => m.id);
  }

  async function applyEffect(r: Repos, e: Effect, ev: EvidenceInput, actor: Actor, open: RiskRecord[]): Promise<AppliedEffect> {
    const why = e.because.en;
    const sharing = (ids: string[]) => open.filter((risk) => risk.taxonomyIds.some((t) => ids.includes(t)));
    switch (e.type) {
      case 'raise-likelihood':
      case 'propose-risk': {
        const existing = sharing(e.taxonomyIds);
        if (existing.length) {
          const to = e.type === 'raise-likelihood' ? e.to : e.likelihood;
          const targets: AppliedEffect['targets'] = [];
          for (const risk of existing) {
            targets.push({ type: 'risk', id: risk.id });
            if (!risk.analysis || risk.analysis.likelihood >= to) continue;
            const updated = await risks.mutate(r, risk.id, actor, 'evidence-raise-likelihood', why, async (before) => {
              const system = await r.systems.get(before.systemId);
              const analysis = { ...before.analysis!, likelihood: to };
              const next = risks.withAnalysis(before, analysis, system!.acceptabilityThreshold, now());
              // New evidence against a treated risk sends it back for treatment.
              const status = ['treated', 'accepted'].includes(before.status) ? 'treating' : before.status;
              return { ...next, status, residual: status === 'treating' ? null : before.residual };
            });
            Object.assign(risk, updated);
          }
          return { effect: e.type, because: e.because, outcome: `linked to ${existing.length} open risk(s); likelihood raised to ${to} where lower`, targets };
        }
        // No open risk shares the ids: a raise becomes the ready-made proposal the rule carries.
        const p = e.type === 'raise-likelihood' ? e.fallback : e;
        const taxonomyIds = p.taxonomyIds.filter((t) => tax.has(t));
        if (taxonomyIds.length === 0) return { effect: e.type, because: e.because, outcome: 'no known taxonomy id; nothing proposed', targets: [] };
        const system = (await r.systems.get(ev.systemId))!;
        const at = now();
        let risk = risks.blankRisk(system.id, actor, at.toISOString(), { title: `${p.title.zh} / ${p.title.en}`, taxonomyIds, source: p.source, status: 'proposed', description: why });
        risk = risks.withAnalysis(risk, { likelihood: p.likelihood, impact: p.impact, rationale: why }, system.acceptabilityThreshold, at);
        await risks.insertRisk(r, risk, actor, why, { fromEvidence: ev.subject });
        open.push(risk);
        return { effect: e.type, because: e.because, outcome: `proposed risk ${risk.id} (priority ${risk.priority})`, targets: [{ type: 'risk', id: risk.id }] };
      }
      case 'mark-controls':
      case 'flag-controls': {
        const all = await r.controls.forSystem(ev.systemId, true);
        const hit = all.filter((c) => e.controlIds.includes(c.measureId) && c.applicable);
        const targets: AppliedEffect['targets'] = [];
        let changed = 0;
        for (const c of hit) {
          targets.push({ type: 'control', id: c.id });
          if (e.type === 'flag-controls') {
            if (!c.needsReverification && (c.status === 'verified' || c.status === 'implemented')) {
              await controls.change(r, c, actor, 'evidence-flag', why, { needsReverification: true, status: c.status === 'verified' ? 'implemented' : c.status });
              changed++;
            }
            continue;
          }
          const upgrade = CONTROL_RANK[e.status]! > CONTROL_RANK[c.status]!;
          if (c.status === 'not-applicable') continue;
          if (upgrade || (e.status === 'verified' && c.needsReverification)) {
            await controls.change(r, c, actor, `evidence-${e.status}`, why, { status: e.status, needsReverification: false });
            changed++;
          }
        }
        const verb = e.type === 'flag-controls' ? 'flagged for re-verification' : `marked ${e.status}`;
        return { effect: e.type, because: e.because, outcome: `${changed} of ${hit.length} matching control(s) ${verb}`, targets };
      }
      case 'open-incident': {
        const inc = await incidents.open(r, {
          systemId: ev.systemId, title: `${e.title.zh} / ${e.title.en}`, severity: e.severity, description: why,
          taxonomyIds: (e.taxonomyIds ?? []).filter((t) => tax.has(t)), sourceEvidenceId: null,
        }, actor, why);
        return { effect: e.type, because: e.because, outcome: `opened incident ${inc.id}`, targets: [{ type: 'incident', id: inc.id }] };
      }
    }
  }

  return {
    relatedRiskIds,
    measuresFor,

    /**
     * The one door through which technical modules report (design.md §1). Validates, stores the
     * evidence, applies what the rule table says it means, and links everything — in one transaction.
     * Posting the same evidence twice returns the first record (idempotent by content hash).
     */
    async record(input: unknown, actor: Actor): Promise<EvidenceRecord & { duplicate: boolean }> {
      const parsed = EvidenceInputSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const ev = parsed.data;
      for (const [i, c] of ev.summary.categories.entries()) {
        if (!tax.has(c.taxonomyId)) throw validationFailed(`unknown taxonomy id ${c.taxonomyId}`, { field: `summary.categories[${i}].taxonomyId`, allowed: 'an item id from GET /api/taxonomies' });
      }
      for (const [i, f] of ev.summary.findings.entries()) {
        for (const [j, t] of f.taxonomyIds.entries()) if (!tax.has(t)) throw validationFailed(`unknown taxonomy id ${t}`, { field: `summary.findings[${i}].taxonomyIds[${j}]` });
      }
      for (const key of ['controlsImplemented', 'controlsVerified'] as const) {
        for (const [i, t] of ev.summary[key].entries()) if (!tax.has(t)) throw validationFailed(`unknown control id ${t}`, { field: `summary.${key}[${i}]`, allowed: 'a measure/control taxonomy id, e.g. tc260.4.2.1.a or iso42001.A.6.2.4' });
      }
      const contentHash = sha256Hex(canonicalJson(ev));
      return deps.store.tx(async (r) => {
        await systems.requireExisting(r, ev.systemId);
        const dup = await r.evidence.findByHash(ev.systemId, contentHash);
        if (dup) return { ...dup, duplicate: true };
        const links: EvidenceLink[] = [];
        for (const [i, rid] of ev.riskIds.entries()) {
          const risk = await r.risks.get(rid);
          if (!risk || risk.systemId !== ev.systemId) throw validationFailed(`risk ${rid} is not a risk of system ${ev.systemId}`, { field: `riskIds[${i}]` });
          links.push({ targetType: 'risk', targetId: rid, relation: 'supports' });
        }
        for (const [i, cid] of ev.controlIds.entries()) {
          const c = await r.controls.get(cid);
          if (!c || c.systemId !== ev.systemId) throw validationFailed(`control ${cid} is not a control of system ${ev.systemId}`, { field: `controlIds[${i}]` });
          links.push({ targetType: 'control', targetId: cid, relation: 'supports' });
        }
        const open = await r.risks.openForSystem(ev.systemId);
        const effects = evidenceEffects(ev, { relatedRiskIds, measuresFor, taxonomyName: (id) => tax.item(id)?.name }, deps.rules);
        const applied: AppliedEffect[] = [];
        for (const e of effects) applied.push(await applyEffect(r, e, ev, actor, open));
        for (const a of applied) for (const t of a.targets) links.push({ targetType: t.type, targetId: t.id, relation: a.effect });
        const at = now().toISOString();
        const rec: EvidenceRecord = {
          id: newId('evd'), kind: ev.kind, producer: ev.producer, systemId: ev.systemId, subject: ev.subject, summary: ev.summary,
          detailsUrl: ev.detailsUrl ?? null, producedAt: ev.producedAt ? new Date(ev.producedAt).toISOString() : at, recordedAt: at,
          recordedBy: actorLabel(actor), contentHash, effects: applied, links: dedupeLinks(links),
        };
        await r.evidence.insert(rec);
        await r.audit.append([{ actor: actorLabel(actor), action: 'evidence.record', entityType: 'evidence', entityId: rec.id, payload: { systemId: rec.systemId, kind: rec.kind, producer: rec.producer, subject: rec.subject, contentHash, effects: applied.map((a) => a.outcome) } }]);
        return { ...rec, duplicate: false };
      });
    },

    async get(id: string): Promise<EvidenceRecord> {
      const e = await deps.store.read.evidence.get(id);
      if (!e) throw notFound('evidence', id);
      return e;
    },
  };
}

function dedupeLinks(links: EvidenceLink[]): EvidenceLink[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    const k = `${l.targetType}|${l.targetId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
export type EvidenceService = ReturnType<typeof evidenceService>;
