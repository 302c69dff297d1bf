import { EnumFilter } from '../components/Filters.tsx';
import { SystemName, SystemPicker, TaxonomyList } from '../components/Pickers.tsx';
import { Badge, Busy, Card, DateText, Empty, ErrorBox, KeyValues, Loading, PageHeader, Pager } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { useApi } from '../lib/data.tsx';
import { Link, useQueryState } from '../lib/router.tsx';
import type { Evidence } from '../lib/types.ts';

const LIMIT = 50;

export function targetHref(type: string, id: string): string | null {
  if (type === 'risk') return `/risks/${id}`;
  if (type === 'control') return `/controls?systemId=`;
  if (type === 'incident') return `/incidents/${id}`;
  if (type === 'system') return `/systems/${id}`;
  return null;
}

export function EvidenceList() {
  const { t, e, pick } = useI18n();
  const [q, setQ] = useQueryState();
  const offset = Number(q.offset ?? 0) || 0;
  const list = useApi((s) => api.get<{ items: Evidence[] }>('/api/evidence', { systemId: q.systemId, kind: q.kind, producer: q.producer, limit: LIMIT, offset }, s), [q.systemId, q.kind, q.producer, offset]);
  const set = (patch: Record<string, string>) => setQ({ ...patch, offset: undefined });
  const filtered = !!(q.systemId || q.kind || q.producer);
  return (
    <>
      <PageHeader title={t('ev.title')} actions={<Link className="button primary" to={`/evidence/new${q.systemId ? `?systemId=${encodeURIComponent(q.systemId)}` : ''}`}>{t('evf.title')}</Link>} />
      <div className="filters" role="search">
        <div className="filter wide">
          <SystemPicker label={t('common.system')} value={q.systemId ?? ''} onChange={(v) => set({ systemId: v })} />
        </div>
        <EnumFilter label={t('ev.kind')} group="evidenceKind" value={q.kind ?? ''} onChange={(v) => set({ kind: v })} />
        <EnumFilter label={t('ev.producer')} group="producer" value={q.producer ?? ''} onChange={(v) => set({ producer: v })} />
      </div>
      <Busy on={list.loading && !!list.data} />
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty>{filtered ? t('ev.noMatch') : t('ev.empty')}</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data" data-testid="evidence-table">
              <thead>
                <tr>
                  <th scope="col">{t('ev.producedAt')}</th>
                  <th scope="col">{t('ev.kind')}</th>
                  <th scope="col">{t('ev.subject')}</th>
                  <th scope="col">{t('common.system')}</th>
                  <th scope="col">{t('ev.producer')}</th>
                  <th scope="col">{t('ev.effects')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <DateText iso={x.producedAt} withTime />
                    </td>
                    <td>
                      <Badge group="evidenceKind" value={x.kind} />
                    </td>
                    <td>
                      <Link to={`/evidence/${x.id}`}>{x.subject}</Link>
                    </td>
                    <td>
                      <SystemName id={x.systemId} />
                    </td>
                    <td>{e('producer', x.producer)}</td>
                    <td>
                      {x.effects.length ? (
                        <ul className="effects compact">
                          {x.effects.map((f, i) => (
                            <li key={i} title={pick(f.because)}>
                              {f.outcome}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="muted">{t('ev.noEffects')}</span>
                      )}
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

export function EvidenceDetail({ id }: { id: string }) {
  const { t, e, pick } = useI18n();
  const ev = useApi((s) => api.get<Evidence>(`/api/evidence/${encodeURIComponent(id)}`, {}, s), [id]);
  if (ev.error) return <ErrorBox error={ev.error} onRetry={ev.reload} />;
  const x = ev.data;
  if (!x) return <Loading />;
  const sum = x.summary;
  return (
    <div data-testid="evidence-detail">
      <PageHeader title={x.subject}>
        <p className="subtitle">
          <Badge group="evidenceKind" value={x.kind} /> {e('producer', x.producer)} · <SystemName id={x.systemId} /> · <code>{x.id}</code>
        </p>
      </PageHeader>
      <Card title={t('ev.effects')}>
        {x.effects.length === 0 ? (
          <p className="muted">{t('ev.noEffects')}</p>
        ) : (
          <ol className="effects-list" data-testid="effects">
            {x.effects.map((f, i) => (
              <li key={i}>
                <p>
                  <strong>{f.outcome}</strong> <code className="rule">{f.effect}</code>
                </p>
                <p className="because">{pick(f.because)}</p>
                {f.targets.length > 0 && (
                  <p>
                    {f.targets.map((tg) => {
                      const href = tg.type === 'control' ? `/controls?systemId=${x.systemId}` : targetHref(tg.type, tg.id);
                      return (
                        <span key={tg.id} className="target">
                          {tg.type}: {href ? <Link to={href}>{tg.id}</Link> : <code>{tg.id}</code>}
                        </span>
                      );
                    })}
                  </p>
                )}
              </li>
            ))}
          </ol>
        )}
      </Card>
      <Card title={t('ev.summary')}>
        <KeyValues
          rows={[
            [t('ev.producedAt'), <DateText key="p" iso={x.producedAt} withTime />],
            [t('ev.recordedBy'), <span key="r">{x.recordedBy} · <DateText iso={x.recordedAt} withTime /></span>],
            [t('ev.hash'), <code key="h" className="hash">{x.contentHash}</code>],
            [t('ev.details'), x.detailsUrl ? <a key="d" href={x.detailsUrl} rel="noreferrer noopener">{x.detailsUrl}</a> : null],
          ]}
        />
        {sum.categories.length > 0 && (
          <>
            <h3>{t('ev.categories')}</h3>
            <div className="table-wrap">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t('risk.taxonomy')}</th>
                    <th scope="col">{t('ev.metric')}</th>
                    <th scope="col">{t('ev.value')}</th>
                    <th scope="col">{t('ev.threshold')}</th>
                    <th scope="col">{t('ev.passed')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sum.categories.map((c, i) => (
                    <tr key={i}>
                      <td>
                        <TaxonomyList ids={[c.taxonomyId]} />
                      </td>
                      <td>{c.metric}</td>
                      <td className="num">{c.value}{c.n !== undefined ? ` (n=${c.n})` : ''}</td>
                      <td className="num">{c.threshold ?? '—'}</td>
                      <td>{c.passed === undefined ? '—' : <span className={c.passed ? 'ok-text' : 'bad-text'}>{t(c.passed ? 'common.yes' : 'common.no')}</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        {sum.findings.length > 0 && (
          <>
            <h3>{t('ev.findings')}</h3>
            <ul className="plain-list">
              {sum.findings.map((f, i) => (
                <li key={i}>
                  <Badge group="severity" value={f.severity} /> {f.title} {f.location && <code>{f.location}</code>}
                  <TaxonomyList ids={f.taxonomyIds} />
                </li>
              ))}
            </ul>
          </>
        )}
        {Object.keys(sum.metrics).length > 0 && (
          <>
            <h3>{t('ev.metrics')}</h3>
            <KeyValues rows={Object.entries(sum.metrics).map(([k, v]) => [k, v])} />
          </>
        )}
        {(sum.controlsImplemented.length > 0 || sum.controlsVerified.length > 0) && (
          <KeyValues
            rows={[
              [e('controlStatus', 'implemented'), sum.controlsImplemented.join(', ')],
              [e('controlStatus', 'verified'), sum.controlsVerified.join(', ')],
            ]}
          />
        )}
      </Card>
    </div>
  );
}
