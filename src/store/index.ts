import type { Db, Queryable } from './db.ts';
import { openDb, type OpenOptions } from './db.ts';
import { migrate } from './migrate.ts';
import { auditRepo } from './repos/audit.ts';
import { controlsRepo } from './repos/controls.ts';
import { evidenceRepo } from './repos/evidence.ts';
import { gatewayRepo } from './repos/gateway.ts';
import { evalShardsRepo } from './repos/eval-shards.ts';
import { evalRunsRepo } from './repos/eval-runs.ts';
import { incidentsRepo } from './repos/incidents.ts';
import { revisionsRepo } from './repos/revisions.ts';
import { risksRepo } from './repos/risks.ts';
import { systemsRepo } from './repos/systems.ts';
import { tokensRepo } from './repos/tokens.ts';

export type { Db, Queryable, OpenOptions } from './db.ts';
export { migrate, listMigrations } from './migrate.ts';
export { exportDb, importDb, ImportError } from './dump.ts';
export type { AuditEntry, AuditAppend } from './repos/audit.ts';
export type { SystemRecord, SystemFilter } from './repos/systems.ts';
export { attributesOf } from './repos/systems.ts';
export type { RiskRecord, RiskFilter, Treatment, Residual } from './repos/risks.ts';
export { heatCell, OPEN_STATUSES } from './repos/risks.ts';
export type { ControlRecord, ControlFilter, ControlStatus } from './repos/controls.ts';
export { CONTROL_STATUSES } from './repos/controls.ts';
export type { EvidenceRecord, EvidenceFilter, EvidenceLink } from './repos/evidence.ts';
export type { IncidentRecord } from './repos/incidents.ts';
export type { Revision, RevisionAppend } from './repos/revisions.ts';
export { diff } from './repos/revisions.ts';
export type { Role, Principal, TokenInfo } from './repos/tokens.ts';
export type { ShardState } from './repos/eval-shards.ts';
export type { EvalRunRecord, EvalRunStatus } from './repos/eval-runs.ts';
export { ROLES } from './repos/tokens.ts';
export type { GatewayKeyRecord, GatewayPolicyRow, GatewayUpstreamRow, GatewayDecision, ConfirmationRecord, ConfirmationStatus, GatewayRepo } from './repos/gateway.ts';

/** All repositories bound to one connection or transaction. */
export function repos(q: Queryable) {
  return {
    systems: systemsRepo(q),
    risks: risksRepo(q),
    controls: controlsRepo(q),
    evidence: evidenceRepo(q),
    incidents: incidentsRepo(q),
    revisions: revisionsRepo(q),
    audit: auditRepo(q),
    tokens: tokensRepo(q),
    gateway: gatewayRepo(q),
    evalShards: evalShardsRepo(q),
    evalRuns: evalRunsRepo(q),
  };
}
export type Repos = ReturnType<typeof repos>;

export interface Store {
  db: Db;
  /** Repositories outside a transaction, for reads. */
  read: Repos;
  /** Every multi-row change goes through here: one transaction, committed whole or not at all. */
  tx<T>(fn: (r: Repos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openStore(opts: OpenOptions): Promise<Store> {
  const db = await openDb(opts);
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return {
    db,
    read: repos(db),
    tx: (fn) => db.transaction((q) => fn(repos(q))),
    close: () => db.close(),
  };
}
