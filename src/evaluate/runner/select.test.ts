import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Case } from '../types.ts';
import { buildSelector } from './select.ts';

const cases: Case[] = Array.from({ length: 500 }, (_, i) => ({ id: `case-${i}`, prompt: `p${i}`, expect: 'answer' }) as Case);
async function* all(): AsyncIterable<Case> {
  yield* cases;
}

describe('sampling and sharding', () => {
  it('draws a sample of n from the whole suite, so its shards add up to the same n cases', async () => {
    const sample = { n: 37, seed: 'fixed' };
    const whole = await buildSelector(sample, undefined, all);
    const picked = new Set(cases.filter((c) => whole(c.id)).map((c) => c.id));
    assert.equal(picked.size, 37);
    const union = new Set<string>();
    for (let index = 0; index < 4; index++) {
      const sel = await buildSelector(sample, { index, count: 4 }, all);
      for (const c of cases) if (sel(c.id)) {
        assert.ok(!union.has(c.id), `${c.id} in two shards`);
        union.add(c.id);
      }
    }
    assert.deepEqual([...union].sort(), [...picked].sort());
  });
});
