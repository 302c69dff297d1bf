// Named policies: the built-in `default`, policies from the config file (inline or files, which are
// watched), and policies saved through the API (in the store, with revisions). Each is compiled
// into a guard once; a reload swaps the whole map at once, so a request that already holds a
// compiled policy finishes with it while new requests get the new one.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { createGuard, defaultPolicy, formatPath, GuardPolicyError, validatePolicy, type Guard, type GuardPolicy, type PolicyIssue } from '../guard/index.ts';
import { PolicyGatewaySchema, type GatewayConfig, type PolicyGateway } from './config.ts';

export type PolicySource = 'builtin' | 'config' | 'api';

export interface CompiledPolicy {
  name: string;
  source: PolicySource;
  revision: number;
  /** SHA-256 of the policy text, so decisions and evidence name the exact version. */
  digest: string;
  guard: Guard;
  gateway: PolicyGateway;
  yaml: string;
  file?: string;
  /** A PII scanner masks in at least one direction (→ tc260.4.2.1.b). */
  piiMasking: boolean;
  loadedAt: string;
}

/** Used when the guard's own default policy cannot be loaded (data files missing). */
const FALLBACK_DEFAULT = `name: default
version: builtin-fallback
description: Injection/jailbreak and harmful-intent phrases blocked, PII masked (fallback when data/guard/policies/default.yaml is absent).
input:
  - { type: keyword, name: injection, action: block, lexicons: [lexicons/injection.tsv], allowLists: [lexicons/allow.tsv] }
  - { type: keyword, name: harmful, action: block, lexicons: [lexicons/en-harmful.tsv, lexicons/zh-extra.tsv], allowLists: [lexicons/allow.tsv] }
  - { type: pii, action: mask }
output:
  - { type: keyword, name: harmful, action: block, lexicons: [lexicons/en-harmful.tsv, lexicons/zh-extra.tsv], allowLists: [lexicons/allow.tsv] }
  - { type: pii, action: mask }
`;

/** Parses policy YAML (guard format plus an optional `gateway:` section); errors carry field paths. */
export function parseGatewayPolicy(text: string): { policy: GuardPolicy; gateway: PolicyGateway } {
  let obj: unknown;
  try {
    obj = parseYaml(text);
  } catch (e) {
    throw new GuardPolicyError([{ path: '', message: `invalid YAML: ${(e as Error).message}` }]);
  }
  return splitPolicy(obj);
}

export function splitPolicy(obj: unknown): { policy: GuardPolicy; gateway: PolicyGateway } {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new GuardPolicyError([{ path: '', message: 'policy must be a YAML mapping' }]);
  const { gateway: gw, ...rest } = obj as Record<string, unknown>;
  const issues: PolicyIssue[] = [];
  let policy: GuardPolicy | undefined;
  try {
    policy = validatePolicy(rest);
  } catch (e) {
    if (e instanceof GuardPolicyError) issues.push(...e.issues);
    else issues.push({ path: '', message: (e as Error).message });
  }
  const g = PolicyGatewaySchema.safeParse(gw ?? {});
  if (!g.success) {
    for (const i of g.error.issues) {
      if (i.code === 'unrecognized_keys') for (const k of i.keys) issues.push({ path: formatPath(['gateway', ...i.path, k]), message: 'unknown field' });
      else issues.push({ path: formatPath(['gateway', ...i.path]), message: i.message });
    }
  }
  if (issues.length || !policy || !g.success) throw new GuardPolicyError(issues);
  return { policy, gateway: g.data };
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hasPiiMask(p: GuardPolicy): boolean {
  return [...p.input, ...p.output].some((s) => s.type === 'pii' && s.action === 'mask');
}

/** Builds the guard (lexicons, classifiers) and runs one check per direction so the first request is not slow. */
export function compilePolicy(name: string, text: string, source: PolicySource, revision: number, opts: { baseDir?: string; file?: string; object?: unknown } = {}): CompiledPolicy {
  const { policy, gateway } = opts.object !== undefined ? splitPolicy(opts.object) : parseGatewayPolicy(text);
  const guard = createGuard({ ...policy, name }, opts.baseDir ? { baseDir: opts.baseDir } : {});
  guard.check({ text: 'warm up: hello 你好 13812345678', direction: 'input' });
  guard.check({ text: 'warm up: hello 你好', direction: 'output' });
  return { name, source, revision, digest: digestOf(text), guard, gateway, yaml: text, ...(opts.file ? { file: opts.file } : {}), piiMasking: hasPiiMask(policy), loadedAt: new Date().toISOString() };
}

export interface PolicyStoreRow {
  name: string;
  yaml: string;
  revision: number;
}

export interface PolicyRegistryOptions {
  config: GatewayConfig;
  /** Policies saved through the API. */
  loadStored: () => Promise<PolicyStoreRow[]>;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

export class PolicyRegistry {
  private map = new Map<string, CompiledPolicy>();
  private fileStamps = new Map<string, number>();
  readonly errors = new Map<string, string>();

  constructor(private readonly opts: PolicyRegistryOptions) {}

  get(name: string): CompiledPolicy | undefined {
    return this.map.get(name);
  }
  has(name: string): boolean {
    return this.map.has(name);
  }
  list(): CompiledPolicy[] {
    return [...this.map.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
  /** Names that the API may not write (built-in or from the config file). */
  readOnly(name: string): PolicySource | undefined {
    if (name in this.opts.config.policies) return 'config';
    if (name === 'default') return 'builtin';
    return undefined;
  }

  private builtinDefault(): CompiledPolicy {
    const prev = this.map.get('default');
    if (prev?.source === 'builtin') return prev;
    try {
      const p = defaultPolicy();
      const text = toYaml(p);
      return compilePolicy('default', text, 'builtin', 1, { object: p });
    } catch (e) {
      this.opts.log?.('warn', 'guard default policy unavailable; using the gateway fallback default', { reason: (e as Error).message });
      return compilePolicy('default', FALLBACK_DEFAULT, 'builtin', 1);
    }
  }

  private configPolicy(name: string, src: GatewayConfig['policies'][string]): CompiledPolicy {
    const prev = this.map.get(name);
    let text: string;
    let file: string | undefined;
    let object: unknown;
    if (typeof src === 'string' || 'file' in src) {
      file = resolve(typeof src === 'string' ? src : src.file);
      const mtime = statSync(file).mtimeMs;
      if (prev?.file === file && this.fileStamps.get(file) === mtime) return prev;
      text = readFileSync(file, 'utf8');
      this.fileStamps.set(file, mtime);
    } else if ('yaml' in src) text = src.yaml;
    else {
      object = src.policy;
      text = toYaml(src.policy);
    }
    const digest = digestOf(text);
    if (prev && prev.source === 'config' && prev.digest === digest) return prev;
    return compilePolicy(name, text, 'config', (prev?.revision ?? 0) + 1, { ...(file ? { file, baseDir: dirname(file) } : {}), ...(object !== undefined ? { object } : {}) });
  }

  private chain: Promise<unknown> = Promise.resolve();

  /**
   * Recompiles what changed and swaps the map. A policy that fails to compile keeps its previous
   * version (if any) and the error is reported in `errors`. Reloads run one at a time, so a timer
   * reload that read the store before an API save cannot swap in older data after it.
   */
  reload(): Promise<{ changed: string[]; errors: Record<string, string> }> {
    const next = this.chain.then(() => this.doReload());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async doReload(): Promise<{ changed: string[]; errors: Record<string, string> }> {
    const next = new Map<string, CompiledPolicy>();
    const errors = new Map<string, string>();
    const setOrKeep = (name: string, build: () => CompiledPolicy) => {
      try {
        next.set(name, build());
      } catch (e) {
        errors.set(name, (e as Error).message);
        const prev = this.map.get(name);
        if (prev) next.set(name, prev);
        this.opts.log?.('error', `policy ${name} failed to load; keeping the previous version`, { error: (e as Error).message });
      }
    };
    setOrKeep('default', () => this.builtinDefault());
    for (const [name, src] of Object.entries(this.opts.config.policies)) setOrKeep(name, () => this.configPolicy(name, src));
    let stored: PolicyStoreRow[] = [];
    try {
      stored = await this.opts.loadStored();
    } catch (e) {
      // Store unavailable: keep the API policies we have.
      for (const p of this.map.values()) if (p.source === 'api') next.set(p.name, p);
      this.opts.log?.('warn', 'could not read stored policies; keeping the loaded ones', { error: (e as Error).message });
    }
    for (const row of stored) {
      if (this.readOnly(row.name)) continue;
      setOrKeep(row.name, () => {
        const prev = this.map.get(row.name);
        if (prev && prev.source === 'api' && prev.revision === row.revision) return prev;
        return compilePolicy(row.name, row.yaml, 'api', row.revision);
      });
    }
    const changed = [...next.keys()].filter((k) => next.get(k) !== this.map.get(k)).concat([...this.map.keys()].filter((k) => !next.has(k)));
    this.map = next;
    this.errors.clear();
    for (const [k, v] of errors) this.errors.set(k, v);
    return { changed, errors: Object.fromEntries(errors) };
  }
}
