import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZonghengError } from '../core/errors.ts';
import { defaultRules } from '../core/rules/index.ts';
import { defaultTaxonomies } from '../core/taxonomy/index.ts';
import { createGovernance, type Governance } from '../governance/index.ts';
import { openStore } from '../store/index.ts';
import type { Config } from './config.ts';

/** Files a running server leaves in the data dir so the CLI can find it (and not open the embedded store twice). */
export function serverInfoPath(dataDir: string) {
  return join(dataDir, 'server.json');
}
export function adminTokenPath(dataDir: string) {
  return join(dataDir, 'admin.token');
}
const lockPath = (dataDir: string) => join(dataDir, 'store.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function runningServer(dataDir: string): { pid: number; port: number; host: string } | undefined {
  try {
    const info = JSON.parse(readFileSync(serverInfoPath(dataDir), 'utf8')) as { pid: number; port: number; host: string };
    return alive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The embedded store is one process's: take an exclusive lock file in the data dir, and refuse
 * (with what to do instead) while another live process holds it. A stale lock from a crash is taken over.
 */
function lockEmbeddedStore(dataDir: string): () => void {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8'));
      if (pid && pid !== process.pid && alive(pid)) {
        throw new ZonghengError('store_busy', `the embedded store in ${dataDir} is in use by process ${pid}. Stop it, run this command against the running server, or use PostgreSQL (ZONGHENG_DATABASE_URL) for several processes`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new ZonghengError('store_busy', `could not lock the embedded store in ${dataDir}`);
}

export interface Runtime {
  gov: Governance;
  config: Config;
  close(): Promise<void>;
}

/** Opens the store (migrating it), loads and validates taxonomies and rules, and builds the governance core. */
export async function openRuntime(config: Config): Promise<Runtime> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const taxonomies = defaultTaxonomies();
  const rules = defaultRules({ knownIds: (id: string) => taxonomies.has(id) });
  const unlock = config.databaseUrl ? () => undefined : lockEmbeddedStore(config.dataDir);
  let store;
  try {
    store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (e) {
    unlock();
    throw e;
  }
  const gov = createGovernance({ store, taxonomies, rules });
  return {
    gov,
    config,
    close: async () => {
      await store.close();
      unlock();
    },
  };
}

/** On first start, create the admin token and write it (mode 600) where the operator will find it. */
export async function ensureAdminToken(rt: Runtime): Promise<{ created: boolean; path: string }> {
  const path = adminTokenPath(rt.config.dataDir);
  const token = await rt.gov.auth.bootstrapAdmin();
  if (token) {
    writeFileSync(path, token + '\n', { mode: 0o600 });
    chmodSync(path, 0o600);
    return { created: true, path };
  }
  return { created: false, path: existsSync(path) ? path : '' };
}
