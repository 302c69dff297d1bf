import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { badRequest, ZonghengError } from '../core/errors.ts';
import { requirePermission, zodToError, type Actor, type Permission } from '../governance/index.ts';

/**
 * A typed route: zod schemas for query and body are the single source of truth — they validate the
 * request and they generate the OpenAPI document (zod's own JSON-Schema export).
 */
export interface RouteSpec<Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string; // Hono syntax, e.g. /api/risks/:id
  summary: string;
  tag: string;
  permission: Permission | 'public';
  query?: Q;
  body?: B;
  /** Documented only: handlers that validate deeper in the governance core use this for OpenAPI. */
  bodyDoc?: z.ZodType;
  status?: number;
  handler: (ctx: {
    c: Context;
    actor: Actor;
    params: Record<string, string>;
    query: Q extends z.ZodType ? z.infer<Q> : undefined;
    body: B extends z.ZodType ? z.infer<B> : unknown;
  }) => Promise<unknown>;
}

export type AnyRoute = RouteSpec<z.ZodType | undefined, z.ZodType | undefined>;
/** Registers a route; `route()` keeps the handler's query/body types tied to its schemas. */
export type AddRoute = <Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(spec: RouteSpec<Q, B>) => void;

export const MAX_BODY_BYTES = 1024 * 1024;

async function readJsonBody(c: Context): Promise<unknown> {
  const len = Number(c.req.header('content-length') ?? '0');
  if (len > MAX_BODY_BYTES) throw new ZonghengError('payload_too_large', `request body is ${len} bytes; the limit is ${MAX_BODY_BYTES} bytes`, { field: 'body', allowed: `at most ${MAX_BODY_BYTES} bytes` });
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > MAX_BODY_BYTES) throw new ZonghengError('payload_too_large', `request body is larger than ${MAX_BODY_BYTES} bytes`, { field: 'body', allowed: `at most ${MAX_BODY_BYTES} bytes` });
  if (buf.byteLength === 0) return undefined;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`malformed JSON body: ${(e as Error).message}`, { field: 'body', allowed: 'a JSON document' });
  }
}

export function mount(app: Hono, registry: AnyRoute[], spec: AnyRoute): void {
  registry.push(spec);
  app[spec.method](spec.path, async (c) => {
    const actor = c.get('actor' as never) as Actor;
    if (spec.permission !== 'public') requirePermission(actor, spec.permission);
    let query: unknown = undefined;
    if (spec.query) {
      const r = spec.query.safeParse(c.req.query());
      if (!r.success) throw zodToError(r.error, 'query.');
      query = r.data;
    }
    let body: unknown = undefined;
    if (spec.method !== 'get' && spec.method !== 'delete') {
      body = await readJsonBody(c);
      if (spec.body) {
        const r = spec.body.safeParse(body ?? {});
        if (!r.success) throw zodToError(r.error);
        body = r.data;
      }
    }
    const result = await spec.handler({ c, actor, params: c.req.param() as Record<string, string>, query: query as never, body: body as never });
    return c.json(result as object, (spec.status ?? 200) as 200);
  });
}

/** Common pagination query: limit 1–500 (default 50) and offset. */
export const Page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
};
export const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
