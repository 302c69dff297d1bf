import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import type { Logger } from 'pino';
import { ZonghengError } from '../core/errors.ts';
import { requirePermission, type Actor, type Governance } from '../governance/index.ts';
import { mountConsole } from './console.ts';
import { openApiDocument } from './openapi.ts';
import { mount, type AddRoute, type AnyRoute } from './route.ts';
import type { Gateway } from '../gateway/index.ts';
import type { EvalRunService } from '../jobs/eval-runs.ts';
import { evalRoutes } from './routes/eval.ts';
import { governanceRoutes } from './routes/governance.ts';
import { guardRoutes } from './routes/guard.ts';
import { riskRoutes } from './routes/risks.ts';
import { systemRoutes } from './routes/systems.ts';

export const VERSION = '0.1.0';

export interface AppOptions {
  gov: Governance;
  logger?: Logger;
  /** In-process callers (the CLI on a local store) act as this principal without a token. */
  localActor?: Actor;
  /** The running gateway (mounted at /v1); without it only the guard/gateway management API is served. */
  gateway?: Gateway;
  /** Evaluation runs started or recorded through the API. */
  evalRuns?: EvalRunService;
}

/** Builds the HTTP application; the same app serves the network and in-process CLI calls (app.request). */
export function createApp(opts: AppOptions): Hono {
  const { gov, logger } = opts;
  const app = new Hono();
  const routes: AnyRoute[] = [];
  const add: AddRoute = (spec) => mount(app, routes, spec as unknown as AnyRoute);

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // Request logs carry method, path, status and timing only: never bodies, tokens or query values.
    logger?.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request');
  });

  app.get('/healthz', (c) => c.json({ status: 'ok', version: VERSION, store: gov.deps.store.db.kind }));

  app.use('/api/*', async (c, next) => {
    if (c.req.path === '/api/openapi.json') return next();
    const actor = opts.localActor && c.req.header('x-zongheng-local') === '1' ? opts.localActor : await gov.auth.authenticate(c.req.header('authorization'));
    c.set('actor' as never, actor as never);
    return next();
  });

  systemRoutes(add, gov);
  riskRoutes(add, gov);
  governanceRoutes(add, gov);
  guardRoutes(add, gov, app, opts.gateway);
  evalRoutes(add, opts.evalRuns);
  // Streamed whole-database export (JSON Lines), for when a server holds the embedded store.
  app.get('/api/export', async (c) => {
    requirePermission(c.get('actor' as never) as Actor, 'data:export');
    const { exportDb } = await import('../store/index.ts');
    c.header('content-type', 'application/x-ndjson');
    return stream(c, async (out) => {
      await exportDb(gov.deps.store.db, (line) => out.write(line + '\n').then(() => undefined));
    });
  });
  app.get('/api/openapi.json', (c) => c.json(openApiDocument(routes, VERSION) as object));
  mountConsole(app); // the web console: web/dist, with index.html for client-side routes (src/server/console.ts)

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}; see /api/openapi.json` } }, 404));
  app.onError((err, c) => {
    if (err instanceof ZonghengError) {
      const { field, allowed, issues } = err.detail;
      const status = err.code === 'payload_too_large' ? 400 : err.status;
      return c.json({ error: { code: err.code, message: err.message, ...(field !== undefined ? { field } : {}), ...(allowed ? { allowed } : {}), ...(issues && issues.length > 1 ? { issues } : {}) } }, status as 400);
    }
    logger?.error({ err: { message: err.message, stack: err.stack } }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'internal error; see the server log' } }, 500);
  });
  return app;
}
