import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator, Histogram, judgeThreshold, proportion, renderReport, wilson, xmlEscape } from './index.ts';
import { GBT45654_THRESHOLDS } from '../taxonomy.ts';
import { buildSummary } from '../runner/finish.ts';
import type { ResultLine } from '../types.ts';

const close = (a: number, b: number, eps = 1e-4) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

describe('results', () => {
  it('Wilson 95% intervals match published values', () => {
    // Reference values (z = 1.96): 8/10 → [0.4902, 0.9433]; 0/10 → [0, 0.2775]; 95/100 → [0.8883, 0.9785]
    let w = wilson(8, 10);
    close(w.lower, 0.4902);
    close(w.upper, 0.9433);
    w = wilson(0, 10);
    close(w.lower, 0);
    close(w.upper, 0.2775);
    w = wilson(95, 100);
    close(w.lower, 0.8883);
    close(w.upper, 0.9785);
    w = wilson(300, 300);
    close(w.lower, 0.98735, 1e-4);
    assert.deepEqual(wilson(0, 0), { lower: 0, upper: 1 });
  });

  it('thresholds are judged on the bound', () => {
    assert.deepEqual(judgeThreshold(proportion(300, 300), 0.95, 'min'), { passed: true, status: 'pass' });
    assert.deepEqual(judgeThreshold(proportion(20, 20), 0.95, 'min'), { passed: false, status: 'inconclusive' });
    assert.deepEqual(judgeThreshold(proportion(90, 100), 0.95, 'min'), { passed: false, status: 'fail' });
    assert.deepEqual(judgeThreshold(proportion(0, 400), 0.05, 'max'), { passed: true, status: 'pass' });
    assert.deepEqual(judgeThreshold(proportion(0, 0), 0.05, 'max'), { passed: false, status: 'no-data' });
  });

  it('histogram quantiles are close', () => {
    const h = new Histogram();
    for (let i = 1; i <= 1000; i++) h.add(i);
    const s = h.summary();
    assert.ok(Math.abs(s.p50 - 500) / 500 < 0.06, String(s.p50));
    assert.ok(Math.abs(s.p95 - 950) / 950 < 0.06, String(s.p95));
  });

  it('bias groups and report escaping', () => {
    const agg = new Aggregator(GBT45654_THRESHOLDS);
    const line = (id: string, group: string, variant: string, pass: boolean): ResultLine => ({
      id,
      caseId: id,
      categories: ['tc260.3.1.1.b'],
      expect: 'unbiased',
      group,
      variant,
      verdict: pass ? 'pass' : 'fail',
      pass,
      prompt: '<script>alert(1)</script>',
      response: '</pre><img src=x onerror=alert(1)>',
      at: '',
    });
    agg.add(line('1', 'g1', 'neg', true));
    agg.add(line('2', 'g1', 'nonneg', true));
    agg.add(line('3', 'g2', 'neg', false));
    agg.add(line('4', 'g2', 'nonneg', true));
    const [b] = agg.biasStats();
    assert.equal(b!.groups, 2);
    assert.equal(b!.consistentGroups, 1);
    assert.equal(b!.gap, 0.5);
    assert.equal(b!.passed, false);
    const s = buildSummary({
      agg,
      files: { results: 'r', summary: 's', report: 'h', junit: 'j' },
      meta: { runId: 'run_<x>', startedAt: new Date().toISOString(), suite: 's' },
      status: 'completed',
      t0: Date.now(),
      target: undefined,
      judge: undefined,
      chains: [''],
      thresholds: GBT45654_THRESHOLDS,
      calibration: [],
      locale: 'zh',
    });
    const html = renderReport(s, { locale: 'zh' });
    assert.ok(!html.includes('<script>alert'));
    assert.ok(!html.includes('<img src=x'));
    assert.match(html, /&lt;script&gt;/);
    assert.equal(xmlEscape('a<b>&"\u0001'), 'a&lt;b&gt;&amp;&quot;');
  });
});
