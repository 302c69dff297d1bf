import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EvidenceInputSchema, type EvidenceInput } from '../evidence.ts';
import { defaultRules, evidenceEffects, type Effect, type EvidenceContext } from './index.ts';

const rules = defaultRules();
const ev = (kind: EvidenceInput['kind'], summary: object, subject = 'run-42'): EvidenceInput =>
  EvidenceInputSchema.parse({ kind, producer: kind === 'scan' ? 'scan' : kind === 'monitor-alert' ? 'monitor' : 'evaluate', systemId: 'sys_1', subject, summary });

// A miniature crosswalk and measure map, standing in for the taxonomy registry.
const ctx: EvidenceContext = {
  relatedRiskIds: (id) => (id.startsWith('gbt45654.A.1') ? ['tc260.3.2.1.a'] : id === 'owasp-llm-2025.LLM01' ? ['tc260.3.1.1.f'] : []),
  measuresFor: (id) => ({ 'tc260.3.2.1.a': ['tc260.4.2.1.a'], 'tc260.3.1.1.f': ['tc260.4.1.1.b'] })[id] ?? [],
  taxonomyName: (id) => (id === 'gbt45654.A.1.d' ? { zh: '宣扬恐怖主义、极端主义', en: 'Promoting terrorism or extremism' } : undefined),
};
const only = <T extends Effect['type']>(effects: Effect[], type: T) => effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);

test('failed category, miss > 20 points: raise likelihood to 5 (with a propose-risk fallback) and flag measures', () => {
  const effects = evidenceEffects(ev('evaluation', { categories: [{ taxonomyId: 'gbt45654.A.1.d', metric: 'refusal_rate', value: 0.7, threshold: 0.95, n: 300 }] }), ctx, rules);
  const [raise] = only(effects, 'raise-likelihood');
  assert.ok(raise);
  assert.equal(raise.ruleId, 'ev.category-failed-badly');
  assert.equal(raise.to, 5);
  assert.deepEqual(raise.taxonomyIds, ['tc260.3.2.1.a', 'gbt45654.A.1.d']);
  assert.equal(
    raise.because.en,
    'run-42: refusal_rate for Promoting terrorism or extremism was 70% against a threshold of 95% (higher is better), missed by 25 points (more than 20)',
  );
  assert.match(raise.because.zh, /run-42：宣扬恐怖主义、极端主义的refusal_rate为70%，阈值95%（越高越好），差距25个百分点/);
  assert.equal(raise.fallback.type, 'propose-risk');
  assert.equal(raise.fallback.likelihood, 5);
  assert.equal(raise.fallback.source, 'evaluation');
  assert.deepEqual(raise.fallback.impact, { legal: 4, reputation: 4, societal: 4 }, 'impact from gbt45654.A.1');
  assert.equal(raise.fallback.title.en, 'Failed evaluation: Promoting terrorism or extremism (refusal_rate)');
  const [flag] = only(effects, 'flag-controls');
  assert.deepEqual(flag?.controlIds, ['tc260.4.2.1.a']);
});

test('failed category by a smaller margin, lower-is-better metric: likelihood 4', () => {
  const effects = evidenceEffects(ev('evaluation', { categories: [{ taxonomyId: 'owasp-llm-2025.LLM01', metric: 'attack_success_rate', value: 0.12, threshold: 0.05 }] }), ctx, rules);
  const [raise] = only(effects, 'raise-likelihood');
  assert.equal(raise?.ruleId, 'ev.category-failed');
  assert.equal(raise?.to, 4);
  assert.match(raise!.because.en, /attack_success_rate for owasp-llm-2025.LLM01 was 12% against a threshold of 5% \(lower is better\), missed by 7 points/);
  assert.deepEqual(only(effects, 'flag-controls')[0]?.controlIds, ['tc260.4.1.1.b']);
  // Guardrail aggregates use the same category rules, with source runtime.
  const g = evidenceEffects(ev('guardrail', { categories: [{ taxonomyId: 'owasp-llm-2025.LLM01', metric: 'benign_block_rate', value: 0.3, threshold: 0.05 }] }), ctx, rules);
  assert.equal(only(g, 'raise-likelihood')[0]?.fallback.source, 'runtime');
  assert.equal(only(g, 'raise-likelihood')[0]?.to, 5);
});

test('producer-marked failure without a measurable gap', () => {
  const effects = evidenceEffects(ev('evaluation', { categories: [{ taxonomyId: 'ailuminate.ssh', metric: 'unsafe_share_custom', value: 3, passed: false }] }), {}, rules);
  const [raise] = only(effects, 'raise-likelihood');
  assert.equal(raise?.ruleId, 'ev.category-failed-unmeasured');
  assert.equal(raise?.to, 4);
  assert.deepEqual(raise?.taxonomyIds, ['ailuminate.ssh']);
  assert.equal(raise?.fallback.impact.peopleSafety, 5);
  assert.match(raise!.because.en, /threshold not given\); the producer marked it failed/);
  assert.equal(only(effects, 'flag-controls').length, 0, 'no measures known without a context');
});

test('passed category marks the measures for its risks verified; unknown outcome does nothing', () => {
  const effects = evidenceEffects(
    ev('evaluation', { categories: [
      { taxonomyId: 'gbt45654.A.1.a', metric: 'refusal_rate', value: 0.97, threshold: 0.95 },
      { taxonomyId: 'gbt45654.A.1.b', metric: 'some_score', value: 0.5 },
    ] }),
    ctx, rules,
  );
  assert.equal(effects.length, 1);
  const [mark] = only(effects, 'mark-controls');
  assert.equal(mark?.status, 'verified');
  assert.deepEqual(mark?.controlIds, ['tc260.4.2.1.a']);
  assert.equal(mark?.because.en, 'run-42: refusal_rate for gbt45654.A.1.a was 97%, meeting the threshold of 95% (higher is better)');
});

test('scan findings high/critical propose risks with likelihood from severity', () => {
  const effects = evidenceEffects(
    ev('scan', { findings: [
      { title: 'Ollama API exposed without authentication', severity: 'critical', location: '10.0.0.5:11434' },
      { title: 'Pickle model file with exec opcode', severity: 'high', taxonomyIds: ['owasp-llm-2025.LLM03'] },
      { title: 'Outdated library', severity: 'medium' },
    ] }, 'host 10.0.0.5'),
    ctx, rules,
  );
  const proposals = only(effects, 'propose-risk');
  assert.equal(proposals.length, 2);
  assert.equal(proposals[0]!.likelihood, 5);
  assert.equal(proposals[0]!.source, 'scan');
  assert.deepEqual(proposals[0]!.taxonomyIds, ['tc260.3.1.3.a'], 'fallback taxonomy for untagged findings');
  assert.equal(proposals[0]!.title.en, 'Scan finding: Ollama API exposed without authentication');
  assert.match(proposals[0]!.because.en, /host 10.0.0.5: scan found "Ollama API exposed without authentication" \(severity critical; location 10.0.0.5:11434\)/);
  assert.match(proposals[0]!.because.zh, /严重程度：严重/);
  assert.equal(proposals[1]!.likelihood, 4);
  assert.deepEqual(proposals[1]!.taxonomyIds, ['owasp-llm-2025.LLM03']);
});

test('controls claimed implemented or verified are marked', () => {
  const effects = evidenceEffects(
    EvidenceInputSchema.parse({ kind: 'policy', producer: 'guard', systemId: 'sys_1', subject: 'policy strict-cn', summary: { controlsImplemented: ['tc260.4.2.1.a', 'tc260.4.2.1.b'] } }),
    ctx, rules,
  );
  assert.deepEqual(effects.map((e) => e.type), ['mark-controls']);
  const [m] = only(effects, 'mark-controls');
  assert.equal(m?.status, 'implemented');
  assert.deepEqual(m?.controlIds, ['tc260.4.2.1.a', 'tc260.4.2.1.b']);
  assert.equal(m?.because.en, 'policy strict-cn (policy from guard) reports these controls in place: tc260.4.2.1.a, tc260.4.2.1.b');
  const att = evidenceEffects(
    EvidenceInputSchema.parse({ kind: 'attestation', producer: 'manual', systemId: 'sys_1', subject: 'DPO review 2025-Q3', summary: { controlsVerified: ['tc260.5.3'] } }),
    ctx, rules,
  );
  assert.equal(only(att, 'mark-controls')[0]?.status, 'verified');
  assert.match(only(att, 'mark-controls')[0]!.because.zh, /DPO review 2025-Q3（人工证明，来自manual）确认控制措施有效：tc260.5.3/);
});

test('a control verified and flagged by the same evidence is only flagged', () => {
  const effects = evidenceEffects(
    ev('evaluation', {
      controlsVerified: ['tc260.4.2.1.a', 'tc260.5.1'],
      categories: [{ taxonomyId: 'gbt45654.A.1.d', metric: 'refusal_rate', value: 0.9, threshold: 0.95 }],
    }),
    ctx, rules,
  );
  const marks = only(effects, 'mark-controls');
  assert.deepEqual(marks.map((m) => m.controlIds), [['tc260.5.1']]);
  assert.deepEqual(only(effects, 'flag-controls')[0]?.controlIds, ['tc260.4.2.1.a']);
  assert.equal(effects[0]!.type, 'mark-controls', 'evidence-level claims come first');
});

test('monitor alerts: high/critical open an incident, medium proposes a runtime risk', () => {
  const effects = evidenceEffects(
    ev('monitor-alert', { findings: [
      { title: 'Jailbreak attempts spiking', severity: 'critical', taxonomyIds: ['owasp-llm-2025.LLM01'] },
      { title: 'Latency drift', severity: 'medium' },
      { title: 'FYI', severity: 'info' },
    ] }, 'alert #7'),
    ctx, rules,
  );
  const [inc] = only(effects, 'open-incident');
  assert.equal(inc?.severity, 'critical');
  assert.equal(inc?.title.en, 'Monitoring alert: Jailbreak attempts spiking');
  assert.deepEqual(inc?.taxonomyIds, ['tc260.3.1.1.f', 'owasp-llm-2025.LLM01']);
  assert.equal(inc?.because.en, 'alert #7: monitoring raised the alert "Jailbreak attempts spiking" (severity critical)');
  const [p] = only(effects, 'propose-risk');
  assert.equal(p?.likelihood, 3);
  assert.equal(p?.source, 'runtime');
  assert.equal(effects.length, 2);
});

test('every evidence rule fires in at least one of the cases above', () => {
  const samples = [
    ev('evaluation', { categories: [
      { taxonomyId: 'gbt45654.A.1.d', metric: 'refusal_rate', value: 0.5, threshold: 0.95 },
      { taxonomyId: 'gbt45654.A.1.d', metric: 'refusal_rate', value: 0.9, threshold: 0.95 },
      { taxonomyId: 'gbt45654.A.1.d', metric: 'x', value: 1, passed: false },
      { taxonomyId: 'owasp-llm-2025.LLM01', metric: 'attack_success_rate', value: 0, threshold: 0.05 },
    ], controlsImplemented: ['tc260.5.2'], controlsVerified: ['tc260.5.3'] }),
    ev('scan', { findings: [{ title: 'x', severity: 'high' }] }),
    ev('monitor-alert', { findings: [{ title: 'x', severity: 'high' }, { title: 'y', severity: 'medium' }] }),
  ];
  const fired = new Set(samples.flatMap((s) => evidenceEffects(s, ctx, rules).map((e) => e.ruleId)));
  assert.deepEqual([...fired].sort(), rules.evidence.rules.map((r) => r.id).sort());
});
