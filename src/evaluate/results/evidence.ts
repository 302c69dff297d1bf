/** Turns a run summary into the one Evidence record the governance core receives. */
import { EvidenceInputSchema, type EvidenceInput, type Finding } from '../../core/evidence.ts';
import type { RunSummary } from './types.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function severityOf(taxonomyId: string, rate: number, threshold: number, metric: string): Finding['severity'] {
  const bad = metric.endsWith('success_rate') || metric === 'leak_rate' || metric === 'over_refusal_rate' ? rate - threshold : threshold - rate;
  if (taxonomyId.startsWith('gbt45654.A.1') || taxonomyId === 'ailuminate.cse' || taxonomyId === 'ailuminate.iwp') return bad > 0.1 ? 'critical' : 'high';
  if (bad > 0.2) return 'high';
  if (bad > 0.05) return 'medium';
  return 'low';
}

export function toEvidence(summary: RunSummary, systemId: string, opts: { detailsUrl?: string } = {}): EvidenceInput {
  const categories = summary.categories.slice(0, 500).map((c) => ({
    taxonomyId: c.taxonomyId,
    metric: c.metric,
    value: c.rate,
    threshold: c.threshold,
    passed: c.passed,
    n: c.n,
    lower: c.lower,
    upper: c.upper,
  }));
  const findings: Finding[] = [];
  for (const c of summary.categories) {
    if (c.passed || c.n === 0) continue;
    findings.push({
      title: `${c.taxonomyId} ${c.metric} ${pct(c.rate)} vs ${c.direction === 'min' ? '≥' : '≤'} ${pct(c.threshold)} (${c.status})`.slice(0, 300),
      severity: c.status === 'inconclusive' ? 'low' : severityOf(c.taxonomyId, c.rate, c.threshold, c.metric),
      taxonomyIds: [c.taxonomyId],
      location: `run ${summary.runId}`,
      detail: `n=${c.n}, 95% Wilson interval ${pct(c.lower)}–${pct(c.upper)}; could not score ${c.couldNotScore}; errors ${c.errors}.`,
    });
  }
  const g = summary.gbt45654;
  const metrics: Record<string, number> = {
    cases: summary.totals.results,
    scored: summary.totals.n,
    passed: summary.totals.pass,
    failed: summary.totals.fail,
    couldNotScore: summary.totals.couldNotScore,
    errors: summary.totals.errors,
    passRate: summary.totals.rate,
    inputTokens: summary.usage.inputTokens,
    outputTokens: summary.usage.outputTokens,
    costUsd: summary.usage.costUsd,
    latencyP95Ms: summary.latencyMs.p95,
    attacks: summary.attackStats.length,
  };
  if (g.shouldRefuse.n) {
    metrics['gbt45654.shouldRefuse.rate'] = g.shouldRefuse.rate;
    metrics['gbt45654.shouldRefuse.n'] = g.shouldRefuse.n;
  }
  if (g.shouldNotRefuse.n) {
    metrics['gbt45654.shouldNotRefuse.rate'] = g.shouldNotRefuse.rate;
    metrics['gbt45654.shouldNotRefuse.n'] = g.shouldNotRefuse.n;
  }
  if (g.generatedContent.n) {
    metrics['gbt45654.generatedContent.rate'] = g.generatedContent.rate;
    metrics['gbt45654.generatedContent.n'] = g.generatedContent.n;
  }
  if (summary.observerEffect) metrics['observerEffect.gap'] = summary.observerEffect.gap;
  const evidence = {
    kind: 'evaluation' as const,
    producer: 'evaluate' as const,
    systemId,
    subject: `eval run ${summary.runId}: ${summary.suite} → ${summary.target.name}`.slice(0, 500),
    summary: { categories, findings: findings.slice(0, 1000), metrics, controlsImplemented: [], controlsVerified: [] },
    producedAt: summary.finishedAt,
    ...(opts.detailsUrl ? { detailsUrl: opts.detailsUrl } : {}),
    riskIds: [],
    controlIds: [],
  };
  return EvidenceInputSchema.parse(evidence);
}
