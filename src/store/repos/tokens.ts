import type { Queryable } from '../db.ts';

export const ROLES = ['admin', 'risk-officer', 'engineer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  id: string;
  name: string;
  role: Role;
}

export interface TokenInfo {
  id: string;
  principalId: string;
  name: string;
  role: Role;
  prefix: string;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface TokenRow {
  id: string;
  principal_id: string;
  name: string;
  role: Role;
  prefix: string;
  label: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
function toInfo(r: TokenRow): TokenInfo {
  return {
    id: r.id,
    principalId: r.principal_id,
    name: r.name,
    role: r.role,
    prefix: r.prefix,
    label: r.label,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}

const SELECT = `select t.id, t.principal_id, p.name, p.role, t.prefix, t.label, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
  from tokens t join principals p on p.id = t.principal_id`;

export function tokensRepo(q: Queryable) {
  return {
    async countPrincipals(): Promise<number> {
      const [r] = await q.query<{ n: number }>('select count(*)::int as n from principals');
      return r!.n;
    },
    async insertPrincipal(p: Principal): Promise<void> {
      await q.query('insert into principals (id, name, role) values ($1, $2, $3)', [p.id, p.name, p.role]);
    },
    async insertToken(t: { id: string; principalId: string; hash: string; prefix: string; label: string | null; expiresAt: string | null }): Promise<void> {
      await q.query('insert into tokens (id, principal_id, token_hash, prefix, label, expires_at) values ($1, $2, $3, $4, $5, $6)', [
        t.id, t.principalId, t.hash, t.prefix, t.label, t.expiresAt,
      ]);
    },
    /** Looks a token up by its hash; only live tokens of enabled principals match. */
    async findLive(hash: string): Promise<TokenInfo | undefined> {
      const [r] = await q.query<TokenRow>(
        `${SELECT} where t.token_hash = $1 and t.revoked_at is null and p.disabled_at is null and (t.expires_at is null or t.expires_at > now())`,
        [hash],
      );
      return r ? toInfo(r) : undefined;
    },
    async touch(id: string): Promise<void> {
      await q.query('update tokens set last_used_at = now() where id = $1', [id]);
    },
    async revoke(id: string): Promise<TokenInfo | undefined> {
      await q.query('update tokens set revoked_at = now() where id = $1 and revoked_at is null', [id]);
      const [r] = await q.query<TokenRow>(`${SELECT} where t.id = $1`, [id]);
      return r ? toInfo(r) : undefined;
    },
    async list(): Promise<TokenInfo[]> {
      return (await q.query<TokenRow>(`${SELECT} order by t.created_at`)).map(toInfo);
    },
  };
}
