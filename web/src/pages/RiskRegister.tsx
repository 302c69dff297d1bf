import { CheckFilter, EnumFilter, SearchBox } from '../components/Filters.tsx';
import { SystemName, SystemPicker, TaxonomyPicker } from '../components/Pickers.tsx';
import { Badge, Busy, DateText, Empty, ErrorBox, Loading, PageHeader, Pager } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { api, type Query } from '../lib/api.ts';
import { useApi } from '../lib/data.tsx';
import { Link, useQueryState } from '../lib/router.tsx';
import type { RiskPage } from '../lib/types.ts';

const LIMIT = 50;
/**
 * A heat-map cell "L-I" as the API's likelihood/impact filter (the residual position once treated, as on
 * the heat map). The cell keeps the register's own sort (newest first by default): every risk in a cell
 * has about the same score, and sorting a large cell by score costs the store 0.3–0.6 s at 200k risks.
 */
function cellQuery(cell: string | undefined): Query {
  const m = /^([1-5])-([1-5])$/.exec(cell ?? '');
  return m ? { likelihood: Number(m[1]), impact: Number(m[2]), open: true } : {};
}

const SORTS = ['created', 'score', 'review'] as const;

export function RiskRegister() {
  const { t, e } = useI18n();
  const [q, setQ] = useQueryState();
  const offset = Number(q.offset ?? 0) || 0;
  const sort = SORTS.includes(q.sort as (typeof SORTS)[number]) ? q.sort! : 'created';
  const filters: Query = {
    systemId: q.systemId, priority: q.priority, status: q.status, taxonomy: q.taxonomy, source: q.source, q: q.q,
    open: q.open === 'true' ? true : undefined, overdue: q.overdue === 'true' ? true : undefined, needsReassessment: q.needsReassessment === 'true' ? true : undefined,
  };
  const key = JSON.stringify([filters, sort, offset, q.cell]);
  const list = useApi(
    (s) => api.get<RiskPage>('/api/risks', { ...filters, ...cellQuery(q.cell), sort, limit: LIMIT, offset, total: true }, s),
    [key],
  );
  // Choices push a history entry (Back undoes a filter); typing in the search box replaces it.
  const set = (patch: Record<string, string | undefined>, replace = false) => setQ({ ...patch, offset: undefined }, { replace });
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== '') || !!q.cell;
  const [l, i] = (q.cell ?? '').split('-');

  const sortHeader = (col: (typeof SORTS)[number], label: MessageKey) => (
    <th scope="col" aria-sort={sort === col ? (col === 'review' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="th-sort" onClick={() => set({ sort: col === 'created' ? undefined : col })}>
        {t(label)} {sort === col ? (col === 'review' ? '▲' : '▼') : ''}
      </button>
    </th>
  );

  return (
    <>
      <PageHeader title={t('risk.title')} actions={<Link className="button primary" to={`/risks/new${q.systemId ? `?systemId=${q.systemId}` : ''}`}>{t('risk.new')}</Link>} />
      <div className="filters" role="search" data-testid="risk-filters">
        <SearchBox label={t('common.search')} placeholder={t('risk.searchPlaceholder')} value={q.q ?? ''} onChange={(v) => set({ q: v }, true)} testId="risk-search" />
        <EnumFilter label={t('risk.priority')} group="priority" value={q.priority ?? ''} onChange={(v) => set({ priority: v })} testId="filter-priority" />
        <EnumFilter label={t('risk.status')} group="riskStatus" value={q.status ?? ''} onChange={(v) => set({ status: v })} testId="filter-status" />
        <EnumFilter label={t('risk.source')} group="riskSource" value={q.source ?? ''} onChange={(v) => set({ source: v })} />
        <div className="filter">
          <label htmlFor="risk-sort">{t('common.sortBy')}</label>
          <select id="risk-sort" data-testid="risk-sort" value={sort} onChange={(ev) => set({ sort: ev.target.value === 'created' ? undefined : ev.target.value })}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`risk.sort.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <CheckFilter label={t('risk.open')} value={q.open === 'true'} onChange={(v) => set({ open: v ? 'true' : undefined })} testId="filter-open" />
        <CheckFilter label={t('risk.overdue')} value={q.overdue === 'true'} onChange={(v) => set({ overdue: v ? 'true' : undefined })} />
        <CheckFilter label={t('risk.needsReassessment')} value={q.needsReassessment === 'true'} onChange={(v) => set({ needsReassessment: v ? 'true' : undefined })} />
      </div>
      <div className="filters">
        <div className="filter wide">
          <SystemPicker label={t('risk.systemFilter')} value={q.systemId ?? ''} onChange={(v) => set({ systemId: v })} />
        </div>
        <div className="filter wide">
          <TaxonomyPicker label={t('risk.taxonomyFilter')} value={q.taxonomy ? [q.taxonomy] : []} onChange={(v) => set({ taxonomy: v.at(-1) })} />
        </div>
        {filtered && (
          <button type="button" className="link-button" onClick={() => setQ({ systemId: '', priority: '', status: '', taxonomy: '', source: '', q: '', open: '', overdue: '', needsReassessment: '', cell: '', offset: '' })}>
            {t('common.clear')}
          </button>
        )}
      </div>
      {q.cell && (
        <p className="filter-note" data-testid="cell-filter">
          {t('risk.cell', { l: l ?? '', i: i ?? '' })}{' '}
          <button type="button" className="link-button" onClick={() => set({ cell: undefined })} aria-label={t('common.remove', { name: t('risk.cell', { l: l ?? '', i: i ?? '' }) })}>
            ×
          </button>
        </p>
      )}
      <Busy on={list.loading && !!list.data} />
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        filtered ? (
          <Empty>{t('risk.noMatch')}</Empty>
        ) : (
          <Empty action={<Link className="button primary" to="/risks/new">{t('risk.new')}</Link>}>{t('risk.empty')}</Empty>
        )
      ) : (
        <>
          <div className="table-wrap">
            <table className="data" data-testid="risk-table" data-loading={list.loading ? 'true' : 'false'}>
              <thead>
                <tr>
                  <th scope="col">{t('common.title')}</th>
                  <th scope="col">{t('common.system')}</th>
                  <th scope="col">{t('risk.priority')}</th>
                  {sortHeader('score', 'risk.score')}
                  <th scope="col">{t('risk.status')}</th>
                  <th scope="col">{t('risk.source')}</th>
                  <th scope="col">{t('risk.taxonomies')}</th>
                  {sortHeader('review', 'risk.nextReview')}
                  {sortHeader('created', 'common.created')}
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((r) => (
                  <tr key={r.id} data-risk-id={r.id}>
                    <td className="title-cell">
                      <Link to={`/risks/${r.id}`}>{r.title}</Link>
                      {r.needsReassessment && <span className="tag warn">{t('risk.needsReassessment')}</span>}
                    </td>
                    <td className="system-cell">
                      <SystemName id={r.systemId} />
                    </td>
                    <td>
                      <Badge group="priority" value={r.priority} />
                    </td>
                    <td className="num">{r.residual ? `${r.residual.evaluation.score} (${r.score})` : (r.score ?? '—')}</td>
                    <td>
                      <Badge group="riskStatus" value={r.status} />
                    </td>
                    <td>{e('riskSource', r.source)}</td>
                    <td className="ids">{r.taxonomyIds.slice(0, 2).join(', ')}{r.taxonomyIds.length > 2 ? ` +${r.taxonomyIds.length - 2}` : ''}</td>
                    <td>
                      <DateText iso={r.nextReviewAt} />
                    </td>
                    <td>
                      <DateText iso={r.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={LIMIT} count={list.data.items.length} total={list.data.total} capped={list.data.totalCapped} onOffset={(o) => setQ({ offset: o ? String(o) : undefined })} />
        </>
      )}
    </>
  );
}
