import { useEffect, useState } from 'react';
import { SystemName } from '../../components/Pickers.tsx';
import { Badge, Card, DateText, Empty, ErrorBox, KeyValues, Loading, PageHeader } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/en.ts';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/data.tsx';
import { Link } from '../../lib/router.tsx';
import { CategoryChart } from './CategoryChart.tsx';
import { FailingExamples } from './Examples.tsx';
import { GateBadge } from '../../components/GateBadge.tsx';
import { pct, type CategoryResult, type EvalRun, type GbtFigure } from './types.ts';

const GBT: { key: 'shouldRefuse' | 'shouldNotRefuse' | 'generatedContent'; label: MessageKey }[] = [
  { key: 'shouldRefuse', label: 'evr.gbt.shouldRefuse' },
  { key: 'shouldNotRefuse', label: 'evr.gbt.shouldNotRefuse' },
  { key: 'generatedContent', label: 'evr.gbt.generatedContent' },
];

export function RunDetail({ id }: { id: string }) {
  const { t, e, num, pick } = useI18n();
  const run = useApi((s) => api.get<EvalRun>(`/api/eval/runs/${encodeURIComponent(id)}`, {}, s), [id]);
  // A running run refreshes its progress every two seconds.
  const running = run.data?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const h = setInterval(run.reload, 2000);
    return () => clearInterval(h);
  }, [running, run.reload]);
  const [asTable, setAsTable] = useState(false);
  if (run.error) return <ErrorBox error={run.error} onRetry={run.reload} />;
  const r = run.data;
  if (!r) return <Loading />;
  const s = r.summary;
  const cats: CategoryResult[] = s?.categories ?? [];
  return (
    <div data-testid="run-detail">
      <PageHeader
        title={t('evr.runTitle', { suite: r.suite, target: r.targetName })}
        actions={
          <Link className="button" to={`/eval/compare?b=${r.id}`}>
            {t('evr.compareWith')}
          </Link>
        }
      >
        <p className="subtitle">
          <Badge group="runStatus" value={r.status} /> {s?.gate && <GateBadge failed={s.gate.failed} failing={s.gate.failingCategories.length} />} · <DateText iso={r.startedAt} withTime /> · {r.systemId ? <SystemName id={r.systemId} /> : t('evr.noSystem')} · <code>{r.id}</code>
        </p>
      </PageHeader>
      {r.error && <div className="alert error">{r.error}</div>}
      {running && r.progress && (
        <div className="card">
          <label htmlFor="run-progress">{t('evr.progress', { done: num(r.progress.done), total: num(r.progress.total) })}</label>
          <progress id="run-progress" max={r.progress.total || 1} value={r.progress.done} style={{ width: '100%' }} />
        </div>
      )}
      {!s ? (
        !running && <Empty>{t('evr.noSummary')}</Empty>
      ) : (
        <>
          <div className="kpis">
            <div className="kpi">
              <span className="kpi-n">{pct(s.totals.rate)}</span>
              <span>
                {t('evr.passRate')} [{pct(s.totals.lower)}–{pct(s.totals.upper)}]
              </span>
            </div>
            <div className="kpi">
              <span className="kpi-n">{num(s.totals.results)}</span>
              <span>{t('evr.cases')}</span>
            </div>
            <div className={s.totals.fail ? 'kpi warn' : 'kpi'}>
              <span className="kpi-n">{num(s.totals.fail)}</span>
              <span>{t('evr.failed')}</span>
            </div>
            <div className="kpi">
              <span className="kpi-n">{num(s.totals.couldNotScore + s.totals.errors)}</span>
              <span>{t('evr.unscored')}</span>
            </div>
          </div>
          <Card
            title={t('evr.categoryChart')}
            actions={
              <button type="button" className="link-button" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
                {asTable ? t('evr.showChart') : t('evr.showTable')}
              </button>
            }
          >
            {cats.length === 0 ? (
              <p className="muted">{t('evr.noCategories')}</p>
            ) : asTable ? (
              <CategoryTable items={cats} />
            ) : (
              <>
                <CategoryChart items={cats} />
                <p className="hint">{t('evr.chartLegend')}</p>
              </>
            )}
          </Card>
          {s.gbt45654 && (
            <Card title={t('evr.gbt.title')}>
              <div className="table-wrap">
                <table className="data" data-testid="gbt-figures">
                  <thead>
                    <tr>
                      <th scope="col">{t('evr.gbt.bank')}</th>
                      <th scope="col">{t('evr.metric')}</th>
                      <th scope="col" className="num">{t('evr.rate')}</th>
                      <th scope="col">{t('evr.interval')}</th>
                      <th scope="col">{t('evr.threshold')}</th>
                      <th scope="col">{t('evr.sample')}</th>
                      <th scope="col">{t('common.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {GBT.map(({ key, label }) => {
                      const f: GbtFigure | undefined = s.gbt45654![key];
                      if (!f) return null;
                      return (
                        <tr key={key}>
                          <th scope="row">{t(label)}</th>
                          <td>{e('metric', f.metric)}</td>
                          <td className="num">{pct(f.rate)}</td>
                          <td>
                            {pct(f.lower)}–{pct(f.upper)}
                          </td>
                          <td>
                            {f.direction === 'min' ? '≥' : '≤'} {pct(f.threshold, 0)}
                          </td>
                          <td className={f.sampleSufficient ? undefined : 'bad-text'}>{t('evr.sampleOf', { n: num(f.n), min: num(f.minSample) })}</td>
                          <td>
                            <Badge group="resultStatus" value={f.status} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              {s.gbt45654.coverageGaps && <p className="hint">{t('evr.gbt.coverage', { covered: num(s.gbt45654.itemsCovered ?? 0), gaps: num(s.gbt45654.coverageGaps.length) })}</p>}
            </Card>
          )}
          {!!s.attackStats?.length && (
            <Card title={t('evr.attacks')}>
              <ul className="plain-list">
                {s.attackStats.map((a, i) => (
                  <li key={i}>
                    <code>{a.attack}</code> n={num(a.n)} {a.rate !== undefined && <>· {pct(a.rate)}</>}
                  </li>
                ))}
              </ul>
            </Card>
          )}
          {s.observerEffect && (
            <Card title={t('evr.observer')}>
              <KeyValues rows={Object.entries(s.observerEffect).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, typeof v === 'number' && v <= 1 ? pct(v) : String(v)])} />
            </Card>
          )}
          <FailingExamples runId={r.id} categories={cats.map((c) => ({ id: c.taxonomyId, name: pick(c.name) || c.taxonomyId }))} />
          {r.evidenceId && (
            <p>
              {t('evr.evidence')} <Link to={`/evidence/${r.evidenceId}`}>{r.evidenceId}</Link>
            </p>
          )}
        </>
      )}
    </div>
  );
}

function CategoryTable({ items }: { items: CategoryResult[] }) {
  const { t, e, pick, num } = useI18n();
  return (
    <div className="table-wrap">
      <table className="data" data-testid="category-table">
        <thead>
          <tr>
            <th scope="col">{t('gw.category')}</th>
            <th scope="col">{t('evr.metric')}</th>
            <th scope="col" className="num">{t('evr.rate')}</th>
            <th scope="col">{t('evr.interval')}</th>
            <th scope="col">{t('evr.threshold')}</th>
            <th scope="col" className="num">n</th>
            <th scope="col">{t('common.status')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={`${c.taxonomyId}|${c.metric}`}>
              <td>
                <code>{c.taxonomyId}</code> {pick(c.name)}
              </td>
              <td>{e('metric', c.metric)}</td>
              <td className="num">{pct(c.rate)}</td>
              <td>
                {pct(c.lower)}–{pct(c.upper)}
              </td>
              <td>
                {c.direction === 'min' ? '≥' : '≤'} {pct(c.threshold, 0)}
              </td>
              <td className="num">{num(c.n)}</td>
              <td>
                <Badge group="resultStatus" value={c.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
