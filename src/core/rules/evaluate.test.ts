import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis } from '../risk.ts';
import { defaultRules, evaluateRisk, reviewIntervalDays } from './index.ts';

const rules = defaultRules();

test('score = likelihood × max impact; acceptable = score <= threshold', () => {
  const e = evaluateRisk({ likelihood: 3, impact: { financial: 4, legal: 2 } }, 12, rules);
  assert.equal(e.impact, 4);
  assert.equal(e.score, 12);
  assert.equal(e.threshold, 12);
  assert.equal(e.acceptable, true);
  assert.equal(evaluateRisk({ likelihood: 3, impact: { financial: 4 } }, 11, rules).acceptable, false);
});

test('every priority rule is reachable and explained', () => {
  const cases: [string, Analysis, number, string][] = [
    ['prio.high.people-safety', { likelihood: 2, impact: { peopleSafety: 5 } }, 25, 'high'],
    ['prio.high.above-threshold', { likelihood: 3, impact: { financial: 3 } }, 8, 'high'],
    ['prio.high.severe-and-likely', { likelihood: 3, impact: { societal: 5 } }, 16, 'high'],
    ['prio.medium.near-threshold', { likelihood: 2, impact: { legal: 3 } }, 8, 'medium'],
    ['prio.medium.rare-but-severe', { likelihood: 1, impact: { financial: 5 } }, 12, 'medium'],
    ['prio.low.default', { likelihood: 1, impact: { reputation: 2 } }, 8, 'low'],
  ];
  const hit = new Set<string>();
  for (const [ruleId, analysis, threshold, priority] of cases) {
    const e = evaluateRisk(analysis, threshold, rules);
    assert.equal(e.ruleId, ruleId, JSON.stringify(analysis));
    assert.equal(e.priority, priority);
    assert.ok(e.because.en.includes(`priority ${priority} because`), e.because.en);
    assert.ok(e.because.zh.includes('优先级为'), e.because.zh);
    hit.add(e.ruleId);
  }
  assert.deepEqual([...hit].sort(), rules.riskEvaluation.priorityRules.map((r) => r.id).sort());
});

test('the reason states the score, the threshold and the matched condition', () => {
  const e = evaluateRisk({ likelihood: 3, impact: { financial: 3 } }, 8, rules);
  assert.equal(
    e.because.en,
    'score 9 = likelihood 3 × max impact 3, acceptability threshold 8; priority high because score/threshold ratio=1.13 (> 1) — above the acceptability threshold',
  );
  assert.match(e.because.zh, /^风险值 9 = 可能性 3 × 最大影响 3，可接受阈值 8；优先级为高，因为 风险值与阈值之比=1.13（>1）/);
  const ps = evaluateRisk({ likelihood: 2, impact: { peopleSafety: 5 } }, 25, rules);
  assert.match(ps.because.en, /people-safety impact=5 \(≥ 5\) and likelihood=2 \(≥ 2\)/);
  assert.equal(ps.acceptable, true, 'high priority yet within the threshold');
});

test('review intervals come from the rule file', () => {
  assert.equal(reviewIntervalDays('high', rules), 30);
  assert.equal(reviewIntervalDays('medium', rules), 90);
  assert.equal(reviewIntervalDays('low', rules), 180);
});

test('bad thresholds and empty impacts are rejected', () => {
  assert.throws(() => evaluateRisk({ likelihood: 2, impact: { legal: 2 } }, 0, rules), /threshold/);
  assert.throws(() => evaluateRisk({ likelihood: 2, impact: {} } as Analysis, 8, rules), /impact/);
});
