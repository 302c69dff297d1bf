import { Badge, Card, ErrorBox, Loading, PageHeader } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { useApi, useTaxonomyItems } from '../../lib/data.tsx';
import { Link, useQueryState } from '../../lib/router.tsx';
import { pct, type Change, type Comparison, type EvalRun } from './types.ts';

/** Run b against run a: regressions (significant when the 95% intervals do not overlap) and improvements. */
export function EvalCompare() {
  const { t, date } = useI18n();
  const [q, setQ] = useQueryState();
  const runs = useApi((s) => api.get<{ items: EvalRun[] }>('/api/eval/runs', { status: 'completed', limit: 100 }, s), []);
  const both = !!(q.a && q.b);
  const cmp = useApi((s) => (both ? api.get<Comparison>('/api/eval/compare', { a: q.a, b: q.b }, s) : Promise.resolve(null)), [q.a, q.b]);
  const options = runs.data?.items ?? [];
  const label = (r: EvalRun) => `${date(r.startedAt, true)} · ${r.suite} · ${r.targetName}`;
  const select = (key: 'a' | 'b', text: string) => (
    <div className="filter wide">
      <label htmlFor={`cmp-${key}`}>{text}</label>
      <select id={`cmp-${key}`} value={q[key] ?? ''} onChange={(ev) => setQ({ [key]: ev.target.value })}>
        <option value="">{t('common.pick')}</option>
        {options.map((r) => (
          <option key={r.id} value={r.id}>
            {label(r)}
          </option>
        ))}
        {q[key] && !options.some((r) => r.id === q[key]) && <option value={q[key]}>{q[key]}</option>}
      </select>
    </div>
  );
  return (
    <>
      <PageHeader title={t('evr.compareTitle')}>
        <p className="subtitle">{t('evr.compareIntro')}</p>
      </PageHeader>
      <div className="filters">
        {select('a', t('evr.baseline'))}
        {select('b', t('evr.candidate'))}
      </div>
      {runs.error && <ErrorBox error={runs.error} />}
      {!both ? (
        <p className="muted">{t('evr.pickTwo')}</p>
      ) : cmp.error ? (
        <ErrorBox error={cmp.error} onRetry={cmp.reload} />
      ) : !cmp.data ? (
        <Loading />
      ) : (
        <div data-testid="comparison">
          <p className={cmp.data.regressed ? 'alert error' : 'alert ok'}>
            <span>
              {cmp.data.regressed ? t('evr.regressed', { n: cmp.data.regressions.length }) : t('evr.notRegressed')} <Link to={`/eval/runs/${cmp.data.a}`}>{t('evr.baseline')}</Link> · <Link to={`/eval/runs/${cmp.data.b}`}>{t('evr.candidate')}</Link>
            </span>
          </p>
          <Card title={`${t('evr.regressions')} (${cmp.data.regressions.length})`}>
            <Changes items={cmp.data.regressions} testId="regressions" />
          </Card>
          <Card title={`${t('evr.improvements')} (${cmp.data.improvements.length})`}>
            <Changes items={cmp.data.improvements} testId="improvements" />
          </Card>
        </div>
      )}
    </>
  );
}

function Changes({ items, testId }: { items: Change[]; testId: string }) {
  const { t, e, pick } = useI18n();
  const names = useTaxonomyItems(items.filter((c) => c.kind === 'category').map((c) => c.key.split('|')[0]!));
  if (!items.length) return <p className="muted">{t('evr.noChanges')}</p>;
  return (
    <div className="table-wrap">
      <table className="data" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('gw.category')}</th>
            <th scope="col">{t('evr.metric')}</th>
            <th scope="col">{t('evr.before')}</th>
            <th scope="col">{t('evr.after')}</th>
            <th scope="col" className="num">{t('evr.delta')}</th>
            <th scope="col">{t('evr.significance')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => {
            const id = c.key.split('|')[0]!;
            return (
              <tr key={c.key}>
                <td>
                  <code>{id}</code> {c.kind === 'category' ? pick(names.get(id)?.name) : ''}
                </td>
                <td>{e('metric', c.metric)}</td>
                <td>
                  {pct(c.before.value)} <span className="muted small">[{pct(c.before.lower, 0)}–{pct(c.before.upper, 0)}] n={c.before.n}</span>
                </td>
                <td>
                  {pct(c.after.value)} <span className="muted small">[{pct(c.after.lower, 0)}–{pct(c.after.upper, 0)}] n={c.after.n}</span>
                </td>
                <td className="num">{(c.delta > 0 ? '+' : '') + (c.delta * 100).toFixed(1)}</td>
                <td>
                  <Badge group="significance" value={c.severity} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
