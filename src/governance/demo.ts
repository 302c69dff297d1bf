import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Actor } from './context.ts';
import type { Governance } from './index.ts';

const DEMO_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../data/demo/organisation.yaml');

interface DemoRisk {
  title: string;
  taxonomyIds: string[];
  likelihood: number;
  impact: Record<string, number>;
  treat?: { strategy: string; owner: string; dueInDays: number; plan?: string; justification?: string };
  residual?: { likelihood: number; impact: Record<string, number> };
}
interface DemoFile {
  systems: { key: string; attributes: Record<string, unknown>; risks: DemoRisk[]; evidence: Record<string, unknown>[] }[];
}

/**
 * Seeds the demo organisation through the governance API itself (so the demo exercises the same
 * rules as real use). Only on an empty store: it never mixes demo data into real data.
 */
export async function seedDemo(gov: Governance, actor: Actor = { id: 'demo', name: 'demo-seed', role: 'admin' }): Promise<{ seeded: boolean; systems: number; risks: number; evidence: number }> {
  const existing = await gov.deps.store.read.systems.list({ limit: 1 });
  if (existing.length) return { seeded: false, systems: 0, risks: 0, evidence: 0 };
  const demo = parseYaml(readFileSync(DEMO_FILE, 'utf8')) as DemoFile;
  let risks = 0;
  let evidence = 0;
  for (const s of demo.systems) {
    const system = await gov.systems.create(s.attributes, actor);
    const controls = await gov.deps.store.read.controls.forSystem(system.id);
    // A realistic spread of control progress: early measures implemented, some in progress.
    for (const [i, c] of controls.entries()) {
      if (i % 3 === 0) await gov.controls.set(c.id, { status: 'implemented', reason: 'in place since go-live' }, actor);
      else if (i % 3 === 1) await gov.controls.set(c.id, { status: 'in-progress' }, actor);
    }
    for (const r of s.risks) {
      const risk = await gov.risks.create({ systemId: system.id, title: r.title, taxonomyIds: r.taxonomyIds, likelihood: r.likelihood, impact: r.impact, reason: 'initial risk workshop' }, actor);
      risks++;
      if (r.treat) {
        const due = new Date(Date.now() + r.treat.dueInDays * 86_400_000).toISOString().slice(0, 10);
        const linked = controls.slice(0, 2).map((c) => c.id);
        await gov.risks.treat(risk.id, { strategy: r.treat.strategy, owner: r.treat.owner, dueDate: due, controlIds: linked, plan: r.treat.plan, justification: r.treat.justification, reason: 'agreed at the risk committee' }, actor);
        if (r.residual) await gov.risks.residual(risk.id, { ...r.residual, reason: 'treatment completed and re-assessed' }, actor);
      }
    }
    await gov.risks.acceptSuggestions(system.id, { reason: 'taxonomy-based suggestions for review' }, actor);
    for (const e of s.evidence) {
      await gov.recordEvidence({ ...e, systemId: system.id }, actor);
      evidence++;
    }
  }
  return { seeded: true, systems: demo.systems.length, risks, evidence };
}
