import { useCallback, useMemo, useState } from 'react';
import { SystemPicker } from '../components/Pickers.tsx';
import { Busy, Empty, ErrorBox, Loading, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { rememberSystem, useApi, useTaxonomyItems } from '../lib/data.tsx';
import { Link, useQueryState } from '../lib/router.tsx';
import type { Control, Coverage, SystemRecord } from '../lib/types.ts';
import { ControlPanel } from './ControlPanel.tsx';

const COLUMNS = 8;
const SHORT: Record<string, string> = { planned: '○', 'in-progress': '◐', implemented: '●', verified: '✔', 'not-applicable': '—' };

function pct(a: number, b: number): number {
  return b ? Math.round((1000 * a) / b) / 10 : 0;
}

export function Controls() {
  const { t, e, pick, num } = useI18n();
  const [q, setQ] = useQueryState();
  const [open, setOpen] = useState<Control | null>(null);
  const coverage = useApi((s) => api.get<{ items: Coverage[] }>('/api/controls/coverage', q.systemId ? { systemId: q.systemId } : {}, s), [q.systemId]);
  const frameworks = coverage.data?.items ?? [];
  // Without a choice in the URL, open the framework with the most controls.
  const framework = q.framework && frameworks.some((f) => f.framework === q.framework) ? q.framework : [...frameworks].sort((a, b) => b.total - a.total)[0]?.framework;

  // Columns: one system (when filtered) or a page of systems; each column's controls in this framework.
  const matrix = useApi(
    async (s) => {
      if (!framework) return null;
      const systems = q.systemId ? [await api.get<SystemRecord>(`/api/systems/${encodeURIComponent(q.systemId)}`, {}, s)] : (await api.get<{ items: SystemRecord[]; nextCursor: string | null }>('/api/systems', { limit: COLUMNS, cursor: q.cursor }, s)).items;
      systems.forEach(rememberSystem);
      const cols = await Promise.all(systems.map((sys) => api.get<{ items: Control[] }>('/api/controls', { systemId: sys.id, framework, limit: 500 }, s).then((r) => ({ system: sys, controls: r.items }))));
      return { cols, hasMore: !q.systemId && systems.length === COLUMNS, lastId: systems.at(-1)?.id };
    },
    [framework, q.systemId, q.cursor],
  );
  const [overrides, setOverrides] = useState<Map<string, Control>>(new Map());
  const measures = useMemo(() => {
    const ids = new Set<string>();
    for (const c of matrix.data?.cols ?? []) for (const ctl of c.controls) ids.add(ctl.measureId);
    return [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  }, [matrix.data]);
  const names = useTaxonomyItems(measures);
  const onSaved = useCallback((c: Control) => {
    setOverrides((m) => new Map(m).set(c.id, c));
    coverage.reload();
  }, [coverage]);
  const onClose = useCallback(() => setOpen(null), []);

  const cur = frameworks.find((f) => f.framework === framework);
  const cols = (matrix.data?.cols ?? []).map((c) => {
    const controls = c.controls.map((x) => overrides.get(x.id) ?? x);
    const byMeasure = new Map(controls.map((x) => [x.measureId, x]));
    const applicable = controls.filter((x) => x.status !== 'not-applicable');
    const done = applicable.filter((x) => x.status === 'implemented' || x.status === 'verified').length;
    return { system: c.system, byMeasure, pct: pct(done, applicable.length), count: controls.length };
  });

  return (
    <>
      <PageHeader title={t('ctl.title')} />
      <div className="filters">
        <div className="filter wide">
          <SystemPicker label={t('common.system')} value={q.systemId ?? ''} onChange={(v) => setQ({ systemId: v, cursor: undefined })} />
        </div>
      </div>
      {coverage.error ? (
        <ErrorBox error={coverage.error} onRetry={coverage.reload} />
      ) : !coverage.data ? (
        <Loading />
      ) : frameworks.length === 0 ? (
        <Empty action={<Link className="button primary" to="/systems/new">{t('sys.new')}</Link>}>{t('ctl.empty')}</Empty>
      ) : (
        <>
          <div className="framework-cards" role="tablist" aria-label={t('ctl.framework')}>
            {frameworks.map((f) => (
              <button key={f.framework} type="button" role="tab" aria-selected={f.framework === framework} className="framework-card" onClick={() => setQ({ framework: f.framework, cursor: undefined })}>
                <strong>{pick(f.name) || f.framework}</strong>
                <span className="meter" aria-hidden="true">
                  <span className="m-impl" style={{ width: `${f.implementedPct ?? 0}%` }} />
                  <span className="m-ver" style={{ width: `${f.verifiedPct ?? 0}%` }} />
                </span>
                <small>{t('ctl.coverageLine', { implemented: f.implementedPct ?? 0, verified: f.verifiedPct ?? 0, total: num(f.total) })}</small>
              </button>
            ))}
          </div>
          <section aria-labelledby="matrix-title" className="card" role="tabpanel">
            <div className="card-head">
              <h2 id="matrix-title">
                {t('ctl.matrix')} — {pick(cur?.name) || framework}
              </h2>
            </div>
            <p className="hint">
              {t('ctl.matrixHint')} {Object.entries(SHORT).map(([k, v]) => `${v} ${e('controlStatus', k)}`).join(' · ')}
            </p>
            <Busy on={matrix.loading && !!matrix.data} />
            {matrix.error ? (
              <ErrorBox error={matrix.error} onRetry={matrix.reload} />
            ) : !matrix.data ? (
              <Loading />
            ) : (
              <div className="table-wrap matrix-wrap">
                <table className="matrix" data-testid="control-matrix">
                  <thead>
                    <tr>
                      <th scope="col">{t('ctl.measure')}</th>
                      {cols.map((c) => (
                        <th scope="col" key={c.system.id} className="sys-col">
                          <Link to={`/systems/${c.system.id}`}>{c.system.name}</Link>
                          <small>{c.count ? t('ctl.systemCoverage', { pct: c.pct }) : t('ctl.absent')}</small>
                        </th>
                      ))}
                      <th scope="col">{t('ctl.coverage')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {measures.map((m) => {
                      const cells = cols.map((c) => c.byMeasure.get(m));
                      const present = cells.filter((x): x is Control => !!x && x.status !== 'not-applicable');
                      const done = present.filter((x) => x.status === 'implemented' || x.status === 'verified').length;
                      return (
                        <tr key={m}>
                          <th scope="row" className="measure">
                            <code>{m}</code> <span>{pick(names.get(m)?.name)}</span>
                          </th>
                          {cells.map((ctl, i) => (
                            <td key={cols[i]!.system.id} className={ctl ? `st st-${ctl.status}` : 'st st-none'}>
                              {ctl ? (
                                <button type="button" onClick={() => setOpen(ctl)} aria-label={`${m} × ${cols[i]!.system.name}: ${e('controlStatus', ctl.status)}`} title={e('controlStatus', ctl.status) + (ctl.needsReverification ? ` · ${t('ctl.needsReverification')}` : '')}>
                                  {SHORT[ctl.status] ?? ctl.status}
                                  {ctl.needsReverification ? '!' : ''}
                                </button>
                              ) : (
                                <span className="muted" title={t('ctl.absent')}>·</span>
                              )}
                            </td>
                          ))}
                          <td className="num">{present.length ? `${pct(done, present.length)}%` : '—'}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
            {!q.systemId && (
              <nav className="pager" aria-label={t('common.pagination')}>
                <button type="button" disabled={!q.cursor} onClick={() => setQ({ cursor: undefined })}>
                  {t('common.first')}
                </button>
                <button type="button" disabled={!matrix.data?.hasMore} onClick={() => setQ({ cursor: matrix.data?.lastId })}>
                  {t('common.next')}
                </button>
              </nav>
            )}
          </section>
        </>
      )}
      {open && <ControlPanel control={overrides.get(open.id) ?? open} onClose={onClose} onSaved={onSaved} />}
    </>
  );
}
