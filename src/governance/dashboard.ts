import type { GovernanceDeps } from './context.ts';

/** Read-side aggregates for the console and reports. */
export function dashboardService(deps: GovernanceDeps) {
  const read = deps.store.read;
  return {
    /** 5×5 likelihood × impact counts of open risks (residual position where recorded). */
    async heatMap(systemId?: string) {
      const rows = await read.risks.heat(systemId);
      const cells: number[][] = Array.from({ length: 5 }, () => Array(5).fill(0));
      const byPriority: Record<string, number> = { high: 0, medium: 0, low: 0 };
      for (const r of rows) {
        cells[r.likelihood - 1]![r.impact - 1]! += r.n;
        byPriority[r.priority] = (byPriority[r.priority] ?? 0) + r.n;
      }
      return { systemId: systemId ?? null, axes: { rows: 'likelihood 1–5', columns: 'impact 1–5' }, cells, byPriority, total: rows.reduce((a, r) => a + r.n, 0) };
    },
    async summary() {
      const [grades, heat, overdue, needsReassessment] = await Promise.all([
        read.systems.countByGrade(),
        this.heatMap(),
        read.risks.count({ overdue: true }),
        read.risks.count({ open: true, needsReassessment: true }),
      ]);
      const coverage = await read.controls.coverage();
      // Counts stop at 10,000 (the *Capped flags say "more than"), keeping the dashboard fast on huge registers.
      return {
        systemsByGrade: grades, openRisksByPriority: heat.byPriority, heatMap: heat.cells,
        overdueRisks: Math.min(overdue, 10_000), overdueCapped: overdue > 10_000,
        risksNeedingReassessment: Math.min(needsReassessment, 10_000), reassessmentCapped: needsReassessment > 10_000, coverage,
      };
    },
  };
}
