import { useMemo } from 'react';
import { BlockRates } from '../components/BlockRates.tsx';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { HeatMap } from '../components/HeatMap.tsx';
import { SystemName } from '../components/Pickers.tsx';
import { Badge, Card, DateText, Empty, ErrorBox, Loading, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api, ApiError } from '../lib/api.ts';
import { useApi } from '../lib/data.tsx';
import { Link } from '../lib/router.tsx';
import type { GatewayStats } from './gateway/types.ts';
import { pct, type EvalRun } from './eval/types.ts';
import { GateBadge } from '../components/GateBadge.tsx';
import type { AuditEntry, Dashboard as DashboardData, Evidence, RiskPage, TaxonomySummary } from '../lib/types.ts';

const GRADE_COLORS: Record<string, string> = { low: '#7fb77e', medium: '#f1c40f', high: '#e67e22', critical: '#c0392b' };
const PRIORITY_COLORS: Record<string, string> = { low: '#7fb77e', medium: '#e6a23c', high: '#c0392b' };

let taxonomyList: Promise<TaxonomySummary[]> | undefined;
export function loadTaxonomyList(): Promise<TaxonomySummary[]> {
  return (taxonomyList ??= api.get<{ items: TaxonomySummary[] }>('/api/taxonomies').then((r) => r.items, (e) => ((taxonomyList = undefined), Promise.reject(e))));
}

export function Dashboard() {
  const { t, e, num, pick } = useI18n();
  const dash = useApi((s) => api.get<DashboardData>('/api/dashboard', {}, s), []);
  const names = useApi(() => loadTaxonomyList(), []);
  const d = dash.data;
  // The lists below the charts wait for the summary: on the embedded store queries run one at a time,
  // and the summary (counts, heat map, coverage) is what the page is for.
  const ready = !!d;
  const overdue = useApi((s) => (ready ? api.get<RiskPage>('/api/risks', { overdue: true, sort: 'review', limit: 5 }, s) : new Promise<never>(() => undefined)), [ready]);
  const evidence = useApi((s) => (ready ? api.get<{ items: Evidence[] }>('/api/evidence', { limit: 5 }, s) : new Promise<never>(() => undefined)), [ready]);
  const audit = useApi((s) => (ready ? api.get<{ items: AuditEntry[] }>('/api/audit', { limit: 6 }, s) : new Promise<never>(() => undefined)), [ready]);
  // Gateway block rates (last 24 h): shown only when requests went through the gateway.
  const gateway = useApi((s) => (ready ? api.get<GatewayStats>('/api/gateway/stats', { hours: 24 }, s) : new Promise<never>(() => undefined)), [ready]);
  const evalRuns = useApi((s) => (ready ? api.get<{ items: EvalRun[] }>('/api/eval/runs', { status: 'completed', limit: 4 }, s) : new Promise<never>(() => undefined)), [ready]);
  const gwRequests = gateway.data?.systems.reduce((a, x) => a + x.requests, 0) ?? 0;

  const gradeOption = useMemo<ChartOption | null>(() => {
    if (!d) return null;
    const grades = ['low', 'medium', 'high', 'critical'];
    return {
      tooltip: {},
      grid: { left: 36, right: 12, top: 22, bottom: 28 },
      xAxis: { type: 'category', data: grades.map((g) => e('grade', g)), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', barWidth: '55%', data: grades.map((g) => ({ value: d.systemsByGrade[g] ?? 0, itemStyle: { color: GRADE_COLORS[g] } })), label: { show: true, position: 'top' } }],
    };
  }, [d, e]);
  const priorityOption = useMemo<ChartOption | null>(() => {
    if (!d) return null;
    const ps = ['high', 'medium', 'low'];
    return {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['42%', '74%'], center: ['50%', '44%'], labelLine: { show: false }, label: { position: 'inside', color: '#fff', fontWeight: 'bold', formatter: (p: { value: number }) => (p.value ? String(p.value) : '') }, data: ps.map((p) => ({ name: e('priority', p), value: d.openRisksByPriority[p] ?? 0, itemStyle: { color: PRIORITY_COLORS[p] } })) }],
    };
  }, [d, e]);
  const coverageOption = useMemo<ChartOption | null>(() => {
    if (!d) return null;
    const byId = new Map((names.data ?? []).map((x) => [x.id, x.name]));
    const rows = [...d.coverage].reverse();
    const label = (f: string) => {
      const n = pick(byId.get(f));
      return n ? (n.length > 26 ? n.slice(0, 25) + '…' : n) : f;
    };
    const pct = (a: number, b: number) => (b ? Math.round((1000 * a) / b) / 10 : 0);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 8, bottom: 36, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: rows.map((c) => label(c.framework)) },
      series: [
        { name: t('dash.implemented'), type: 'bar', data: rows.map((c) => pct(c.implemented, c.total - c.notApplicable)), itemStyle: { color: '#5b8fc7' }, label: { show: true, position: 'right', formatter: '{c}%' } },
        { name: t('dash.verified'), type: 'bar', data: rows.map((c) => pct(c.verified, c.total - c.notApplicable)), itemStyle: { color: '#2e7d5b' }, label: { show: true, position: 'right', formatter: '{c}%' } },
      ],
    };
  }, [d, names.data, pick, t]);

  if (dash.error) return <ErrorBox error={dash.error} onRetry={dash.reload} />;
  if (!d) return (
    <>
      <PageHeader title={t('dash.title')} />
      <Loading />
    </>
  );

  const systems = Object.values(d.systemsByGrade).reduce((a, b) => a + b, 0);
  const open = Object.values(d.openRisksByPriority).reduce((a, b) => a + b, 0);
  if (systems === 0) {
    return (
      <div data-testid="dashboard" data-ready="true">
        <PageHeader title={t('dash.title')} />
        <Empty title={t('dash.empty')} action={<Link className="button primary" to="/systems/new">{t('sys.new')}</Link>}>
          {t('dash.emptyHint')}
        </Empty>
      </div>
    );
  }
  return (
    <div data-testid="dashboard" data-ready="true">
      <PageHeader title={t('dash.title')} />
      <div className="kpis">
        <Link to="/systems" className="kpi">
          <span className="kpi-n">{num(systems)}</span>
          <span>{t('nav.systems')}</span>
        </Link>
        <Link to="/risks?open=true" className="kpi">
          <span className="kpi-n" data-testid="kpi-open">{num(open)}</span>
          <span>{t('dash.openRisks')}</span>
        </Link>
        <Link to="/risks?overdue=true&sort=review" className={d.overdueRisks ? 'kpi warn' : 'kpi'}>
          <span className="kpi-n">{num(d.overdueRisks)}{d.overdueCapped ? '+' : ''}</span>
          <span>{t('dash.overdue')}</span>
        </Link>
        <Link to="/risks?open=true&needsReassessment=true" className={d.risksNeedingReassessment ? 'kpi warn' : 'kpi'}>
          <span className="kpi-n">{num(d.risksNeedingReassessment)}{d.reassessmentCapped ? '+' : ''}</span>
          <span>{t('risk.needsReassessment')}</span>
        </Link>
      </div>
      <div className="grid-dash">
        <Card title={t('dash.heatmap')} className="span-2 heat-card">
          {open ? <HeatMap cells={d.heatMap} height={400} /> : <Empty>{t('dash.noRisks')}</Empty>}
        </Card>
        <Card title={t('dash.systemsByGrade')}>{gradeOption && <Chart option={gradeOption} label={t('dash.systemsByGrade')} height={200} />}</Card>
        <Card title={t('dash.risksByPriority')}>{priorityOption && <Chart option={priorityOption} label={t('dash.risksByPriority')} height={200} />}</Card>
        <Card title={t('dash.coverage')} className="span-2">
          {d.coverage.length ? coverageOption && <Chart option={coverageOption} label={t('dash.coverage')} height={Math.max(160, 44 * d.coverage.length + 60)} /> : <Empty>{t('ctl.empty')}</Empty>}
          <Link to="/controls">{t('common.viewAll')}</Link>
        </Card>
        <div className="span-2 stack">
        <Card title={t('dash.overdue')} actions={<Link to="/risks?overdue=true&sort=review">{t('common.viewAll')}</Link>}>
          {overdue.error ? (
            <ErrorBox error={overdue.error} />
          ) : !overdue.data ? (
            <Loading inline />
          ) : overdue.data.items.length === 0 ? (
            <p className="muted">{t('dash.noOverdue')}</p>
          ) : (
            <ul className="plain-list">
              {overdue.data.items.map((r) => (
                <li key={r.id}>
                  <Badge group="priority" value={r.priority} /> <Link to={`/risks/${r.id}`}>{r.title}</Link>{' '}
                  <span className="muted">
                    {t('risk.nextReview')} <DateText iso={r.nextReviewAt} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={t('dash.recentAudit')} actions={<Link to="/audit">{t('common.viewAll')}</Link>}>
          {audit.error instanceof ApiError && audit.error.status === 403 ? (
            <p className="muted">{t('dash.noAuditRole')}</p>
          ) : audit.error ? (
            <ErrorBox error={audit.error} />
          ) : !audit.data ? (
            <Loading inline />
          ) : (
            <ul className="plain-list mono-list">
              {audit.data.items.map((a) => (
                <li key={a.seq}>
                  <span className="muted">#{a.seq}</span> <code>{a.action}</code> {a.actor} <span className="muted">· <DateText iso={a.at} withTime /></span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        </div>
        {gwRequests > 0 && (
          <Card title={t('dash.gatewayBlocks')} className="span-2" actions={<Link to="/gateway">{t('common.viewAll')}</Link>}>
            <p className="muted small" data-testid="dash-gateway">
              {t('dash.gatewaySummary', { n: num(gwRequests), rate: ((100 * gateway.data!.systems.reduce((a, x) => a + x.inputBlocked + x.outputBlocked, 0)) / gwRequests).toFixed(1) })}
            </p>
            <BlockRates systems={gateway.data!.systems} />
          </Card>
        )}
        {!!evalRuns.data?.items.length && (
          <Card title={t('dash.evalTitle')} className="span-2" actions={<Link to="/eval/runs">{t('common.viewAll')}</Link>}>
            <ul className="plain-list" data-testid="dash-eval">
              {evalRuns.data.items.map((r) => (
                <li key={r.id}>
                  {r.summary?.gate && <GateBadge failed={r.summary.gate.failed} failing={r.summary.gate.failingCategories.length} />} <Link to={`/eval/runs/${r.id}`}>{r.suite} · {r.targetName}</Link>
                  <span className="muted">
                    {' '}
                    · {t('evr.passRate')} {pct(r.summary?.totals.rate)} [{pct(r.summary?.totals.lower, 0)}–{pct(r.summary?.totals.upper, 0)}] · <DateText iso={r.finishedAt ?? r.startedAt} withTime />
                    {r.systemId && (
                      <>
                        {' '}
                        · <SystemName id={r.systemId} link={false} />
                      </>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        )}
        <Card title={t('dash.recentEvidence')} className="span-2" actions={<Link to="/evidence">{t('common.viewAll')}</Link>}>
          {evidence.error ? (
            <ErrorBox error={evidence.error} />
          ) : !evidence.data ? (
            <Loading inline />
          ) : evidence.data.items.length === 0 ? (
            <p className="muted">{t('dash.noEvidence')}</p>
          ) : (
            <ul className="plain-list">
              {evidence.data.items.map((x) => (
                <li key={x.id}>
                  <Badge group="evidenceKind" value={x.kind} /> <Link to={`/evidence/${x.id}`}>{x.subject}</Link>
                  <span className="muted"> · <SystemName id={x.systemId} link={false} /> · {x.effects.length ? x.effects.map((f) => f.outcome).join('; ') : t('ev.noEffects')}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}

