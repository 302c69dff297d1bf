import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { bankSystem, startTestServer, type TestServer } from './helpers.ts';

/** The whole risk loop over real HTTP on the real store (PGlite, or PostgreSQL when configured). */
describe('governance API', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s?.cleanup();
  });

  it('serves /healthz without a token and writes the admin token with mode 600', async () => {
    const h = await fetch(`${s.url}/healthz`);
    assert.equal(h.status, 200);
    assert.equal(statSync(s.adminTokenPath).mode & 0o777, 0o600);
    assert.match(s.token, /^zh_[A-Za-z0-9_-]{40,}$/);
  });

  it('distinguishes 401 (no or bad token) from 403 (role lacks permission)', async () => {
    assert.equal((await s.api('GET', '/api/systems', undefined, null)).status, 401);
    assert.equal((await s.api('GET', '/api/systems', undefined, 'zh_wrong')).status, 401);
    const t = await s.api('POST', '/api/tokens', { name: 'aud', role: 'auditor' });
    assert.equal(t.status, 201);
    const auditor = t.body.token as string;
    assert.equal((await s.api('GET', '/api/systems', undefined, auditor)).status, 200);
    const denied = await s.api('POST', '/api/systems', bankSystem, auditor);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'forbidden');
    // Revoked tokens stop working.
    assert.equal((await s.api('DELETE', `/api/tokens/${t.body.info.id}`)).status, 200);
    assert.equal((await s.api('GET', '/api/systems', undefined, auditor)).status, 401);
  });

  it('lists taxonomies and items with stable ids', async () => {
    const all = await s.api('GET', '/api/taxonomies');
    assert.equal(all.status, 200);
    const ids = all.body.items.map((t: any) => t.id);
    for (const id of ['tc260', 'gbt45654', 'ailuminate', 'owasp-llm-2025', 'nist-rmf', 'iso42001', 'eu-ai-act']) assert.ok(ids.includes(id), id);
    const tc = await s.api('GET', '/api/taxonomies/tc260');
    assert.ok(tc.body.items.some((i: any) => i.id === 'tc260.3.1.1.b' && i.name.zh && i.name.en));
    const gb = await s.api('GET', '/api/taxonomies/gbt45654');
    assert.ok(gb.body.items.some((i: any) => i.id === 'gbt45654.A.1'));
  });

  let systemId = '';
  let riskId = '';
  it('registers a system and derives grade and obligations with reasons', async () => {
    const r = await s.api('POST', '/api/systems', bankSystem);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    systemId = r.body.id;
    assert.match(systemId, /^sys_/);
    assert.ok(['high', 'critical'].includes(r.body.grade), r.body.grade);
    assert.ok(r.body.obligations.length > 0);
    assert.ok(r.body.classification.gradeReasons[0].because.en.includes('finance'));
    assert.ok(r.body.obligations.every((o: any) => o.reason.ruleId && o.reason.because.zh));
    assert.ok(r.body.financeAutonomyLevel);
    const controls = await s.api('GET', `/api/controls?systemId=${systemId}&limit=500`);
    assert.ok(controls.body.items.length > 0, 'controls instantiated from obligations');
  });

  it('runs the risk loop: add → assess → treat → residual → review, with a full history', async () => {
    const heat0 = (await s.api('GET', '/api/heatmap')).body;
    const add = await s.api('POST', '/api/risks', { systemId, taxonomyIds: ['tc260.3.1.1.e'], title: 'Hallucinated interest rates', likelihood: 4, impact: { financial: 4, legal: 3 } });
    assert.equal(add.status, 201, JSON.stringify(add.body));
    riskId = add.body.id;
    assert.equal(add.body.priority, 'high');
    assert.equal(add.body.score, 16);
    const heat1 = (await s.api('GET', '/api/heatmap')).body;
    assert.equal(heat1.cells[3][3], heat0.cells[3][3] + 1, 'heat map cell (L4, I4) grows by one');

    const assess = await s.api('POST', `/api/risks/${riskId}/assess`, { likelihood: 2, impact: { financial: 3 }, reason: 'rates now come from the product table' });
    assert.equal(assess.status, 200);
    assert.equal(assess.body.score, 6);
    assert.equal(assess.body.priority === 'high', false);

    const acceptNoWhy = await s.api('POST', `/api/risks/${riskId}/treat`, { strategy: 'accept', owner: 'CRO', dueDate: '2027-01-31' });
    assert.equal(acceptNoWhy.status, 400);
    assert.equal(acceptNoWhy.body.error.field, 'justification');

    const controls = (await s.api('GET', `/api/controls?systemId=${systemId}&limit=5`)).body.items;
    const treat = await s.api('POST', `/api/risks/${riskId}/treat`, { strategy: 'mitigate', owner: 'CRO', dueDate: '2027-01-31', controlIds: [controls[0].id] });
    assert.equal(treat.status, 200, JSON.stringify(treat.body));
    assert.equal(treat.body.status, 'treating');

    const residual = await s.api('POST', `/api/risks/${riskId}/residual`, { likelihood: 1, impact: { financial: 2 } });
    assert.equal(residual.status, 200);
    assert.equal(residual.body.status, 'treated');
    assert.equal(residual.body.residualAcceptable, true);

    const review = await s.api('POST', `/api/risks/${riskId}/review`, { outcome: 'unchanged', notes: 'quarterly review' });
    assert.equal(review.status, 200);
    assert.ok(review.body.nextReviewAt > new Date().toISOString());

    const hist = await s.api('GET', `/api/risks/${riskId}/history`);
    assert.deepEqual(hist.body.items.map((r: any) => r.action), ['create', 'assess', 'treat', 'residual', 'review']);
    assert.equal(hist.body.items[1].reason, 'rates now come from the product table');
    assert.deepEqual(hist.body.items[1].changes.likelihood, { from: 4, to: 2 });
    assert.ok(hist.body.items.every((r: any) => r.actor.startsWith('admin')));
  });

  it('filters and paginates the register, including overdue reviews', async () => {
    const r = await s.api('GET', `/api/risks?systemId=${systemId}&taxonomy=tc260.3.1.1.e&total=true&limit=1`);
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 1);
    const past = await s.api('POST', '/api/risks', { systemId, taxonomyIds: ['tc260.3.1.1.f'], title: 'Injection', likelihood: 3, impact: { legal: 3 } });
    await s.api('POST', `/api/risks/${past.body.id}/review`, { outcome: 'unchanged', nextReviewAt: '2020-01-01T00:00:00Z' });
    const overdue = await s.api('GET', '/api/risks?overdue=true');
    assert.ok(overdue.body.items.some((x: any) => x.id === past.body.id));
    assert.ok(!overdue.body.items.some((x: any) => x.id === riskId));
    const bad = await s.api('GET', '/api/risks?priority=urgent');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'query.priority');
  });

  it('turns evidence into risk and control changes through the rule table', async () => {
    const before = (await s.api('GET', `/api/risks?systemId=${systemId}&limit=500`)).body.items.length;
    const ev = await s.api('POST', '/api/evidence', {
      kind: 'evaluation', producer: 'evaluate', systemId, subject: 'run test-1',
      summary: { categories: [
        { taxonomyId: 'tc260.3.2.1.a', metric: 'refusal_rate', value: 0.6, threshold: 0.95, passed: false, n: 200 },
        { taxonomyId: 'tc260.3.1.1.e', metric: 'accuracy', value: 0.97, threshold: 0.9, passed: true, n: 200 },
      ] },
    });
    assert.equal(ev.status, 201, JSON.stringify(ev.body));
    assert.ok(ev.body.effects.length >= 1);
    assert.ok(ev.body.links.some((l: any) => l.targetType === 'risk'));
    const afterRisks = (await s.api('GET', `/api/risks?systemId=${systemId}&limit=500`)).body.items;
    assert.ok(afterRisks.length > before, 'a failing category proposes a risk');
    assert.ok(afterRisks.some((r: any) => r.source === 'evaluation' && r.taxonomyIds.includes('tc260.3.2.1.a')));
    const dup = await s.api('POST', '/api/evidence', {
      kind: 'evaluation', producer: 'evaluate', systemId, subject: 'run test-1',
      summary: { categories: [
        { taxonomyId: 'tc260.3.2.1.a', metric: 'refusal_rate', value: 0.6, threshold: 0.95, passed: false, n: 200 },
        { taxonomyId: 'tc260.3.1.1.e', metric: 'accuracy', value: 0.97, threshold: 0.9, passed: true, n: 200 },
      ] },
    });
    assert.equal(dup.body.duplicate, true);
    assert.equal(dup.body.id, ev.body.id);
    const g = await s.api('POST', '/api/evidence', { kind: 'guardrail', producer: 'gateway', systemId, subject: 'policy default', summary: { controlsImplemented: ['tc260.4.2.1.a'] } });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    const ctl = (await s.api('GET', `/api/controls?systemId=${systemId}&measureId=tc260.4.2.1.a`)).body.items;
    if (ctl.length) assert.ok(['implemented', 'verified'].includes(ctl[0].status));
  });

  it('controls: not-applicable needs a reason; coverage per framework', async () => {
    const c = (await s.api('GET', `/api/controls?systemId=${systemId}&limit=1`)).body.items[0];
    const noReason = await s.api('POST', `/api/controls/${c.id}/status`, { status: 'not-applicable' });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.field, 'reason');
    const ok = await s.api('POST', `/api/controls/${c.id}/status`, { status: 'verified', reason: 'tested' });
    assert.equal(ok.status, 200);
    const cov = await s.api('GET', `/api/controls/coverage?systemId=${systemId}`);
    const fw = cov.body.items.find((x: any) => x.framework === c.framework);
    assert.ok(fw.verified >= 1);
    assert.ok(fw.verifiedPct > 0);
  });

  it('a major change flags open risks for re-assessment and controls for re-verification', async () => {
    const r = await s.api('PATCH', `/api/systems/${systemId}`, { population: 'minors', reason: 'teen accounts launched' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.majorChange, ['population']);
    const flagged = await s.api('GET', `/api/risks?systemId=${systemId}&needsReassessment=true&limit=500`);
    assert.ok(flagged.body.items.length >= 1);
    const reverify = await s.api('GET', `/api/controls?systemId=${systemId}&needsReverification=true`);
    assert.ok(reverify.body.items.length >= 1);
  });

  it('rejects bad input with the field path and writes nothing', async () => {
    const count = async () => (await s.api('GET', `/api/risks?systemId=${systemId}&total=true&limit=1`)).body.total;
    const n0 = await count();
    const malformed = await s.api('POST', '/api/risks', '{"systemId": ');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'bad_request');
    const unknownTax = await s.api('POST', '/api/risks', { systemId, taxonomyIds: ['tc260.3.1.1.e', 'tc999.x'], title: 'x', likelihood: 2, impact: { legal: 2 } });
    assert.equal(unknownTax.status, 400);
    assert.equal(unknownTax.body.error.field, 'taxonomyIds[1]');
    const range = await s.api('POST', '/api/risks', { systemId, taxonomyIds: ['tc260.3.1.1.e'], title: 'x', likelihood: 6, impact: { legal: 2 } });
    assert.equal(range.status, 400);
    assert.equal(range.body.error.field, 'likelihood');
    const impactRange = await s.api('POST', '/api/risks', { systemId, taxonomyIds: ['tc260.3.1.1.e'], title: 'x', likelihood: 2, impact: { legal: 0 } });
    assert.equal(impactRange.body.error.field, 'impact.legal');
    const unknownField = await s.api('POST', '/api/risks', { systemId, taxonomyIds: ['tc260.3.1.1.e'], title: 'x', colour: 'red' });
    assert.equal(unknownField.status, 400);
    assert.equal(unknownField.body.error.field, 'colour');
    const big = await s.api('POST', '/api/risks', JSON.stringify({ systemId, taxonomyIds: ['tc260.3.1.1.e'], title: 'x', description: 'a'.repeat(2_000_000) }));
    assert.equal(big.status, 400);
    assert.equal(big.body.error.code, 'payload_too_large');
    const badEnum = await s.api('POST', '/api/systems', { ...bankSystem, domain: 'astrology' });
    assert.equal(badEnum.body.error.field, 'domain');
    assert.match(badEnum.body.error.allowed, /finance/);
    // An evidence record naming one unknown taxonomy id is refused whole.
    const ev = await s.api('POST', '/api/evidence', { kind: 'evaluation', producer: 'evaluate', systemId, subject: 'bad', summary: { categories: [{ taxonomyId: 'tc260.3.2.1.a', metric: 'refusal_rate', value: 0.1, passed: false }, { taxonomyId: 'nope', metric: 'x', value: 1 }] } });
    assert.equal(ev.body.error.field, 'summary.categories[1].taxonomyId');
    assert.equal(await count(), n0);
  });

  it('publishes the OpenAPI document and keeps the audit chain intact', async () => {
    const doc = await s.api('GET', '/api/openapi.json', undefined, null);
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths['/api/risks/{id}/history']);
    assert.ok(doc.body.paths['/api/systems'].post.requestBody);
    const ex = await fetch(`${s.url}/api/export`, { headers: { authorization: `Bearer ${s.token}` } });
    assert.equal(ex.status, 200);
    const lines = (await ex.text()).trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].format, 'zongheng-export');
    assert.equal(lines.at(-1).trailer, true);
    assert.ok(lines.some((l) => l.t === 'risks'));
    const v = await s.api('GET', '/api/audit/verify');
    assert.equal(v.body.ok, true);
    assert.ok(v.body.entries > 10);
  });
});
