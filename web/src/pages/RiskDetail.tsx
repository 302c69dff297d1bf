import { SystemName, TaxonomyList } from '../components/Pickers.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { Badge, Card, DateText, ErrorBox, KeyValues, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { useApi } from '../lib/data.tsx';
import { Link, useRouter } from '../lib/router.tsx';
import type { Evaluation, Evidence, Impact, Revision, Risk } from '../lib/types.ts';
import { RiskActions } from './RiskActions.tsx';

function ImpactText({ impact }: { impact: Impact }) {
  const { e } = useI18n();
  return <>{Object.entries(impact).map(([k, v]) => `${e('impactDim', k)} ${v}`).join(' · ')}</>;
}

function EvaluationView({ ev }: { ev: Evaluation }) {
  const { t, pick } = useI18n();
  return (
    <>
      <KeyValues
        rows={[
          [t('risk.score'), <span key="s" className="score big">{ev.score}</span>],
          [t('risk.priority'), <Badge key="p" group="priority" value={ev.priority} />],
          [t('risk.threshold'), ev.threshold],
          [t('risk.acceptable'), t(ev.acceptable ? 'common.yes' : 'common.no')],
        ]}
      />
      <p className="because">
        {pick(ev.because)} <code className="rule">{ev.ruleId}</code>
      </p>
    </>
  );
}

export function RiskDetail({ id }: { id: string }) {
  const { t, e } = useI18n();
  const { search } = useRouter();
  const risk = useApi((s) => api.get<Risk>(`/api/risks/${encodeURIComponent(id)}`, {}, s), [id]);
  const history = useApi((s) => api.get<{ items: Revision[] }>(`/api/risks/${encodeURIComponent(id)}/history`, {}, s), [id]);
  const evidence = useApi((s) => api.get<{ items: Evidence[] }>(`/api/risks/${encodeURIComponent(id)}/evidence`, {}, s), [id]);

  if (risk.error) return <ErrorBox error={risk.error} onRetry={risk.reload} />;
  const r = risk.data;
  if (!r) return <Loading />;
  const onDone = () => {
    risk.reload();
    history.reload();
  };

  return (
    <div data-testid="risk-detail">
      <PageHeader title={r.title}>
        <p className="subtitle">
          <SystemName id={r.systemId} /> · <Badge group="priority" value={r.priority} /> <Badge group="riskStatus" value={r.status} /> · {e('riskSource', r.source)} · <code>{r.id}</code>
          {r.needsReassessment && <span className="tag warn">{t('risk.needsReassessment')}</span>}
        </p>
      </PageHeader>
      {search.get('created') && <Notice>{t('risk.created')}</Notice>}
      {r.description && <p>{r.description}</p>}
      <div className="grid-3">
        <Card title={t('risk.analysis')}>
          {r.analysis ? (
            <>
              <KeyValues
                rows={[
                  [t('dash.likelihood'), r.analysis.likelihood],
                  [t('dash.impact'), <ImpactText key="i" impact={r.analysis.impact} />],
                  [t('risk.lossValue'), r.analysis.lossValue],
                  [t('risk.nextReview'), <DateText key="n" iso={r.nextReviewAt} />],
                ]}
              />
              {r.analysis.rationale && <p className="muted">{r.analysis.rationale}</p>}
            </>
          ) : (
            <p className="muted">{t('risk.notAnalysed')}</p>
          )}
        </Card>
        <Card title={t('risk.evaluation')}>{r.evaluation ? <EvaluationView ev={r.evaluation} /> : <p className="muted">{t('risk.notAnalysed')}</p>}</Card>
        <Card title={t('risk.taxonomies')}>
          <TaxonomyList ids={r.taxonomyIds} />
        </Card>
        <Card title={t('risk.treatment')}>
          {r.treatment ? (
            <>
              <KeyValues
                rows={[
                  [t('risk.strategy'), e('strategy', r.treatment.strategy)],
                  [t('common.owner'), r.treatment.owner],
                  [t('risk.dueDate'), r.treatment.dueDate],
                  [t('risk.controls'), r.treatment.controlIds.length ? <Link key="c" to={`/controls?systemId=${r.systemId}`}>{r.treatment.controlIds.length}</Link> : null],
                  [t('risk.plan'), r.treatment.plan],
                  [t('risk.justification'), r.treatment.justification],
                ]}
              />
            </>
          ) : (
            <p className="muted">{t('risk.none')}</p>
          )}
        </Card>
        <Card title={t('risk.residual')}>
          {r.residual ? (
            <>
              <p>
                {t('dash.likelihood')} {r.residual.likelihood} · <ImpactText impact={r.residual.impact} />
              </p>
              <EvaluationView ev={r.residual.evaluation} />
            </>
          ) : (
            <p className="muted">{t('risk.none')}</p>
          )}
        </Card>
        <Card title={t('risk.evidence')}>
          {evidence.error ? (
            <ErrorBox error={evidence.error} />
          ) : !evidence.data ? (
            <Loading inline />
          ) : evidence.data.items.length === 0 ? (
            <p className="muted">{t('risk.none')}</p>
          ) : (
            <ul className="plain-list">
              {evidence.data.items.map((x) => (
                <li key={x.id}>
                  <Badge group="evidenceKind" value={x.kind} /> <Link to={`/evidence/${x.id}`}>{x.subject}</Link> <DateText iso={x.producedAt} />
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title={t('risk.actionsTitle')}>
        <RiskActions risk={r} onDone={onDone} />
      </Card>
      <Card title={t('risk.history')}>{history.error ? <ErrorBox error={history.error} /> : history.data ? <Timeline items={history.data.items} /> : <Loading inline />}</Card>
    </div>
  );
}
