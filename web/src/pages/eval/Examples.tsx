import { useState } from 'react';
import { ErrorBox, Loading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/data.tsx';
import type { ResultLine } from './types.ts';

const LIMIT = 20;
const OUTCOMES = ['fail', 'could-not-score', 'error'] as const;

/**
 * Failing cases of a run, behind a content warning: collapsed until the reader opens it, and only
 * then fetched (GET /api/eval/runs/:id/results). Filter by outcome and category; "more" pages on.
 */
export function FailingExamples({ runId, categories }: { runId: string; categories: { id: string; name: string }[] }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details className="card cw" data-testid="failing-examples" onToggle={(ev) => setOpen((ev.target as HTMLDetailsElement).open)}>
      <summary>
        {t('evr.examples')} — <span className="bad-text">{t('evr.cw')}</span>
      </summary>
      {open && <ExampleList runId={runId} categories={categories} />}
    </details>
  );
}

function ExampleList({ runId, categories }: { runId: string; categories: { id: string; name: string }[] }) {
  const { t, e } = useI18n();
  const [outcome, setOutcome] = useState<string>('fail');
  const [category, setCategory] = useState('');
  const [offset, setOffset] = useState(0);
  const page = useApi(
    (s) => api.get<{ items: ResultLine[]; more: boolean }>(`/api/eval/runs/${encodeURIComponent(runId)}/results`, { outcome, category: category || undefined, limit: LIMIT, offset }, s),
    [runId, outcome, category, offset],
  );
  const uniq = [...new Map(categories.map((c) => [c.id, c])).values()];
  return (
    <>
      <div className="filters">
        <div className="filter">
          <label htmlFor="ex-outcome">{t('evr.outcome')}</label>
          <select id="ex-outcome" value={outcome} onChange={(ev) => (setOutcome(ev.target.value), setOffset(0))}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {e('outcome', o)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="ex-category">{t('gw.category')}</label>
          <select id="ex-category" value={category} onChange={(ev) => (setCategory(ev.target.value), setOffset(0))}>
            <option value="">{t('common.all')}</option>
            {uniq.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {page.error ? (
        <ErrorBox error={page.error} onRetry={page.reload} />
      ) : !page.data ? (
        <Loading inline />
      ) : page.data.items.length === 0 ? (
        <p className="muted">{t('evr.noExamples')}</p>
      ) : (
        <>
          <ol className="plain-list" start={offset + 1}>
            {page.data.items.map((x) => (
              <li key={x.id} className="example" data-testid="example">
                <div className="small">
                  <code>{x.caseId}</code> · {x.categories.join(', ')}
                  {x.expect && <> · {t('evr.expected', { what: x.expect })}</>}
                  {x.attack && <> · {x.attack}</>}
                </div>
                <div className="small muted">{t('evr.prompt')}</div>
                <pre lang={x.lang === 'zh' ? 'zh-CN' : x.lang}>{x.prompt}</pre>
                <div className="small muted">{t('evr.response')}</div>
                <pre lang={x.lang === 'zh' ? 'zh-CN' : x.lang}>{x.error ?? x.response ?? '—'}</pre>
                {x.scorer?.reason && <p className="small muted">{String(x.scorer.reason)}</p>}
              </li>
            ))}
          </ol>
          <nav className="pager" aria-label={t('common.pagination')}>
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LIMIT))}>
              {t('common.prev')}
            </button>
            <button type="button" disabled={!page.data.more} onClick={() => setOffset(offset + LIMIT)}>
              {t('common.next')}
            </button>
          </nav>
        </>
      )}
    </>
  );
}
