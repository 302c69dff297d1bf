import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { badRequest } from '../core/errors.ts';
import { zodToError } from '../governance/index.ts';

const FileConfigSchema = z
  .object({
    dataDir: z.string().optional(),
    databaseUrl: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  })
  .passthrough(); // later modules (gateway, evaluate) add their own sections

export interface Config {
  dataDir: string;
  databaseUrl?: string;
  port: number;
  host: string;
  logLevel: string;
  file?: Record<string, unknown>;
}

/** Flags override env, env overrides the YAML file, the file overrides defaults (design.md §4). */
export function loadConfig(flags: { config?: string; dataDir?: string; databaseUrl?: string; port?: number; host?: string } = {}, env = process.env): Config {
  let file: z.infer<typeof FileConfigSchema> = {};
  const path = flags.config ?? env.ZONGHENG_CONFIG;
  if (path) {
    if (!existsSync(path)) throw badRequest(`config file ${path} does not exist`, { field: 'config' });
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(path, 'utf8'));
    } catch (e) {
      throw badRequest(`config file ${path} is not valid YAML: ${(e as Error).message}`, { field: 'config' });
    }
    const r = FileConfigSchema.safeParse(raw ?? {});
    if (!r.success) throw zodToError(r.error, `${path}: `);
    file = r.data;
  }
  const envPort = env.ZONGHENG_PORT ? Number(env.ZONGHENG_PORT) : undefined;
  if (envPort !== undefined && !(Number.isInteger(envPort) && envPort >= 0 && envPort < 65536)) throw badRequest(`ZONGHENG_PORT=${env.ZONGHENG_PORT} is not a port number`, { field: 'ZONGHENG_PORT' });
  return {
    dataDir: resolve(flags.dataDir ?? env.ZONGHENG_DATA_DIR ?? file.dataDir ?? './.zongheng'),
    databaseUrl: flags.databaseUrl ?? env.ZONGHENG_DATABASE_URL ?? file.databaseUrl ?? undefined,
    port: flags.port ?? envPort ?? file.port ?? 8420,
    host: flags.host ?? env.ZONGHENG_HOST ?? file.host ?? '127.0.0.1',
    logLevel: env.ZONGHENG_LOG_LEVEL ?? file.logLevel ?? 'info',
    file: file as Record<string, unknown>,
  };
}
