import { Fragment, useEffect, useRef, useState } from 'react';
import { SystemName, SystemPicker, TaxonomyList } from '../../components/Pickers.tsx';
import { Empty, ErrorBox, Loading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { useQueryState } from '../../lib/router.tsx';
import { GatewayHeader } from './GatewayTabs.tsx';
import type { Decision } from './types.ts';

const ACTIONS = ['allow', 'flag', 'mask', 'confirm', 'block'];
const LIMIT = 100;
export const POLL_MS = 3000;

/**
 * The decision log as a live stream: newest first, polled every few seconds while the page is
 * visible and not paused. Rows that arrived since the last poll are marked.
 */
export function GatewayDecisions() {
  const { t, date, e } = useI18n();
  const [q, setQ] = useQueryState();
  const paused = q.paused === '1';
  const [items, setItems] = useState<Decision[] | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [polledAt, setPolledAt] = useState<string | null>(null);
  const seen = useRef<Set<string> | null>(null);
  const filterKey = `${q.action ?? ''}|${q.systemId ?? ''}|${q.direction ?? ''}`;

  useEffect(() => {
    // New filters: start over.
    seen.current = null;
    setItems(null);
  }, [filterKey]);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ac: AbortController | undefined;
    async function poll() {
      ac = new AbortController();
      try {
        const r = await api.get<{ items: Decision[] }>('/api/gateway/decisions', { action: q.action, systemId: q.systemId, limit: LIMIT }, ac.signal);
        if (!live) return;
        const rows = q.direction ? r.items.filter((d) => d.direction === q.direction) : r.items;
        const before = seen.current;
        setFresh(before ? new Set(rows.filter((d) => !before.has(d.id)).map((d) => d.id)) : new Set());
        seen.current = new Set(rows.map((d) => d.id));
        setItems(rows);
        setError(null);
        setPolledAt(new Date().toISOString());
      } catch (err) {
        if (!live || (err as Error).name === 'AbortError') return;
        setError(err);
      }
      if (live && !paused) timer = setTimeout(tick, POLL_MS);
    }
    // A hidden tab does not poll; it catches up when it is shown again.
    const tick = () => (document.hidden ? (timer = setTimeout(tick, POLL_MS)) : void poll());
    // Pausing keeps the rows on screen without asking again; resuming polls at once.
    if (!paused || !seen.current) void poll();
    return () => {
      live = false;
      clearTimeout(timer);
      ac?.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey, paused]);

  return (
    <>
      <GatewayHeader
        title={t('gw.tab.decisions')}
        actions={
          <button type="button" className={paused ? 'primary' : ''} aria-pressed={paused} data-testid="pause" onClick={() => setQ({ paused: paused ? undefined : '1' }, { replace: true })}>
            {paused ? t('gw.resume') : t('gw.pause')}
          </button>
        }
      >
        <p className="subtitle" aria-live="polite" data-testid="stream-state">
          {paused ? t('gw.paused') : t('gw.live', { s: POLL_MS / 1000 })}
          {polledAt && <span className="muted"> · {t('gw.polledAt', { at: date(polledAt, true) })}</span>}
        </p>
      </GatewayHeader>
      <div className="filters" role="search">
        <div className="filter">
          <label htmlFor="dec-action">{t('gw.action')}</label>
          <select id="dec-action" value={q.action ?? ''} onChange={(ev) => setQ({ action: ev.target.value })}>
            <option value="">{t('common.all')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {e('gwAction', a)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="dec-direction">{t('gw.direction')}</label>
          <select id="dec-direction" value={q.direction ?? ''} onChange={(ev) => setQ({ direction: ev.target.value })}>
            <option value="">{t('common.all')}</option>
            {['input', 'output', 'tool'].map((a) => (
              <option key={a} value={a}>
                {e('gwDirection', a)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter wide">
          <SystemPicker label={t('common.system')} value={q.systemId ?? ''} onChange={(v) => setQ({ systemId: v })} />
        </div>
      </div>
      {error != null && <ErrorBox error={error} />}
      {!items ? (
        error == null && <Loading />
      ) : items.length === 0 ? (
        <Empty title={t('gw.dec.empty')}>{t('gw.dec.emptyHint')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data decisions" data-testid="decision-table">
            <thead>
              <tr>
                <th scope="col">{t('gw.at')}</th>
                <th scope="col">{t('gw.direction')}</th>
                <th scope="col">{t('gw.action')}</th>
                <th scope="col">{t('gw.categories')}</th>
                <th scope="col">{t('common.system')}</th>
                <th scope="col">{t('gw.policy')}</th>
                <th scope="col" className="num">{t('gw.guardMs')}</th>
                <th scope="col">{t('gw.details')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <Fragment key={d.id}>
                  <tr className={fresh.has(d.id) ? 'fresh' : undefined} data-action={d.action}>
                    <td>
                      <time dateTime={d.at}>{new Date(d.at).toLocaleTimeString()}</time>
                    </td>
                    <td>{e('gwDirection', d.direction)}</td>
                    <td>
                      <span className={`badge b-gwAction-${d.action}`}>{e('gwAction', d.action)}</span>
                    </td>
                    <td>{d.categories.length ? <TaxonomyList ids={d.categories} /> : <span className="muted">—</span>}</td>
                    <td>{d.systemId ? <SystemName id={d.systemId} /> : '—'}</td>
                    <td>
                      <code>{d.policy ?? '—'}</code>
                    </td>
                    <td className="num">{d.guardMs == null ? '—' : d.guardMs.toFixed(2)}</td>
                    <td>
                      <button type="button" className="link-button" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? null : d.id)}>
                        {open === d.id ? t('gw.hide') : t('gw.show')}
                        <span className="sr-only"> {d.id}</span>
                      </button>
                    </td>
                  </tr>
                  {open === d.id && (
                    <tr className="detail-row">
                      <td colSpan={8}>
                        <DecisionDetail d={d} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function DecisionDetail({ d }: { d: Decision }) {
  const { t, e, date } = useI18n();
  return (
    <div className="decision-detail">
      <dl className="kv">
        <div>
          <dt>{t('gw.at')}</dt>
          <dd>{date(d.at, true)}</dd>
        </div>
        <div>
          <dt>{t('gw.requestId')}</dt>
          <dd>
            <code>{d.requestId}</code>
          </dd>
        </div>
        <div>
          <dt>{t('gw.key')}</dt>
          <dd>
            <code>{d.keyId ?? '—'}</code>
          </dd>
        </div>
        <div>
          <dt>{t('gw.upstream')}</dt>
          <dd>{d.upstream ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('gw.upstreamMs')}</dt>
          <dd>{d.upstreamMs == null ? '—' : d.upstreamMs.toFixed(1)}</dd>
        </div>
      </dl>
      {d.scanners.length > 0 && (
        <ul className="plain-list">
          {d.scanners.map((s, i) => (
            <li key={i}>
              <code>{s.name}</code> → {e('gwAction', s.action)} <span className="muted">({s.ms.toFixed(3)} ms)</span>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{d.content == null ? t('gw.noContent') : <code className="payload">{d.content}</code>}</p>
    </div>
  );
}
