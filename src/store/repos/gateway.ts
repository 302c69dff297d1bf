import type { Queryable } from '../db.ts';

/** Gateway tables (migration 002): upstreams, policies with revisions, application keys, decisions, confirmations. */

export interface GatewayKeyRecord {
  id: string;
  prefix: string;
  systemId: string;
  policy: string;
  upstream: string;
  rpm: number;
  label: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface GatewayPolicyRow {
  name: string;
  yaml: string;
  revision: number;
  deleted: boolean;
  updatedAt: string;
  updatedBy: string;
}

export interface GatewayUpstreamRow {
  name: string;
  spec: Record<string, unknown>;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

export interface GatewayDecision {
  id: string;
  at: string;
  requestId: string;
  keyId: string | null;
  systemId: string | null;
  policy: string | null;
  upstream: string | null;
  direction: 'input' | 'output' | 'tool';
  action: string;
  categories: string[];
  contentSha256: string | null;
  /** Per scanner: name, action, ms (never findings' values). */
  scanners: { name: string; action: string; ms: number }[];
  guardMs: number | null;
  upstreamMs: number | null;
  content: string | null;
}

export type ConfirmationStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'consumed';
export interface ConfirmationRecord {
  id: string;
  status: ConfirmationStatus;
  keyId: string;
  systemId: string;
  requestId: string;
  toolName: string;
  argumentsSha256: string;
  arguments: string | null;
  rule: string;
  reason: { zh: string; en: string };
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  note: string | null;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function toKey(r: any): GatewayKeyRecord {
  return {
    id: r.id, prefix: r.prefix, systemId: r.system_id, policy: r.policy, upstream: r.upstream, rpm: r.rpm, label: r.label,
    createdAt: iso(r.created_at)!, createdBy: r.created_by, revokedAt: iso(r.revoked_at), lastUsedAt: iso(r.last_used_at),
  };
}
function toConfirmation(r: any): ConfirmationRecord {
  return {
    id: r.id, status: r.status, keyId: r.key_id, systemId: r.system_id, requestId: r.request_id, toolName: r.tool_name,
    argumentsSha256: r.arguments_sha256, arguments: r.arguments, rule: r.rule, reason: r.reason, createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at)!, decidedAt: iso(r.decided_at), decidedBy: r.decided_by, note: r.note,
  };
}

const DECISION_COLS = ['id', 'at', 'request_id', 'key_id', 'system_id', 'policy', 'upstream', 'direction', 'action', 'categories', 'content_sha256', 'scanners', 'guard_ms', 'upstream_ms', 'content'];

export function gatewayRepo(q: Queryable) {
  return {
    // ------------------------------------------------------------ keys
    async insertKey(k: GatewayKeyRecord & { hash: string }): Promise<void> {
      await q.query(
        `insert into gateway_keys (id, key_hash, prefix, system_id, policy, upstream, rpm, label, created_at, created_by) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
        [k.id, k.hash, k.prefix, k.systemId, k.policy, k.upstream, k.rpm, k.label, k.createdAt, k.createdBy],
      );
    },
    async findKeyByHash(hash: string): Promise<GatewayKeyRecord | undefined> {
      const [r] = await q.query('select * from gateway_keys where key_hash = $1', [hash]);
      return r ? toKey(r) : undefined;
    },
    async getKey(id: string): Promise<GatewayKeyRecord | undefined> {
      const [r] = await q.query('select * from gateway_keys where id = $1', [id]);
      return r ? toKey(r) : undefined;
    },
    async listKeys(f: { systemId?: string; includeRevoked?: boolean } = {}): Promise<GatewayKeyRecord[]> {
      const where: string[] = [];
      const p: unknown[] = [];
      if (f.systemId) where.push(`system_id = $${p.push(f.systemId)}`);
      if (!f.includeRevoked) where.push('revoked_at is null');
      return (await q.query(`select * from gateway_keys ${where.length ? 'where ' + where.join(' and ') : ''} order by created_at, id`, p)).map(toKey);
    },
    async revokeKey(id: string): Promise<GatewayKeyRecord | undefined> {
      await q.query('update gateway_keys set revoked_at = now() where id = $1 and revoked_at is null', [id]);
      return this.getKey(id);
    },
    async touchKey(id: string): Promise<void> {
      await q.query('update gateway_keys set last_used_at = now() where id = $1', [id]);
    },

    // ------------------------------------------------------------ policies
    async listPolicies(includeDeleted = false): Promise<GatewayPolicyRow[]> {
      const rows = await q.query<any>(`select * from gateway_policies ${includeDeleted ? '' : 'where not deleted'} order by name`);
      return rows.map((r) => ({ name: r.name, yaml: r.yaml, revision: r.revision, deleted: r.deleted, updatedAt: iso(r.updated_at)!, updatedBy: r.updated_by }));
    },
    async getPolicy(name: string): Promise<GatewayPolicyRow | undefined> {
      const [r] = await q.query<any>('select * from gateway_policies where name = $1', [name]);
      return r ? { name: r.name, yaml: r.yaml, revision: r.revision, deleted: r.deleted, updatedAt: iso(r.updated_at)!, updatedBy: r.updated_by } : undefined;
    },
    /** Saves a new revision (insert or update) and appends it to the history; returns the revision number. */
    async savePolicy(name: string, yaml: string | null, actor: string, action: 'create' | 'update' | 'delete'): Promise<number> {
      const [cur] = await q.query<{ revision: number }>('select revision from gateway_policies where name = $1 for update', [name]);
      const revision = (cur?.revision ?? 0) + 1;
      const at = new Date().toISOString();
      if (cur) await q.query('update gateway_policies set yaml = coalesce($2, yaml), revision = $3, deleted = $4, updated_at = $5, updated_by = $6 where name = $1', [name, yaml, revision, action === 'delete', at, actor]);
      else await q.query('insert into gateway_policies (name, yaml, revision, deleted, updated_at, updated_by) values ($1,$2,$3,false,$4,$5)', [name, yaml ?? '', revision, at, actor]);
      await q.query('insert into gateway_policy_revisions (name, revision, yaml, action, at, actor) values ($1,$2,$3,$4,$5,$6)', [name, revision, yaml, action, at, actor]);
      return revision;
    },
    async policyHistory(name: string): Promise<{ revision: number; action: string; at: string; actor: string; yaml: string | null }[]> {
      const rows = await q.query<any>('select * from gateway_policy_revisions where name = $1 order by revision', [name]);
      return rows.map((r) => ({ revision: r.revision, action: r.action, at: iso(r.at)!, actor: r.actor, yaml: r.yaml }));
    },

    // ------------------------------------------------------------ upstreams
    async listUpstreams(): Promise<GatewayUpstreamRow[]> {
      const rows = await q.query<any>('select * from gateway_upstreams order by name');
      return rows.map((r) => ({ name: r.name, spec: r.spec, revision: r.revision, updatedAt: iso(r.updated_at)!, updatedBy: r.updated_by }));
    },
    async saveUpstream(name: string, spec: Record<string, unknown>, actor: string): Promise<number> {
      const [r] = await q.query<{ revision: number }>(
        `insert into gateway_upstreams (name, spec, revision, updated_at, updated_by) values ($1, $2::jsonb, 1, now(), $3)
         on conflict (name) do update set spec = excluded.spec, revision = gateway_upstreams.revision + 1, updated_at = now(), updated_by = excluded.updated_by
         returning revision`,
        [name, JSON.stringify(spec), actor],
      );
      return r!.revision;
    },
    async deleteUpstream(name: string): Promise<boolean> {
      const rows = await q.query('delete from gateway_upstreams where name = $1 returning name', [name]);
      return rows.length > 0;
    },
    /** A cheap fingerprint of the managed configuration, polled to pick up changes made by other instances. */
    async configVersion(): Promise<string> {
      const [r] = await q.query<{ p: string | null; u: string | null }>(
        `select (select coalesce(sum(revision), 0) || ':' || count(*) from gateway_policies) as p, (select coalesce(sum(revision), 0) || ':' || count(*) from gateway_upstreams) as u`,
      );
      return `${r?.p}/${r?.u}`;
    },

    // ------------------------------------------------------------ decisions
    /** Idempotent batch insert (by decision id): replaying a spilled batch never duplicates. */
    async insertDecisions(ds: GatewayDecision[]): Promise<void> {
      if (!ds.length) return;
      const p: unknown[] = [];
      const tuples = ds.map((d) => {
        const b = p.length;
        p.push(d.id, d.at, d.requestId, d.keyId, d.systemId, d.policy, d.upstream, d.direction, d.action, d.categories, d.contentSha256, JSON.stringify(d.scanners), d.guardMs, d.upstreamMs, d.content);
        return `(${DECISION_COLS.map((c, i) => `$${b + i + 1}${c === 'scanners' ? '::jsonb' : c === 'categories' ? '::text[]' : ''}`).join(', ')})`;
      });
      await q.query(`insert into gateway_decisions (${DECISION_COLS.join(', ')}) values ${tuples.join(', ')} on conflict (id) do nothing`, p);
    },
    async listDecisions(f: { systemId?: string; requestId?: string; action?: string; since?: string; limit: number; offset: number }): Promise<GatewayDecision[]> {
      const where: string[] = [];
      const p: unknown[] = [];
      if (f.systemId) where.push(`system_id = $${p.push(f.systemId)}`);
      if (f.requestId) where.push(`request_id = $${p.push(f.requestId)}`);
      if (f.action) where.push(`action = $${p.push(f.action)}`);
      if (f.since) where.push(`at >= $${p.push(f.since)}`);
      const rows = await q.query<any>(
        `select * from gateway_decisions ${where.length ? 'where ' + where.join(' and ') : ''} order by at desc, id desc limit $${p.push(f.limit)} offset $${p.push(f.offset)}`, p,
      );
      return rows.map((r) => ({
        id: r.id, at: iso(r.at)!, requestId: r.request_id, keyId: r.key_id, systemId: r.system_id, policy: r.policy, upstream: r.upstream, direction: r.direction,
        action: r.action, categories: r.categories, contentSha256: r.content_sha256, scanners: r.scanners, guardMs: r.guard_ms, upstreamMs: r.upstream_ms, content: r.content,
      }));
    },
    async countDecisions(ids?: string[]): Promise<number> {
      const [r] = ids
        ? await q.query<{ n: number }>('select count(*)::int as n from gateway_decisions where id = any($1::text[])', [ids])
        : await q.query<{ n: number }>('select count(*)::int as n from gateway_decisions');
      return r!.n;
    },
    /** Aggregates for the console: per system, direction and action; and blocks per category. */
    async decisionStats(f: { since: string; systemId?: string }): Promise<{ rows: { systemId: string | null; direction: string; action: string; n: number; guardMsAvg: number | null; upstreamMsAvg: number | null }[]; categories: { systemId: string | null; category: string; action: string; n: number }[] }> {
      const p: unknown[] = [f.since];
      const sys = f.systemId ? ` and system_id = $${p.push(f.systemId)}` : '';
      const rows = await q.query<any>(
        `select system_id, direction, action, count(*)::int as n, avg(guard_ms)::float8 as g, avg(upstream_ms)::float8 as u from gateway_decisions where at >= $1${sys} group by 1, 2, 3 order by 1, 2, 3`, p,
      );
      const cats = await q.query<any>(
        `select system_id, c as category, action, count(*)::int as n from gateway_decisions, unnest(categories) as c where at >= $1${sys} and action <> 'allow' group by 1, 2, 3 order by 4 desc limit 500`, p,
      );
      return {
        rows: rows.map((r) => ({ systemId: r.system_id, direction: r.direction, action: r.action, n: r.n, guardMsAvg: r.g, upstreamMsAvg: r.u })),
        categories: cats.map((r) => ({ systemId: r.system_id, category: r.category, action: r.action, n: r.n })),
      };
    },

    // ------------------------------------------------------------ confirmations
    async insertConfirmation(c: ConfirmationRecord): Promise<void> {
      await q.query(
        `insert into gateway_confirmations (id, status, key_id, system_id, request_id, tool_name, arguments_sha256, arguments, rule, reason, created_at, expires_at)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10::jsonb,$11,$12)`,
        [c.id, c.status, c.keyId, c.systemId, c.requestId, c.toolName, c.argumentsSha256, c.arguments, c.rule, JSON.stringify(c.reason), c.createdAt, c.expiresAt],
      );
    },
    async getConfirmation(id: string): Promise<ConfirmationRecord | undefined> {
      const [r] = await q.query('select * from gateway_confirmations where id = $1', [id]);
      return r ? toConfirmation(r) : undefined;
    },
    async listConfirmations(f: { status?: ConfirmationStatus; systemId?: string; limit: number }): Promise<ConfirmationRecord[]> {
      const where: string[] = [];
      const p: unknown[] = [];
      if (f.status) where.push(`status = $${p.push(f.status)}`);
      if (f.systemId) where.push(`system_id = $${p.push(f.systemId)}`);
      const rows = await q.query(`select * from gateway_confirmations ${where.length ? 'where ' + where.join(' and ') : ''} order by created_at desc limit $${p.push(f.limit)}`, p);
      return rows.map(toConfirmation);
    },
    /** Moves a confirmation from `from` to `to`; returns the record when the transition happened. */
    async transitionConfirmation(id: string, from: ConfirmationStatus[], to: ConfirmationStatus, by: string | null, note: string | null): Promise<ConfirmationRecord | undefined> {
      const rows = await q.query(
        `update gateway_confirmations set status = $3, decided_at = coalesce(decided_at, now()), decided_by = coalesce($4, decided_by), note = coalesce($5, note)
         where id = $1 and status = any($2::text[]) returning *`,
        [id, from, to, by, note],
      );
      return rows[0] ? toConfirmation(rows[0]) : undefined;
    },
    /** An approved, unused confirmation for the same key, tool and arguments (a client retrying after approval). */
    async findApproved(keyId: string, toolName: string, argumentsSha256: string): Promise<ConfirmationRecord | undefined> {
      const [r] = await q.query(
        `select * from gateway_confirmations where key_id = $1 and tool_name = $2 and arguments_sha256 = $3 and status = 'approved' and expires_at > now() order by created_at limit 1`,
        [keyId, toolName, argumentsSha256],
      );
      return r ? toConfirmation(r) : undefined;
    },
    async expireConfirmations(): Promise<number> {
      const rows = await q.query(`update gateway_confirmations set status = 'expired', decided_at = now() where status in ('pending', 'approved') and expires_at <= now() returning id`);
      return rows.length;
    },
  };
}
export type GatewayRepo = ReturnType<typeof gatewayRepo>;
