import { EnumFilter } from '../components/Filters.tsx';
import { SystemName, SystemPicker, TaxonomyList } from '../components/Pickers.tsx';
import { Badge, Busy, DateText, Empty, ErrorBox, Loading, PageHeader, Pager } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { useApi } from '../lib/data.tsx';
import { Link, useQueryState } from '../lib/router.tsx';
import type { Incident } from '../lib/types.ts';

const LIMIT = 50;

export function Incidents() {
  const { t } = useI18n();
  const [q, setQ] = useQueryState();
  const offset = Number(q.offset ?? 0) || 0;
  const list = useApi((s) => api.get<{ items: Incident[] }>('/api/incidents', { status: q.status, severity: q.severity, systemId: q.systemId, limit: LIMIT, offset }, s), [q.status, q.severity, q.systemId, offset]);
  const filtered = !!(q.status || q.severity || q.systemId);
  const newLink = `/incidents/new${q.systemId ? `?systemId=${encodeURIComponent(q.systemId)}` : ''}`;
  return (
    <>
      <PageHeader
        title={t('inc.title')}
        actions={
          <Link className="button primary" to={newLink}>
            {t('inc.new')}
          </Link>
        }
      />
      <div className="filters" role="search">
        <EnumFilter label={t('common.status')} group="incidentStatus" value={q.status ?? ''} onChange={(v) => setQ({ status: v, offset: undefined })} />
        <EnumFilter label={t('inc.severity')} group="severity" only={['low', 'medium', 'high', 'critical']} value={q.severity ?? ''} onChange={(v) => setQ({ severity: v, offset: undefined })} />
        <div className="filter wide">
          <SystemPicker label={t('common.system')} value={q.systemId ?? ''} onChange={(v) => setQ({ systemId: v, offset: undefined })} />
        </div>
      </div>
      <Busy on={list.loading && !!list.data} />
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty title={filtered ? t('inc.noMatch') : undefined} action={<Link className="button primary" to={newLink}>{t('inc.new')}</Link>}>
          {t('inc.empty')}
        </Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data" data-testid="incident-table">
              <thead>
                <tr>
                  <th scope="col">{t('inc.openedAt')}</th>
                  <th scope="col">{t('common.title')}</th>
                  <th scope="col">{t('inc.severity')}</th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col">{t('common.system')}</th>
                  <th scope="col">{t('risk.taxonomies')}</th>
                  <th scope="col">{t('inc.closedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <DateText iso={x.openedAt} withTime />
                    </td>
                    <td className="title-cell">
                      <Link to={`/incidents/${x.id}`}>{x.title}</Link>
                      {x.description && <p className="muted small">{x.description}</p>}
                    </td>
                    <td>
                      <Badge group="severity" value={x.severity} />
                    </td>
                    <td>
                      <Badge group="incidentStatus" value={x.status} />
                    </td>
                    <td>
                      <SystemName id={x.systemId} />
                    </td>
                    <td>
                      <TaxonomyList ids={x.taxonomyIds} />
                    </td>
                    <td>
                      <DateText iso={x.closedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={LIMIT} count={list.data.items.length} onOffset={(o) => setQ({ offset: o ? String(o) : undefined })} />
        </>
      )}
    </>
  );
}
