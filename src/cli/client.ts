import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Hono } from 'hono';
import { evalRunService } from '../jobs/eval-runs.ts';
import { createApp } from '../server/app.ts';
import type { Config } from '../server/config.ts';
import { adminTokenPath, openRuntime, runningServer, type Runtime } from '../server/runtime.ts';

/** An error response from the API, carrying its status and our JSON error body. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly body: { error?: { code?: string; message?: string; field?: string; allowed?: string } }) {
    super(body.error?.message ?? `HTTP ${status}`);
  }
}

export interface ApiClient {
  call<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** The local runtime when the CLI works on the store in-process (export/import/audit need it). */
  runtime?: Runtime;
  mode: 'in-process' | 'remote';
  close(): Promise<void>;
}

async function parse(res: Response): Promise<any> {
  const text = await res.text();
  const body = text ? JSON.parse(text) : {};
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function remote(baseUrl: string, token: string | undefined): ApiClient {
  return {
    mode: 'remote',
    async call(method, path, body) {
      const res = await fetch(new URL(path, baseUrl), {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return parse(res);
    },
    close: async () => undefined,
  };
}

function inProcess(app: Hono, runtime: Runtime): ApiClient {
  return {
    mode: 'in-process',
    runtime,
    async call(method, path, body) {
      const res = await app.request(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-zongheng-local': '1' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return parse(res);
    },
    close: () => runtime.close(),
  };
}

/**
 * The CLI speaks to the HTTP API: to a running server when there is one (ZONGHENG_URL, or the
 * server.json a local server leaves in the data dir), otherwise to the same app in-process on the
 * local store — where the operator, who can read the data dir anyway, acts as a local admin.
 */
export async function connect(config: Config, opts: { needRuntime?: boolean } = {}): Promise<ApiClient> {
  const token = process.env.ZONGHENG_TOKEN ?? readToken(config.dataDir);
  if (process.env.ZONGHENG_URL && !opts.needRuntime) return remote(process.env.ZONGHENG_URL, token);
  const running = config.databaseUrl ? undefined : runningServer(config.dataDir);
  if (running && !opts.needRuntime) return remote(`http://${running.host.includes(':') ? `[${running.host}]` : running.host}:${running.port}`, token);
  const runtime = await openRuntime(config);
  // Runs are recorded here too; starting background runs makes no sense in a one-shot CLI process, but recording does.
  const evalRuns = evalRunService({ gov: runtime.gov, dataDir: config.dataDir });
  const app = createApp({ gov: runtime.gov, localActor: { id: 'local', name: `cli:${safeUser()}`, role: 'admin' }, evalRuns });
  return inProcess(app, runtime);
}

function readToken(dataDir: string): string | undefined {
  try {
    return readFileSync(adminTokenPath(dataDir), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
