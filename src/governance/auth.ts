import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { forbidden, notFound, unauthorized } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { ROLES, type Role, type Store, type TokenInfo } from '../store/index.ts';
import { actorLabel, type Actor } from './context.ts';
import { zodToError } from './validation.ts';

/** API tokens are 256-bit random strings, so a fast hash is enough: only the SHA-256 is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function generateToken(): string {
  return `zh_${randomBytes(32).toString('base64url')}`;
}

/** What each role may do. Auditors read everything and write nothing. */
export type Permission = 'read' | 'system:write' | 'risk:create' | 'risk:manage' | 'control:write' | 'evidence:write' | 'token:manage' | 'audit:read' | 'data:export' | 'incident:write' | 'eval:run' | 'gateway:manage' | 'gateway:confirm';
const GRANTS: Record<Role, Permission[]> = {
  admin: ['read', 'system:write', 'risk:create', 'risk:manage', 'control:write', 'evidence:write', 'token:manage', 'audit:read', 'data:export', 'incident:write', 'eval:run', 'gateway:manage', 'gateway:confirm'],
  'risk-officer': ['read', 'system:write', 'risk:create', 'risk:manage', 'control:write', 'evidence:write', 'audit:read', 'incident:write', 'eval:run', 'gateway:confirm'],
  engineer: ['read', 'system:write', 'risk:create', 'control:write', 'evidence:write', 'incident:write', 'eval:run', 'gateway:manage', 'gateway:confirm'],
  auditor: ['read', 'audit:read', 'data:export'],
};

export function can(role: Role, p: Permission): boolean {
  return GRANTS[role].includes(p);
}

export function requirePermission(actor: Actor, p: Permission): void {
  if (!can(actor.role, p)) {
    const who = Object.entries(GRANTS).filter(([, ps]) => ps.includes(p)).map(([r]) => r);
    throw forbidden(`role ${actor.role} may not ${p}; this needs one of: ${who.join(', ')}`);
  }
}

export const TokenCreateSchema = z
  .object({
    name: z.string().min(1).max(100),
    role: z.enum(ROLES),
    label: z.string().max(200).optional(),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export function authService(store: Store) {
  // Token lookups are on every request; cache hits for a short time (revocation clears the cache in-process).
  const cache = new Map<string, { info: TokenInfo; until: number }>();
  const TTL = 10_000;

  return {
    async authenticate(header: string | undefined): Promise<Actor> {
      if (!header) throw unauthorized('missing token: send "Authorization: Bearer <token>" (the first admin token is in $ZONGHENG_DATA_DIR/admin.token)');
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw unauthorized('malformed Authorization header: expected "Bearer <token>"');
      const hash = hashToken(m[1]!);
      const hit = cache.get(hash);
      let info = hit && hit.until > Date.now() ? hit.info : undefined;
      if (!info) {
        info = await store.read.tokens.findLive(hash);
        if (!info) throw unauthorized('invalid, expired or revoked token');
        cache.set(hash, { info, until: Date.now() + TTL });
        void store.read.tokens.touch(info.id).catch(() => undefined);
      }
      return { id: info.principalId, name: info.name, role: info.role };
    },

    /** Creates a principal and its token; returns the plaintext token once (it is never stored). */
    async create(input: unknown, actor: Actor): Promise<{ token: string; info: Omit<TokenInfo, 'lastUsedAt' | 'revokedAt'> }> {
      const parsed = TokenCreateSchema.safeParse(input);
      if (!parsed.success) throw zodToError(parsed.error);
      const v = parsed.data;
      const token = generateToken();
      const principalId = newId('prn');
      const id = newId('tok');
      const expiresAt = v.expiresInDays ? new Date(Date.now() + v.expiresInDays * 86_400_000).toISOString() : null;
      await store.tx(async (r) => {
        await r.tokens.insertPrincipal({ id: principalId, name: v.name, role: v.role });
        await r.tokens.insertToken({ id, principalId, hash: hashToken(token), prefix: token.slice(0, 7), label: v.label ?? null, expiresAt });
        await r.audit.append([{ actor: actorLabel(actor), action: 'token.create', entityType: 'token', entityId: id, payload: { name: v.name, role: v.role, expiresAt } }]);
      });
      return { token, info: { id, principalId, name: v.name, role: v.role, prefix: token.slice(0, 7), label: v.label ?? null, createdAt: new Date().toISOString(), expiresAt } };
    },

    async revoke(id: string, actor: Actor): Promise<TokenInfo> {
      const info = await store.tx(async (r) => {
        const t = await r.tokens.revoke(id);
        if (!t) throw notFound('token', id);
        await r.audit.append([{ actor: actorLabel(actor), action: 'token.revoke', entityType: 'token', entityId: id, payload: { name: t.name, role: t.role } }]);
        return t;
      });
      cache.clear();
      return info;
    },

    list: () => store.read.tokens.list(),

    /** First start: no principal exists yet, so make the admin and hand back its token for the data dir. */
    async bootstrapAdmin(): Promise<string | undefined> {
      return store.tx(async (r) => {
        if ((await r.tokens.countPrincipals()) > 0) return undefined;
        const token = generateToken();
        const principalId = newId('prn');
        const id = newId('tok');
        await r.tokens.insertPrincipal({ id: principalId, name: 'admin', role: 'admin' });
        await r.tokens.insertToken({ id, principalId, hash: hashToken(token), prefix: token.slice(0, 7), label: 'first admin token', expiresAt: null });
        await r.audit.append([{ actor: 'system', action: 'token.bootstrap', entityType: 'token', entityId: id, payload: { name: 'admin', role: 'admin' } }]);
        return token;
      });
    },
  };
}
export type AuthService = ReturnType<typeof authService>;
