// The decision sink writes batches through jsonb_to_recordset; rows must read back exactly as the
// store's own insert writes them (arrays, jsonb, nulls, non-ASCII content), stay idempotent by id,
// and fall back to the store's insert when the fast statement fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decisionSink } from '../src/gateway/decision-sink.ts';
import { openStore, type GatewayDecision } from '../src/store/index.ts';

const dec = (i: number, extra: Partial<GatewayDecision> = {}): GatewayDecision => ({
  id: `dec_sink_${i}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), requestId: `req_${i}`, keyId: 'key_1', systemId: 'sys_1',
  policy: 'default@3', upstream: 'up', direction: i % 2 ? 'output' : 'input', action: i % 3 ? 'allow' : 'block',
  categories: i % 3 ? [] : ['gbt45654.A.1.h', 'owasp-llm-2025.LLM01'], contentSha256: 'ab'.repeat(32),
  scanners: [{ name: 'keyword', action: 'allow', ms: 0.012 }, { name: 'classifier:injection', action: i % 3 ? 'allow' : 'block', ms: 0.25 }],
  guardMs: 0.3, upstreamMs: i % 2 ? 12.5 : null, content: i % 4 ? null : `内容 ${i} "quoted" \\ 😀`, ...extra,
});

describe('gateway decision sink', () => {
  it('writes what the store insert writes, idempotently', async () => {
    const store = await openStore({ memory: true });
    try {
      const sink = decisionSink(store);
      const batch = Array.from({ length: 40 }, (_, i) => dec(i));
      await sink.insert(batch);
      await sink.insert(batch.slice(0, 10)); // replayed rows are not counted twice
      assert.equal(sink.fallbacks, 0);
      assert.equal(await store.read.gateway.countDecisions(), 40);
      const viaSink = await store.read.gateway.listDecisions({ limit: 100, offset: 0 });
      // the same rows written by the store's own insert read back identically
      const other = await openStore({ memory: true });
      try {
        await other.read.gateway.insertDecisions(batch);
        assert.deepEqual(viaSink, await other.read.gateway.listDecisions({ limit: 100, offset: 0 }));
      } finally { await other.close(); }
    } finally { await store.close(); }
  });

  it('falls back to the store insert when the fast statement fails', async () => {
    const store = await openStore({ memory: true });
    try {
      const failing = { read: store.read, db: { ...store.db, query: async () => { throw new Error('no jsonb_to_recordset here'); } } } as unknown as typeof store;
      const sink = decisionSink(failing);
      await sink.insert([dec(1), dec(2)]);
      assert.equal(sink.fallbacks, 1);
      assert.equal(await store.read.gateway.countDecisions(), 2);
    } finally { await store.close(); }
  });
});
