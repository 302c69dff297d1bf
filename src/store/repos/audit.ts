import { canonicalJson, sha256Hex } from '../../core/canonical.ts';
import type { Queryable } from '../db.ts';
import { valuesList } from '../sql.ts';

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  payload: unknown;
  prevHash: string;
  hash: string;
}

export interface AuditAppend {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  payload: unknown;
}

/** The hash covers every field of the entry and the previous entry's hash: change any, and the chain breaks. */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(
    e.prevHash +
      '\n' +
      canonicalJson({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, entityType: e.entityType, entityId: e.entityId, payload: e.payload }),
  );
}

interface AuditRow {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  payload: unknown;
  prev_hash: string;
  hash: string;
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    payload: r.payload,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function auditRepo(q: Queryable) {
  return {
    /** Must run inside the transaction that made the change, so the entry and the change commit together. */
    async append(entries: AuditAppend[], at = new Date()): Promise<AuditEntry[]> {
      if (entries.length === 0) return [];
      const [head] = await q.query<{ seq: number; hash: string }>('select seq, hash from audit_head where id = 1 for update');
      let seq = Number(head!.seq);
      let prev = head!.hash;
      const out: AuditEntry[] = [];
      const iso = at.toISOString();
      for (const e of entries) {
        seq += 1;
        // Round-trip the payload through JSON so what we hash is exactly what jsonb will give back.
        const payload = JSON.parse(JSON.stringify(e.payload ?? {}));
        const base = { seq, at: iso, actor: e.actor, action: e.action, entityType: e.entityType, entityId: e.entityId, payload, prevHash: prev };
        const hash = entryHash(base);
        out.push({ ...base, hash });
        prev = hash;
      }
      const v = valuesList(
        out.map((e) => [e.seq, e.at, e.actor, e.action, e.entityType, e.entityId, JSON.stringify(e.payload), e.prevHash, e.hash]),
        [, , , , , , 'jsonb'],
      );
      await q.query(`insert into audit_log (seq, at, actor, action, entity_type, entity_id, payload, prev_hash, hash) values ${v.sql}`, v.params);
      await q.query('update audit_head set seq = $1, hash = $2 where id = 1', [seq, prev]);
      return out;
    },

    async list(opts: { entityType?: string; entityId?: string; afterSeq?: number; limit: number; descending?: boolean }): Promise<AuditEntry[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      if (opts.entityType) where.push(`entity_type = $${params.push(opts.entityType)}`);
      if (opts.entityId) where.push(`entity_id = $${params.push(opts.entityId)}`);
      if (opts.afterSeq !== undefined) where.push(opts.descending ? `seq < $${params.push(opts.afterSeq)}` : `seq > $${params.push(opts.afterSeq)}`);
      const rows = await q.query<AuditRow>(
        `select * from audit_log ${where.length ? 'where ' + where.join(' and ') : ''} order by seq ${opts.descending ? 'desc' : 'asc'} limit $${params.push(opts.limit)}`,
        params,
      );
      return rows.map(toEntry);
    },

    /** Walks the chain in batches; reports the first entry whose stored hash or link does not hold. */
    async verify(batch = 5000): Promise<{ ok: true; entries: number; head: string } | { ok: false; entries: number; brokenAt: number; reason: string }> {
      let prev = '0'.repeat(64);
      let expectedSeq = 1;
      let after = 0;
      for (;;) {
        const rows = await q.query<AuditRow>('select * from audit_log where seq > $1 order by seq asc limit $2', [after, batch]);
        for (const row of rows) {
          const e = toEntry(row);
          if (e.seq !== expectedSeq) return { ok: false, entries: expectedSeq - 1, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing (next present is ${e.seq})` };
          if (e.prevHash !== prev) return { ok: false, entries: e.seq - 1, brokenAt: e.seq, reason: `entry ${e.seq} does not link to the hash of entry ${e.seq - 1}` };
          const recomputed = entryHash(e);
          if (recomputed !== e.hash) return { ok: false, entries: e.seq - 1, brokenAt: e.seq, reason: `entry ${e.seq} was altered: its content no longer matches its hash` };
          prev = e.hash;
          expectedSeq += 1;
          after = e.seq;
        }
        if (rows.length < batch) break;
      }
      const [head] = await q.query<{ seq: number; hash: string }>('select seq, hash from audit_head where id = 1');
      if (Number(head!.seq) !== expectedSeq - 1 || head!.hash !== prev) {
        return { ok: false, entries: expectedSeq - 1, brokenAt: expectedSeq, reason: `the chain head says ${head!.seq} entries but ${expectedSeq - 1} were found: entries were deleted from the end` };
      }
      return { ok: true, entries: expectedSeq - 1, head: prev };
    },
  };
}
export type AuditRepo = ReturnType<typeof auditRepo>;
