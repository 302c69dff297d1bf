import { EnumFilter, SearchBox } from '../components/Filters.tsx';
import { Badge, Busy, DateText, Empty, ErrorBox, Loading, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { rememberSystem, useApi } from '../lib/data.tsx';
import { Link, useQueryState } from '../lib/router.tsx';
import type { SystemRecord } from '../lib/types.ts';

const LIMIT = 50;

export function SystemList() {
  const { t, e } = useI18n();
  const [q, setQ] = useQueryState();
  const filters = { domain: q.domain ?? '', grade: q.grade ?? '', population: q.population ?? '', q: q.q ?? '' };
  const list = useApi(
    async (s) => {
      const r = await api.get<{ items: SystemRecord[]; nextCursor: string | null }>('/api/systems', { ...filters, cursor: q.cursor, limit: LIMIT }, s);
      r.items.forEach(rememberSystem);
      return r;
    },
    [filters.domain, filters.grade, filters.population, filters.q, q.cursor],
  );
  const filtered = !!(filters.domain || filters.grade || filters.population || filters.q);
  // Choices push a history entry (Back undoes a filter); typing in the search box replaces it.
  const set = (patch: Record<string, string>, replace = false) => setQ({ ...patch, cursor: undefined }, { replace });

  return (
    <>
      <PageHeader title={t('sys.title')} actions={<Link className="button primary" to="/systems/new">{t('sys.new')}</Link>} />
      <div className="filters" role="search">
        <SearchBox label={t('common.search')} placeholder={t('sys.searchPlaceholder')} value={filters.q} onChange={(v) => set({ q: v }, true)} />
        <EnumFilter label={t('sys.domain')} group="domain" value={filters.domain} onChange={(v) => set({ domain: v })} />
        <EnumFilter label={t('sys.grade')} group="grade" value={filters.grade} onChange={(v) => set({ grade: v })} />
        <EnumFilter label={t('sys.population')} group="population" value={filters.population} onChange={(v) => set({ population: v })} />
        {filtered && (
          <button type="button" className="link-button" onClick={() => setQ({ domain: '', grade: '', population: '', q: '', cursor: '' })}>
            {t('common.clear')}
          </button>
        )}
      </div>
      <Busy on={list.loading && !!list.data} />
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        filtered || q.cursor ? (
          <Empty>{t('sys.noMatch')}</Empty>
        ) : (
          <Empty title={t('dash.empty')} action={<Link className="button primary" to="/systems/new">{t('sys.new')}</Link>}>
            {t('sys.empty')}
          </Empty>
        )
      ) : (
        <>
          <div className="table-wrap">
            <table className="data" data-testid="systems-table">
              <thead>
                <tr>
                  <th scope="col">{t('sys.name')}</th>
                  <th scope="col">{t('sys.grade')}</th>
                  <th scope="col">{t('sys.domain')}</th>
                  <th scope="col">{t('sys.population')}</th>
                  <th scope="col">{t('sys.lifecycleStage')}</th>
                  <th scope="col">{t('sys.owner')}</th>
                  <th scope="col">{t('sys.obligations')}</th>
                  <th scope="col">{t('common.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/systems/${s.id}`}>{s.name}</Link>
                    </td>
                    <td>
                      <Badge group="grade" value={s.grade} />
                    </td>
                    <td>{e('domain', s.domain)}</td>
                    <td>{e('population', s.population)}</td>
                    <td>{e('lifecycleStage', s.lifecycleStage)}</td>
                    <td>{s.owner}</td>
                    <td className="num">{s.obligations.length}</td>
                    <td>
                      <DateText iso={s.updatedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label={t('common.pagination')}>
            <button type="button" disabled={!q.cursor} onClick={() => setQ({ cursor: undefined })}>
              {t('common.first')}
            </button>
            <button type="button" disabled={!list.data.nextCursor} onClick={() => setQ({ cursor: list.data!.nextCursor })}>
              {t('common.next')}
            </button>
          </nav>
        </>
      )}
    </>
  );
}
