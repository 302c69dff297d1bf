import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import YAML from 'yaml';
import { registerSecret } from '../redact.ts';

export const TARGET_TYPES = ['openai', 'anthropic', 'ollama', 'http', 'js', 'zongheng'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

const jsonPath = z.string().min(1).max(300);

export const TargetConfigSchema = z
  .object({
    type: z.enum(TARGET_TYPES),
    name: z.string().max(200).optional(),
    baseUrl: z.string().url().optional(),
    model: z.string().max(200).optional(),
    apiKey: z.string().max(4000).optional(),
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    // generation parameters (top-level or under `params`)
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().optional(),
    maxTokens: z.number().int().positive().optional(),
    top_p: z.number().min(0).max(1).optional(),
    system: z.string().max(100_000).optional(),
    stop: z.array(z.string()).max(8).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    stream: z.boolean().optional(),
    // transport
    timeoutMs: z.number().int().positive().max(3_600_000).default(60_000),
    retries: z.number().int().min(0).max(20).default(3),
    backoffBaseMs: z.number().int().min(1).max(60_000).default(500),
    backoffMaxMs: z.number().int().min(1).max(600_000).default(30_000),
    maxResponseBytes: z.number().int().min(1024).max(1_073_741_824).optional(),
    concurrency: z.number().int().min(1).max(1024).default(4),
    rpm: z.number().positive().optional(),
    tpm: z.number().positive().optional(),
    pricing: z
      .object({ inputPerMTok: z.number().min(0), outputPerMTok: z.number().min(0) })
      .strict()
      .optional(),
    // http
    url: z.string().url().optional(),
    method: z.enum(['POST', 'PUT', 'GET']).optional(),
    body: z.unknown().optional(),
    response: z
      .object({
        text: jsonPath,
        inputTokens: jsonPath.optional(),
        outputTokens: jsonPath.optional(),
        error: jsonPath.optional(),
        blocked: jsonPath.optional(),
      })
      .strict()
      .optional(),
    // js
    module: z.string().max(1000).optional(),
    export: z.string().max(200).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.type === 'openai' || c.type === 'anthropic' || c.type === 'ollama') && !c.model)
      ctx.addIssue({ code: 'custom', path: ['model'], message: `a ${c.type} target needs a model` });
    if (c.type === 'http' && !c.url && !c.baseUrl)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'an http target needs url (or baseUrl)' });
    if (c.type === 'http' && !c.response)
      ctx.addIssue({ code: 'custom', path: ['response'], message: 'an http target needs a response mapping (response.text)' });
    if (c.type === 'js' && !c.module) ctx.addIssue({ code: 'custom', path: ['module'], message: 'a js target needs a module path' });
  });

export type TargetConfig = z.output<typeof TargetConfigSchema>;
export type TargetConfigInput = z.input<typeof TargetConfigSchema>;

export interface SecretSource {
  env?: NodeJS.ProcessEnv;
  /** Values from a secrets file (YAML/JSON map), consulted after the environment. */
  secrets?: Record<string, string>;
}

export class TargetConfigError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TargetConfigError';
  }
}

function lookup(name: string, src: SecretSource): string | undefined {
  const env = src.env ?? process.env;
  return env[name] ?? src.secrets?.[name];
}

/** Replaces `${NAME}` with a value from env or the secrets file, registering it for redaction. */
export function interpolateSecrets(value: string, src: SecretSource, field: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = lookup(name, src);
    if (v === undefined) throw new TargetConfigError(`${field}: environment variable or secret ${name} is not set`, field);
    registerSecret(v);
    return v;
  });
}

export interface ResolvedTarget {
  config: TargetConfig;
  apiKey?: string;
  headers: Record<string, string>;
  /** Directory the target file lives in (for js module paths). */
  baseDir: string;
}

const DEFAULT_KEY_ENV: Partial<Record<TargetType, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  zongheng: 'ZONGHENG_GATEWAY_KEY',
};

export function resolveTargetConfig(input: unknown, src: SecretSource = {}, baseDir = process.cwd()): ResolvedTarget {
  const parsed = TargetConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new TargetConfigError(`target ${field || '(root)'}: ${issue.message}`, field);
  }
  const config = parsed.data;
  let apiKey: string | undefined;
  if (config.apiKey !== undefined) apiKey = interpolateSecrets(config.apiKey, src, 'apiKey');
  else {
    const envName = config.apiKeyEnv ?? DEFAULT_KEY_ENV[config.type];
    if (envName) apiKey = lookup(envName, src);
    if (config.apiKeyEnv && apiKey === undefined)
      throw new TargetConfigError(`apiKeyEnv: environment variable or secret ${config.apiKeyEnv} is not set`, 'apiKeyEnv');
  }
  registerSecret(apiKey);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.headers ?? {})) headers[k] = interpolateSecrets(v, src, `headers.${k}`);
  return { config, ...(apiKey !== undefined ? { apiKey } : {}), headers, baseDir };
}

/** Reads a target YAML/JSON file. Secrets come only from env or `src.secrets`, never from results. */
export function loadTargetFile(path: string, src: SecretSource = {}): ResolvedTarget {
  const text = readFileSync(path, 'utf8');
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new TargetConfigError(`${path}: not valid YAML/JSON: ${(e as Error).message}`);
  }
  try {
    return resolveTargetConfig(doc, src, dirname(resolve(path)));
  } catch (e) {
    if (e instanceof TargetConfigError) throw new TargetConfigError(`${path}: ${e.message}`, e.field);
    throw e;
  }
}

/** Reads a secrets file: a flat YAML/JSON map of NAME: value. Every value is registered for redaction. */
export function loadSecretsFile(path: string): Record<string, string> {
  const doc = YAML.parse(readFileSync(path, 'utf8')) as unknown;
  const out: Record<string, string> = {};
  if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      if (typeof v === 'string') {
        out[k] = v;
        registerSecret(v);
      }
    }
  }
  return out;
}
