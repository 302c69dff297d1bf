import { useState } from 'react';
import { HeatMap } from '../components/HeatMap.tsx';
import { TaxonomyList } from '../components/Pickers.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { Badge, Card, DateText, Empty, ErrorBox, KeyValues, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { rememberSystem, useApi } from '../lib/data.tsx';
import { Link, useRouter } from '../lib/router.tsx';
import type { Bilingual } from '../i18n/index.tsx';
import type { Coverage, Evidence, HeatMap as Heat, Reason, Revision, RiskPage, SystemRecord } from '../lib/types.ts';

interface Suggestion {
  ruleId: string;
  taxonomyIds: string[];
  title: Bilingual;
  likelihood: number;
  because: Bilingual;
  alreadyRegistered: boolean;
}

function Reasons({ items }: { items: Reason[] | undefined }) {
  const { pick } = useI18n();
  if (!items?.length) return null;
  return (
    <ul className="reasons">
      {items.map((r, i) => (
        <li key={i}>
          {pick(r.because)} <code className="rule">{r.ruleId}</code>
        </li>
      ))}
    </ul>
  );
}

export function SystemDetail({ id }: { id: string }) {
  const { t, e, pick, num } = useI18n();
  const { search } = useRouter();
  const sys = useApi(async (s) => {
    const r = await api.get<SystemRecord>(`/api/systems/${encodeURIComponent(id)}`, {}, s);
    rememberSystem(r);
    return r;
  }, [id]);
  const heat = useApi((s) => api.get<Heat>(`/api/systems/${encodeURIComponent(id)}/heatmap`, {}, s), [id]);
  const risks = useApi((s) => api.get<RiskPage>('/api/risks', { systemId: id, sort: 'score', limit: 10, total: true }, s), [id]);
  const coverage = useApi((s) => api.get<{ items: Coverage[] }>(`/api/systems/${encodeURIComponent(id)}/coverage`, {}, s), [id]);
  const evidence = useApi((s) => api.get<{ items: Evidence[] }>('/api/evidence', { systemId: id, limit: 20 }, s), [id]);
  const suggestions = useApi((s) => api.get<{ items: Suggestion[] }>(`/api/systems/${encodeURIComponent(id)}/risk-suggestions`, {}, s), [id]);
  const history = useApi((s) => api.get<{ items: Revision[] }>(`/api/systems/${encodeURIComponent(id)}/history`, {}, s), [id]);
  const [accepted, setAccepted] = useState<number | null>(null);
  const [acceptError, setAcceptError] = useState<unknown>(null);

  if (sys.error) return <ErrorBox error={sys.error} onRetry={sys.reload} />;
  const s = sys.data;
  if (!s) return <Loading />;

  async function accept(taxonomyIds?: string[]) {
    setAcceptError(null);
    try {
      const r = await api.post<{ items: unknown[] }>(`/api/systems/${encodeURIComponent(id)}/risk-suggestions/accept`, { ...(taxonomyIds ? { taxonomyIds } : {}), reason: 'accepted in the console' });
      setAccepted(r.items.length);
      suggestions.reload();
      risks.reload();
    } catch (err) {
      setAcceptError(err);
    }
  }
  const pending = suggestions.data?.items.filter((x) => !x.alreadyRegistered) ?? [];

  return (
    <div data-testid="system-detail">
      <PageHeader
        title={s.name}
        actions={
          <>
            <Link className="button" to={`/systems/${s.id}/edit`}>
              {t('common.edit')}
            </Link>
            <Link className="button primary" to={`/risks/new?systemId=${s.id}`}>
              {t('sys.addRisk')}
            </Link>
          </>
        }
      >
        <p className="subtitle">
          <Badge group="grade" value={s.grade} /> {e('domain', s.domain)} · {e('population', s.population)} · {s.owner} · <code>{s.id}</code>
        </p>
      </PageHeader>
      {search.get('created') && <Notice>{t('sys.created')}</Notice>}
      <div className="grid-2">
        <Card title={t('sys.attributes')}>
          {s.description && <p>{s.description}</p>}
          <KeyValues
            rows={[
              [t('sys.organisation'), s.organisation],
              [t('sys.organisationRole'), e('organisationRole', s.organisationRole)],
              [t('sys.lifecycleStage'), e('lifecycleStage', s.lifecycleStage)],
              [t('sys.deploymentMode'), e('deploymentMode', s.deploymentMode)],
              [t('sys.autonomyLevel'), e('autonomyLevel', s.autonomyLevel)],
              [t('sys.userCount'), s.userCount == null ? null : num(s.userCount)],
              [t('sys.threshold'), s.acceptabilityThreshold],
              [t('sys.models'), s.models.map((m) => [m.name, m.version, m.source ? `(${e('modelSource', m.source)})` : ''].filter(Boolean).join(' ')).join('; ')],
              [t('sys.capabilities'), s.capabilities.map((c) => e('capability', c)).join(', ')],
              [t('sys.dataCategories'), s.dataCategories.map((c) => e('dataCategory', c)).join(', ')],
              [t('sys.jurisdictions'), s.jurisdictions.map((c) => e('jurisdiction', c)).join(', ')],
              [t('common.updated'), <DateText key="u" iso={s.updatedAt} withTime />],
            ]}
          />
        </Card>
        <Card title={t('sys.classification')}>
          <h3>
            {t('sys.grade')}: <Badge group="grade" value={s.grade} />
          </h3>
          <Reasons items={s.classification?.gradeReasons} />
          <h3>
            {t('sys.euTier')}: {s.euAiActTier ? e('euTier', s.euAiActTier) : '—'}
          </h3>
          <Reasons items={s.classification?.euAiActReasons} />
          <h3>
            {t('sys.financeLevel')}: {s.financeAutonomyLevel ?? '—'}
          </h3>
          <Reasons items={s.classification?.financeAutonomyReasons} />
        </Card>
      </div>
      <Card title={`${t('sys.obligations')} (${s.obligations.length})`}>
        <div className="table-wrap">
          <table className="data" data-testid="obligations">
            <thead>
              <tr>
                <th scope="col">{t('sys.obligations')}</th>
                <th scope="col">{t('sys.framework')}</th>
                <th scope="col">
                  {t('sys.because')} · {t('sys.rule')}
                </th>
                <th scope="col">{t('sys.controls')}</th>
              </tr>
            </thead>
            <tbody>
              {s.obligations.map((o) => (
                <tr key={o.id}>
                  <td>{pick(o.title)}</td>
                  <td>{o.framework}</td>
                  <td className="because">
                    {pick(o.reason.because)} <code className="rule">{o.reason.ruleId}</code>
                  </td>
                  <td className="ids">{o.controlIds.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <div className="grid-2">
        <Card title={t('sys.heatmap')}>{heat.error ? <ErrorBox error={heat.error} /> : heat.data ? heat.data.total ? <HeatMap cells={heat.data.cells} systemId={s.id} height={260} /> : <Empty>{t('dash.noRisks')}</Empty> : <Loading inline />}</Card>
        <Card title={t('sys.coverage')} actions={<Link to={`/controls?systemId=${s.id}`}>{t('common.viewAll')}</Link>}>
          {coverage.error ? (
            <ErrorBox error={coverage.error} />
          ) : !coverage.data ? (
            <Loading inline />
          ) : coverage.data.items.length === 0 ? (
            <p className="muted">{t('sys.noControls')}</p>
          ) : (
            <ul className="coverage-list">
              {coverage.data.items.map((c) => (
                <li key={c.framework}>
                  <Link to={`/controls?framework=${c.framework}&systemId=${s.id}`}>{pick(c.name) || c.framework}</Link>
                  <div className="meter" aria-hidden="true">
                    <span className="m-impl" style={{ width: `${c.implementedPct ?? 0}%` }} />
                    <span className="m-ver" style={{ width: `${c.verifiedPct ?? 0}%` }} />
                  </div>
                  <span className="muted">{t('ctl.coverageLine', { implemented: c.implementedPct ?? 0, verified: c.verifiedPct ?? 0, total: c.total })}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title={`${t('sys.risks')}${risks.data?.total !== undefined ? ` (${num(risks.data.total)}${risks.data.totalCapped ? '+' : ''})` : ''}`} actions={<Link to={`/risks?systemId=${s.id}`}>{t('common.viewAll')}</Link>}>
        {risks.error ? (
          <ErrorBox error={risks.error} />
        ) : !risks.data ? (
          <Loading inline />
        ) : risks.data.items.length === 0 ? (
          <Empty action={<Link className="button primary" to={`/risks/new?systemId=${s.id}`}>{t('sys.addRisk')}</Link>}>{t('sys.noRisks')}</Empty>
        ) : (
          <ul className="plain-list" data-testid="system-risks">
            {risks.data.items.map((r) => (
              <li key={r.id}>
                <Badge group="priority" value={r.priority} /> <span className="score">{r.score ?? '—'}</span> <Link to={`/risks/${r.id}`}>{r.title}</Link> <Badge group="riskStatus" value={r.status} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t('sys.suggestions')} actions={pending.length > 0 && <button type="button" onClick={() => accept()}>{t('sys.acceptAll')}</button>}>
        <p className="hint">{t('sys.suggestionsHint')}</p>
        {accepted !== null && <Notice>{t('sys.accepted', { n: accepted })}</Notice>}
        {acceptError != null && <ErrorBox error={acceptError} />}
        {suggestions.error ? (
          <ErrorBox error={suggestions.error} />
        ) : !suggestions.data ? (
          <Loading inline />
        ) : pending.length === 0 ? (
          <p className="muted">{t('sys.noSuggestions')}</p>
        ) : (
          <ul className="plain-list">
            {pending.map((x) => (
              <li key={x.ruleId + x.taxonomyIds[0]}>
                <strong>{pick(x.title)}</strong> <span className="muted">— {pick(x.because)}</span>
                <TaxonomyList ids={x.taxonomyIds} />
                <button type="button" className="small" onClick={() => accept([x.taxonomyIds[0]!])}>
                  {t('sys.acceptOne')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t('sys.evidenceTimeline')} actions={<Link to={`/evidence/new?systemId=${s.id}`}>{t('evf.title')}</Link>}>
        {evidence.error ? (
          <ErrorBox error={evidence.error} />
        ) : !evidence.data ? (
          <Loading inline />
        ) : evidence.data.items.length === 0 ? (
          <p className="muted">{t('sys.noEvidence')}</p>
        ) : (
          <ol className="timeline">
            {evidence.data.items.map((x) => (
              <li key={x.id} className="tl-item">
                <div className="tl-head">
                  <DateText iso={x.producedAt} withTime /> <Badge group="evidenceKind" value={x.kind} /> <Link to={`/evidence/${x.id}`}>{x.subject}</Link>
                </div>
                <ul className="effects">
                  {x.effects.length ? x.effects.map((f, i) => <li key={i}>{pick(f.because)} → <strong>{f.outcome}</strong></li>) : <li className="muted">{t('ev.noEffects')}</li>}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </Card>
      <details className="card">
        <summary>
          <h2>{t('sys.history')}</h2>
        </summary>
        {history.data ? <Timeline items={history.data.items} /> : history.error ? <ErrorBox error={history.error} /> : <Loading inline />}
      </details>
    </div>
  );
}
