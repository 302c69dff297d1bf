import { Badge, Busy, DateText, Empty, ErrorBox, Loading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/data.tsx';
import { Link } from '../../lib/router.tsx';
import { GatewayHeader } from './GatewayTabs.tsx';
import type { PolicyInfo, ScannerInfo } from './types.ts';

function Scanners({ items }: { items: ScannerInfo[] }) {
  const { e } = useI18n();
  if (!items.length) return <span className="muted">—</span>;
  return (
    <ul className="tax-list">
      {items.map((s, i) => (
        <li key={i}>
          <code>{s.name}</code> → {e('gwAction', s.action)}
        </li>
      ))}
    </ul>
  );
}

/** Loaded guard policies (built-in, config file, API) and any that failed to load. */
export function GatewayPolicies() {
  const { t, e } = useI18n();
  const list = useApi((s) => api.get<{ items: PolicyInfo[]; errors: Record<string, string> }>('/api/gateway/policies', {}, s), []);
  const errors = Object.entries(list.data?.errors ?? {});
  return (
    <>
      <GatewayHeader
        title={t('gw.tab.policies')}
        actions={
          <Link className="button primary" to="/gateway/policies/new">
            {t('gw.pol.new')}
          </Link>
        }
      >
        <p className="subtitle">{t('gw.pol.intro')}</p>
      </GatewayHeader>
      {errors.length > 0 && (
        <div className="alert error" role="alert">
          <div>
            <strong>{t('gw.pol.loadErrors')}</strong>
            <ul>
              {errors.map(([n, m]) => (
                <li key={n}>
                  <code>{n}</code>: {m}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      <Busy on={list.loading && !!list.data} />
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty title={t('gw.pol.empty')} action={<Link className="button primary" to="/gateway/policies/new">{t('gw.pol.new')}</Link>} />
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="policy-table">
            <thead>
              <tr>
                <th scope="col">{t('gw.pol.name')}</th>
                <th scope="col">{t('gw.source')}</th>
                <th scope="col" className="num">{t('gw.pol.revision')}</th>
                <th scope="col">{t('gw.pol.input')}</th>
                <th scope="col">{t('gw.pol.output')}</th>
                <th scope="col">{t('gw.pol.tools')}</th>
                <th scope="col">{t('gw.pol.loadedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.name}>
                  <td className="title-cell">
                    <Link to={`/gateway/policies/${encodeURIComponent(p.name)}`}>{p.name}</Link>
                    {p.description && <p className="muted small">{p.description}</p>}
                  </td>
                  <td>
                    <Badge group="policySource" value={p.source} />
                  </td>
                  <td className="num">{p.revision}</td>
                  <td>
                    <Scanners items={p.input} />
                  </td>
                  <td>
                    <Scanners items={p.output} />
                  </td>
                  <td>{p.tools ? t('gw.pol.toolRules', { n: p.tools.rules, d: e('toolDecision', p.tools.default) }) : <span className="muted">—</span>}</td>
                  <td>
                    <DateText iso={p.loadedAt} withTime />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
