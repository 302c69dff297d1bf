import { authService } from './auth.ts';
import type { GovernanceDeps } from './context.ts';
import { controlService } from './controls.ts';
import { dashboardService } from './dashboard.ts';
import { evidenceService } from './evidence.ts';
import { incidentService } from './incidents.ts';
import { riskService } from './risks.ts';
import { systemService } from './systems.ts';

export type { Actor, GovernanceDeps } from './context.ts';
export { can, requirePermission, hashToken, type Permission } from './auth.ts';
export { zodToError, formatPath } from './validation.ts';
export type { AppliedEffect } from './evidence.ts';

/** The governance core: one object that modules and the API talk to. */
export function createGovernance(deps: GovernanceDeps) {
  const systems = systemService(deps);
  const risks = riskService(deps, systems);
  const controls = controlService(deps);
  const incidents = incidentService(deps);
  const evidence = evidenceService(deps, systems, risks, controls, incidents);
  return {
    deps,
    systems,
    risks,
    controls,
    evidence,
    incidents,
    /** The one door for technical modules (design.md §1). */
    recordEvidence: evidence.record,
    dashboard: dashboardService(deps),
    auth: authService(deps.store),
    audit: {
      list: (o: { entityType?: string; entityId?: string; afterSeq?: number; limit: number; descending?: boolean }) => deps.store.read.audit.list(o),
      verify: () => deps.store.read.audit.verify(),
    },
  };
}
export type Governance = ReturnType<typeof createGovernance>;
