import type { Command } from 'commander';
import { loadConfig } from '../server/config.ts';
import { connect, type ApiClient } from './client.ts';
import { globalFlags } from './options.ts';

/** Runs a command body with an API client, closing it afterwards. */
export async function withClient<T>(program: Command, fn: (api: ApiClient) => Promise<T>, opts: { needRuntime?: boolean } = {}): Promise<T> {
  const api = await connect(loadConfig(globalFlags(program)), opts);
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

export function print(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write((json ? JSON.stringify(value, null, 2) : human()) + '\n');
}

export function query(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
