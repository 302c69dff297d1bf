import { newId } from '../../src/core/ids.ts';
import { maxImpact, type Impact } from '../../src/core/risk.ts';
import { classify, defaultRules, evaluateRisk, reviewIntervalDays } from '../../src/core/rules/index.ts';
import { SystemAttributesSchema, type SystemAttributes } from '../../src/core/system.ts';
import { frameworkOf } from '../../src/governance/systems.ts';
import { heatCell, type ControlRecord, type RevisionAppend, type RiskRecord, type Store, type SystemRecord } from '../../src/store/index.ts';

/** Deterministic pseudo-random numbers, so every seeding run builds the same organisation. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEMPLATES: Partial<SystemAttributes>[] = [
  { domain: 'finance', population: 'public', capabilities: ['text-generation', 'rag'], dataCategories: ['personal', 'financial'], autonomyLevel: 'L2' },
  { domain: 'medical', population: 'business', capabilities: ['text-generation', 'rag', 'decision-support'], dataCategories: ['health'] },
  { domain: 'software-engineering', population: 'internal', capabilities: ['code-generation'], dataCategories: ['source-code'] },
  { domain: 'social', population: 'minors', capabilities: ['text-generation', 'companionship'], dataCategories: ['personal', 'minors'] },
  { domain: 'government', population: 'public', capabilities: ['text-generation'], dataCategories: ['personal'] },
  { domain: 'retail', population: 'public', capabilities: ['recommendation', 'text-generation'], dataCategories: ['personal'] },
  { domain: 'employment', population: 'business', capabilities: ['automated-decision', 'profiling'], dataCategories: ['personal'], jurisdictions: ['eu'] },
  { domain: 'energy', population: 'internal', capabilities: ['decision-support', 'agent', 'tool-use'], dataCategories: ['important-data'], autonomyLevel: 'L3' },
];
const RISK_IDS = ['tc260.3.1.1.e', 'tc260.3.1.1.f', 'tc260.3.1.1.b', 'tc260.3.1.2.d', 'tc260.3.2.1.a', 'tc260.3.2.1.d', 'tc260.3.2.2.b', 'tc260.3.1.3.c', 'gbt45654.A.1.f', 'owasp-llm-2025.LLM01'];
const DIMS = ['peopleSafety', 'financial', 'legal', 'reputation', 'societal'] as const;
const STATUSES: RiskRecord['status'][] = ['identified', 'analysed', 'analysed', 'treating', 'treated', 'closed'];

export interface SeedResult {
  systems: number;
  risks: number;
  revisions: number;
  controls: number;
  ms: number;
}

/**
 * Bulk-seeds a large organisation straight through the repositories (the same SQL as the API path),
 * in 1,000-row batches, each batch one transaction. Every risk has two revisions (create, assess).
 */
export async function seedBench(store: Store, opts: { systems: number; risks: number; onProgress?: (done: number, total: number) => void }): Promise<SeedResult> {
  const started = performance.now();
  const rand = rng(42);
  const rules = defaultRules();
  const actor = 'bench <prn_bench>';
  const at = new Date('2026-06-01T00:00:00Z');
  const classifications = TEMPLATES.map((t) => {
    const attrs = SystemAttributesSchema.parse({ name: 't', owner: 'o', ...t });
    return { attrs, classification: classify(attrs, rules) };
  });
  const systemIds: string[] = [];
  const thresholds: number[] = [];
  let controls = 0;
  for (let i = 0; i < opts.systems; i += 500) {
    const batch: SystemRecord[] = [];
    const ctl: ControlRecord[] = [];
    for (let k = i; k < Math.min(opts.systems, i + 500); k++) {
      const tpl = classifications[k % classifications.length]!;
      const iso = new Date(at.getTime() + k * 1000).toISOString();
      const id = newId('sys');
      const rec: SystemRecord = {
        ...tpl.attrs, id, name: `System ${k}`, owner: `Team ${k % 97}`, grade: tpl.classification.grade, euAiActTier: tpl.classification.euAiActTier,
        financeAutonomyLevel: tpl.classification.financeAutonomyLevel, obligations: tpl.classification.obligations, classification: tpl.classification,
        revision: 1, createdAt: iso, updatedAt: iso, createdBy: actor, updatedBy: actor,
      };
      batch.push(rec);
      systemIds.push(id);
      thresholds.push(rec.acceptabilityThreshold);
      const measures = [...new Set(tpl.classification.obligations.flatMap((o) => o.controlIds))];
      for (const [j, m] of measures.entries()) {
        const status = (['planned', 'in-progress', 'implemented', 'verified'] as const)[(j + k) % 4]!;
        ctl.push({ id: newId('ctl'), systemId: id, measureId: m, framework: frameworkOf(m), obligationIds: [], applicable: true, status, reason: null, owner: null, needsReverification: false, revision: 1, createdAt: iso, updatedAt: iso, updatedBy: actor });
      }
    }
    await store.tx(async (r) => {
      await r.systems.insert(batch);
      await r.controls.insert(ctl);
    });
    controls += ctl.length;
  }
  let revisions = 0;
  const BATCH = 1000;
  for (let i = 0; i < opts.risks; i += BATCH) {
    const batch: RiskRecord[] = [];
    for (let k = i; k < Math.min(opts.risks, i + BATCH); k++) {
      const sysIdx = Math.floor(rand() * systemIds.length);
      const impact: Impact = {};
      for (const d of DIMS) if (rand() < 0.45) impact[d] = 1 + Math.floor(rand() * 5);
      if (Object.keys(impact).length === 0) impact.legal = 3;
      const likelihood = 1 + Math.floor(rand() * 5);
      const evaluation = evaluateRisk({ likelihood, impact }, thresholds[sysIdx]!, rules);
      const created = new Date(at.getTime() + k * 1000);
      const review = new Date(created.getTime() + reviewIntervalDays(evaluation.priority, rules) * 86_400_000 * (rand() < 0.1 ? -1 : 1));
      const status = STATUSES[Math.floor(rand() * STATUSES.length)]!;
      batch.push({
        id: newId('rsk'), systemId: systemIds[sysIdx]!, title: `Risk ${k} of ${RISK_IDS[k % RISK_IDS.length]}`, description: null,
        taxonomyIds: [RISK_IDS[k % RISK_IDS.length]!], source: 'manual', status, analysis: { likelihood, impact }, evaluation,
        likelihood, impact: maxImpact(impact), score: evaluation.score, priority: evaluation.priority, acceptable: evaluation.acceptable,
        treatment: null, residual: null, nextReviewAt: review.toISOString(), needsReassessment: rand() < 0.02, revision: 2,
        createdAt: created.toISOString(), updatedAt: created.toISOString(), createdBy: actor, updatedBy: actor,
      });
    }
    await store.tx(async (r) => {
      await r.risks.insert(batch);
      await r.revisions.append('risk', batch.flatMap((risk): RevisionAppend[] => [
        { id: risk.id, revision: 1, at: risk.createdAt, actor, action: 'create', changes: { title: { from: null, to: risk.title } }, snapshot: { ...risk, revision: 1, analysis: null } },
        { id: risk.id, revision: 2, at: risk.createdAt, actor, action: 'assess', reason: 'bench', changes: { likelihood: { from: null, to: risk.likelihood } }, snapshot: risk },
      ]));
      const deltas = batch.map(heatCell).filter((c) => c !== null).map((c) => ({ ...c!, delta: 1 }));
      await r.risks.adjustHeat(deltas);
    });
    revisions += batch.length * 2;
    opts.onProgress?.(Math.min(opts.risks, i + BATCH), opts.risks);
  }
  return { systems: opts.systems, risks: opts.risks, revisions, controls, ms: Math.round(performance.now() - started) };
}
