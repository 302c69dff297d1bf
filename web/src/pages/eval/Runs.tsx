import { useState } from 'react';
import { EnumFilter } from '../../components/Filters.tsx';
import { SystemName, SystemPicker } from '../../components/Pickers.tsx';
import { Badge, Busy, DateText, Empty, ErrorBox, Loading, PageHeader, Pager } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/data.tsx';
import { Link, useQueryState, useRouter } from '../../lib/router.tsx';
import { pct, type EvalRun } from './types.ts';
import { GateBadge } from '../../components/GateBadge.tsx';

const LIMIT = 25;

/** Evaluation runs, newest first: pass rate with its 95% interval, the gate, and two to compare. */
export function EvalRuns() {
  const { t, num } = useI18n();
  const { navigate } = useRouter();
  const [q, setQ] = useQueryState();
  const offset = Number(q.offset ?? 0) || 0;
  const list = useApi((s) => api.get<{ items: EvalRun[] }>('/api/eval/runs', { systemId: q.systemId, status: q.status, limit: LIMIT, offset }, s), [q.systemId, q.status, offset]);
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  const running = list.data?.items.some((r) => r.status === 'running');
  return (
    <>
      <PageHeader
        title={t('evr.title')}
        actions={
          <button type="button" className="primary" disabled={picked.length !== 2} data-testid="compare" onClick={() => navigate(`/eval/compare?a=${picked[0]}&b=${picked[1]}`)}>
            {t('evr.compareSelected', { n: picked.length })}
          </button>
        }
      >
        <p className="subtitle">{t('evr.intro')}</p>
      </PageHeader>
      <div className="filters" role="search">
        <EnumFilter label={t('common.status')} group="runStatus" value={q.status ?? ''} onChange={(v) => setQ({ status: v, offset: undefined })} />
        <div className="filter wide">
          <SystemPicker label={t('common.system')} value={q.systemId ?? ''} onChange={(v) => setQ({ systemId: v, offset: undefined })} />
        </div>
        {running && (
          <button type="button" className="small" onClick={list.reload}>
            {t('evr.refresh')}
          </button>
        )}
      </div>
      <Busy on={list.loading && !!list.data} />
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty title={t('evr.empty')}>
          {t('evr.emptyHint')} <code>zongheng eval run --suite gbt45654 --target target.yaml --system SYSTEM_ID</code>
        </Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data" data-testid="run-table">
              <thead>
                <tr>
                  <th scope="col">{t('evr.pick')}</th>
                  <th scope="col">{t('evr.started')}</th>
                  <th scope="col">{t('evr.suite')}</th>
                  <th scope="col">{t('evr.target')}</th>
                  <th scope="col">{t('common.system')}</th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col" className="num">{t('evr.cases')}</th>
                  <th scope="col" className="num">{t('evr.passRate')}</th>
                  <th scope="col">{t('evr.gate')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((r) => {
                  const tot = r.summary?.totals;
                  return (
                    <tr key={r.id}>
                      <td>
                        <input type="checkbox" aria-label={t('evr.pickRun', { id: r.id })} checked={picked.includes(r.id)} onChange={() => toggle(r.id)} disabled={!r.summary} />
                      </td>
                      <td>
                        <Link to={`/eval/runs/${r.id}`}>
                          <DateText iso={r.startedAt} withTime />
                        </Link>
                      </td>
                      <td>
                        <code>{r.suite}</code>
                      </td>
                      <td>{r.targetName}</td>
                      <td>{r.systemId ? <SystemName id={r.systemId} /> : '—'}</td>
                      <td>
                        <Badge group="runStatus" value={r.status} />
                        {r.status === 'running' && r.progress && <div className="muted small">{t('evr.progress', { done: num(r.progress.done), total: num(r.progress.total) })}</div>}
                      </td>
                      <td className="num">{tot ? num(tot.results) : '—'}</td>
                      <td className="num">
                        {tot ? (
                          <>
                            {pct(tot.rate)} <span className="muted small">[{pct(tot.lower, 0)}–{pct(tot.upper, 0)}]</span>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>{r.summary?.gate ? <GateBadge failed={r.summary.gate.failed} failing={r.summary.gate.failingCategories.length} /> : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={LIMIT} count={list.data.items.length} onOffset={(o) => setQ({ offset: o ? String(o) : undefined })} />
        </>
      )}
    </>
  );
}
