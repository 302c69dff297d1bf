import { rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { pino } from 'pino';
import { createGateway, type Gateway } from '../gateway/index.ts';
import { evalRunService, type EvalRunService } from '../jobs/eval-runs.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { ensureAdminToken, openRuntime, serverInfoPath, type Runtime } from './runtime.ts';

export interface StartOptions {
  demo?: boolean;
  /** Called before listening, e.g. to seed the demo organisation. */
  beforeListen?: (rt: Runtime) => Promise<void>;
  quiet?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  runtime: Runtime;
  gateway: Gateway;
  adminTokenPath: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = pino({ level: opts.quiet ? 'silent' : config.logLevel, base: undefined, redact: ['req.headers.authorization', '*.token', '*.apiKey'] });
  const runtime = await openRuntime(config);
  let server: ServerType | undefined;
  let gateway: Gateway | undefined;
  let evalRuns: EvalRunService | undefined;
  try {
    const admin = await ensureAdminToken(runtime);
    if (opts.beforeListen) await opts.beforeListen(runtime);
    gateway = await createGateway({ gov: runtime.gov, config, logger });
    evalRuns = evalRunService({ gov: runtime.gov, dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
    const interrupted = await evalRuns.recoverInterrupted();
    if (interrupted) logger.warn({ runs: interrupted }, 'evaluation runs interrupted by an earlier stop; resume them with POST /api/eval/runs/:id/resume');
    const app = createApp({ gov: runtime.gov, logger, gateway, evalRuns });
    server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve);
      server!.once('error', reject);
    });
    const port = (server.address() as AddressInfo).port;
    const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${hostForUrl}:${port}`;
    writeFileSync(serverInfoPath(config.dataDir), JSON.stringify({ pid: process.pid, port, host: config.host, url }), { mode: 0o600 });
    logger.info({ url, store: runtime.gov.deps.store.db.kind, dataDir: config.dataDir }, 'zongheng listening');
    if (!opts.quiet) {
      process.stderr.write(`\nZongheng 纵横 is running at ${url}  (store: ${runtime.gov.deps.store.db.kind === 'pglite' ? `embedded, ${config.dataDir}` : 'PostgreSQL'})\n`);
      if (admin.created) process.stderr.write(`First start: an admin token was written to ${admin.path} (mode 600). Use it as "Authorization: Bearer <token>".\n`);
      else if (admin.path) process.stderr.write(`Admin token: ${admin.path}\n`);
      process.stderr.write(`API: ${url}/api/openapi.json   Health: ${url}/healthz\n\n`);
    }
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        await evalRuns!.close();
        rmSync(serverInfoPath(config.dataDir), { force: true });
        await gateway!.close();
        await runtime.close();
      })());
    return { url, port, runtime, gateway, adminTokenPath: admin.path, stop };
  } catch (e) {
    server?.close();
    await gateway?.close();
    await runtime.close();
    throw e;
  }
}
