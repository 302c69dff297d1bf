import { BlockRates } from '../../components/BlockRates.tsx';
import { SystemName } from '../../components/Pickers.tsx';
import { Badge, Busy, Card, DateText, Empty, ErrorBox, Loading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/data.tsx';
import { Link, useQueryState } from '../../lib/router.tsx';
import { GatewayHeader } from './GatewayTabs.tsx';
import type { GatewayStats } from './types.ts';

const WINDOWS = ['1', '24', '168', '720'];
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function GatewayOverview() {
  const { t, num } = useI18n();
  const [q, setQ] = useQueryState();
  const hours = WINDOWS.includes(q.hours ?? '') ? q.hours! : '24';
  const stats = useApi((s) => api.get<GatewayStats>('/api/gateway/stats', { hours }, s), [hours]);
  const d = stats.data;
  const requests = d?.systems.reduce((a, s) => a + s.requests, 0) ?? 0;
  return (
    <>
      <GatewayHeader title={t('gw.title')}>
        <p className="subtitle">{t('gw.intro')}</p>
      </GatewayHeader>
      <div className="filters">
        <div className="filter">
          <label htmlFor="gw-window">{t('gw.window')}</label>
          <select id="gw-window" value={hours} onChange={(e) => setQ({ hours: e.target.value === '24' ? undefined : e.target.value })}>
            {WINDOWS.map((h) => (
              <option key={h} value={h}>
                {t(`gw.window.${h}` as 'gw.window.24')}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Busy on={stats.loading && !!d} />
      {stats.error ? (
        <ErrorBox error={stats.error} onRetry={stats.reload} />
      ) : !d ? (
        <Loading />
      ) : (
        <div className="grid-2" data-testid="gateway-overview">
          <Card title={t('gw.blockRatesChart')} className="span-2">
            {requests ? (
              <BlockRates systems={d.systems} />
            ) : (
              <Empty title={t('gw.noTraffic')}>
                {t('gw.noTrafficHint')} <Link to="/gateway/keys">{t('gw.tab.keys')}</Link>
              </Empty>
            )}
          </Card>
          <Card title={t('gw.perSystem')} className="span-2">
            {d.systems.length === 0 ? (
              <p className="muted">{t('gw.noTraffic')}</p>
            ) : (
              <div className="table-wrap">
                <table className="data" data-testid="gateway-systems">
                  <thead>
                    <tr>
                      <th scope="col">{t('common.system')}</th>
                      <th scope="col" className="num">{t('gw.requests')}</th>
                      <th scope="col" className="num">{t('gw.blockRate')}</th>
                      <th scope="col" className="num">{t('gw.inputBlocked')}</th>
                      <th scope="col" className="num">{t('gw.outputBlocked')}</th>
                      <th scope="col" className="num">{t('gw.masked')}</th>
                      <th scope="col" className="num">{t('gw.toolDenied')}</th>
                      <th scope="col" className="num">{t('gw.toolConfirm')}</th>
                      <th scope="col" className="num">{t('gw.guardMs')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.systems.map((s) => (
                      <tr key={s.systemId ?? '-'}>
                        <td>{s.systemId ? <SystemName id={s.systemId} /> : '—'}</td>
                        <td className="num">{num(s.requests)}</td>
                        <td className="num">{pct(s.blockRate)}</td>
                        <td className="num">{num(s.inputBlocked)}</td>
                        <td className="num">{num(s.outputBlocked)}</td>
                        <td className="num">{num(s.masked)}</td>
                        <td className="num">{num(s.toolDenied)}</td>
                        <td className="num">{num(s.toolConfirm)}</td>
                        <td className="num">{s.guardMsAvg.toFixed(2)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <p className="hint">
              {t('gw.since')} <DateText iso={d.since} withTime />
            </p>
          </Card>
          <Card title={t('gw.decisionLog')}>
            <dl className="kv">
              {(['recorded', 'written', 'pending', 'spilled', 'replayed', 'failures'] as const).map((k) => (
                <div key={k}>
                  <dt>{t(`gw.log.${k}`)}</dt>
                  <dd>{num(d.decisionLog[k])}</dd>
                </div>
              ))}
            </dl>
            {d.decisionLog.storeDown && <p className="bad-text">{t('gw.log.storeDown')}</p>}
          </Card>
          <Card title={t('gw.tab.upstreams')} actions={<Link to="/gateway/upstreams">{t('common.viewAll')}</Link>}>
            {d.upstreams.length === 0 ? (
              <p className="muted">{t('gw.up.empty')}</p>
            ) : (
              <ul className="plain-list">
                {d.upstreams.map((u) => (
                  <li key={u.name}>
                    <strong>{u.name}</strong> <span className="muted">{u.type}</span> · <CircuitBadge state={u.circuit?.state} />
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      )}
    </>
  );
}

export function CircuitBadge({ state }: { state: string | undefined }) {
  return <Badge group="circuit" value={state ?? 'closed'} />;
}
