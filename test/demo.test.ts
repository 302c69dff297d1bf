import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.ts';

describe('start --demo', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ demo: true });
  });
  after(async () => s?.cleanup());

  it('seeds a realistic organisation whose evidence already moved risks and controls', async () => {
    const systems = (await s.api('GET', '/api/systems')).body.items;
    assert.equal(systems.length, 4);
    const byDomain = Object.fromEntries(systems.map((x: any) => [x.domain, x]));
    assert.ok(byDomain.finance && byDomain.medical && byDomain['software-engineering'] && byDomain.social);
    assert.ok(['high', 'critical'].includes(byDomain.finance.grade));
    assert.ok(['high', 'critical'].includes(byDomain.social.grade));
    assert.ok(['low', 'medium'].includes(byDomain['software-engineering'].grade));
    const risks = (await s.api('GET', '/api/risks?limit=500')).body.items;
    assert.ok(risks.length >= 11);
    assert.ok(risks.some((r: any) => r.status === 'treated'));
    assert.ok(risks.some((r: any) => r.status === 'accepted'));
    assert.ok(risks.some((r: any) => r.source === 'suggestion'));
    const evidence = (await s.api('GET', '/api/evidence?limit=50')).body.items;
    assert.equal(evidence.length, 6);
    assert.ok(evidence.every((e: any) => e.effects.length > 0), 'each demo evidence record had an effect');
    const incidents = (await s.api('GET', '/api/incidents')).body.items;
    assert.equal(incidents.length, 1, 'the monitor alert opened an incident');
    const dash = (await s.api('GET', '/api/dashboard')).body;
    assert.ok(dash.heatMap.flat().reduce((a: number, b: number) => a + b, 0) > 0);
    assert.ok(dash.coverage.length >= 2);
    assert.equal((await s.api('GET', '/api/audit/verify')).body.ok, true);
  });
});
