// The gateway (design.md §2): an OpenAI-compatible proxy in front of models, with the guard on
// both directions, application keys, a decision log and guardrail evidence for the governance core.
import { watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { zodToError, type Actor, type Governance } from '../governance/index.ts';
import type { Config } from '../server/config.ts';
import { GatewayConfigSchema, type GatewayConfig } from './config.ts';
import { Confirmations } from './confirmations.ts';
import { decisionSink } from './decision-sink.ts';
import { DecisionLog } from './decisions.ts';
import { KeyCache } from './keys.ts';
import { gatewayManagement, type GatewayManagement } from './manage.ts';
import { PolicyRegistry } from './policies.ts';
import { proxyApp, type LogFn } from './proxy.ts';
import { evidenceFor, SystemStats } from './stats.ts';
import type { Upstream } from './upstream.ts';

export { GatewayError } from './errors.ts';
export { parseGatewayPolicy, type CompiledPolicy } from './policies.ts';
export { GatewayConfigSchema, UpstreamSpecSchema, PolicyGatewaySchema, type GatewayConfig, type UpstreamSpec } from './config.ts';
export { generateAppKey, hashAppKey, TokenBucket } from './keys.ts';
export { CircuitBreaker } from './upstream.ts';

/** The principal the gateway acts as when it records evidence. */
export const GATEWAY_ACTOR: Actor = { id: 'gateway', name: 'gateway', role: 'engineer' };

export interface GatewayOptions {
  gov: Governance;
  /** Server config; its `file.gateway` section configures upstreams and policies. */
  config?: Config;
  logger?: Logger;
  /** Timers (decision flush, evidence, reload polling). Off for in-process CLI use. */
  background?: boolean;
  env?: Record<string, string | undefined>;
}

export interface Gateway extends GatewayManagement {
  /** The /v1 application (mount with app.route('/v1', gateway.app)). */
  app: Hono;
  /** Resolves once the policies and upstreams are loaded the first time. */
  ready: Promise<void>;
  config: GatewayConfig;
  decisions: DecisionLog;
  stats: SystemStats;
  confirmations: Confirmations;
  /** Record the current aggregates as guardrail evidence now (also runs on a timer). */
  emitEvidence(): Promise<{ recorded: { systemId: string; evidenceId: string; duplicate: boolean }[]; failed: { systemId: string; error: string }[] }>;
  close(): Promise<void>;
}

/** Parses and validates the config file's `gateway:` section (field paths in errors start with gateway.). */
export function gatewayConfigOf(config: Config | undefined): GatewayConfig {
  const r = GatewayConfigSchema.safeParse(config?.file?.gateway ?? {});
  if (!r.success) throw zodToError(r.error, 'gateway.');
  return r.data;
}

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const { gov } = opts;
  const config = gatewayConfigOf(opts.config);
  const background = opts.background ?? true;
  const log: LogFn = (level, msg, extra) => opts.logger?.[level]({ component: 'gateway', ...(extra ?? {}) }, msg);
  const store = gov.deps.store;
  const policies = new PolicyRegistry({ config, loadStored: () => store.read.gateway.listPolicies(), log });
  const confirmations = new Confirmations(() => store.read.gateway, { holdMs: config.confirmations.holdMs, expiryMs: config.confirmations.expiryMs });
  const keys = new KeyCache({ findByHash: (h) => store.read.gateway.findKeyByHash(h), touch: (id) => store.read.gateway.touchKey(id) });
  const manage = gatewayManagement({ gov, config, policies, keys, confirmations, ...(opts.env ? { env: opts.env } : {}) });
  // Compiling policies (the default's lexicons and classifiers take a second or two) does not hold
  // up the server's start: requests and management calls wait for `ready` instead.
  const ready = manage.reload().then(() => undefined);
  const dataDir = opts.config?.dataDir ?? join(tmpdir(), `zongheng-gateway-${process.pid}`);
  const decisions = new DecisionLog(decisionSink(store), { dir: join(dataDir, 'gateway'), ...config.decisions, log });
  const stats = new SystemStats();

  const app = proxyApp({
    ready,
    keys,
    policy: (n) => policies.get(n),
    upstream: (n): Upstream | undefined => manage.upstreamFor(n),
    decisions,
    stats,
    confirmations,
    config: () => config,
    log,
  });

  async function emitEvidence() {
    const until = new Date().toISOString();
    const recorded: { systemId: string; evidenceId: string; duplicate: boolean }[] = [];
    const failed: { systemId: string; error: string }[] = [];
    for (const w of stats.drain()) {
      try {
        const e = await gov.recordEvidence(evidenceFor(w, until), GATEWAY_ACTOR);
        recorded.push({ systemId: w.systemId, evidenceId: e.id, duplicate: e.duplicate });
      } catch (err) {
        stats.restore(w);
        failed.push({ systemId: w.systemId, error: (err as Error).message });
        log('warn', 'could not record guardrail evidence; will retry', { systemId: w.systemId, error: (err as Error).message });
      }
    }
    return { recorded, failed };
  }

  const timers: NodeJS.Timeout[] = [];
  const watchers: FSWatcher[] = [];
  if (background) {
    if (config.evidence.intervalMs > 0) timers.push(setInterval(() => void emitEvidence(), config.evidence.intervalMs));
    timers.push(setInterval(() => void confirmations.expire().catch(() => undefined), 30_000));
    if (config.reloadMs > 0) {
      // Picks up policy-file edits and changes other instances made through the API.
      let last = '';
      void ready.then(() => store.read.gateway.configVersion()).then((v) => (last = v), () => undefined);
      timers.push(setInterval(() => {
        void store.read.gateway.configVersion().then(async (v) => {
          if (v !== last) {
            last = v;
            await manage.reload();
          } else await policies.reload();
        }, () => undefined);
      }, config.reloadMs));
    }
    void ready.then(() => {
      for (const p of policies.list()) {
        if (!p.file) continue;
        try {
          const w = watch(p.file, () => void policies.reload().then((r) => r.changed.length && log('info', 'policies reloaded', { changed: r.changed })));
          w.unref();
          watchers.push(w);
        } catch {
          /* polling above still picks it up */
        }
      }
    });
    for (const t of timers) t.unref();
  }

  return {
    ...manage,
    ready,
    app,
    config,
    decisions,
    stats,
    confirmations,
    emitEvidence,
    async close() {
      await ready;
      for (const t of timers) clearInterval(t);
      for (const w of watchers) w.close();
      await decisions.close();
      if (background) await emitEvidence().catch(() => undefined);
    },
  };
}

// In-process CLI calls build the app without a server: the gateway's management API is created
// on first use, with the config the CLI registered (so --upstream names from the config file resolve).
const registry = new WeakMap<Governance, { config?: Config; gateway?: Promise<Gateway> }>();

export function registerGatewayConfig(gov: Governance, config: Config): void {
  registry.set(gov, { config });
}

export function gatewayFor(gov: Governance): Promise<Gateway> {
  let e = registry.get(gov);
  if (!e) registry.set(gov, (e = {}));
  return (e.gateway ??= createGateway({ gov, ...(e.config ? { config: e.config } : {}), background: false }));
}
