import { useState } from 'react';
import { SystemName } from '../../components/Pickers.tsx';
import { Badge, Busy, DateText, Empty, ErrorBox, Loading, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { enumValues } from '../../i18n/enums.ts';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/data.tsx';
import { Link, useQueryState } from '../../lib/router.tsx';
import { GatewayHeader } from './GatewayTabs.tsx';
import type { Confirmation } from './types.ts';

/** Tool calls the gateway held for a person: approve or deny each, with an optional note. */
export function GatewayConfirmations() {
  const { t, e } = useI18n();
  const [q, setQ] = useQueryState();
  const status = q.status ?? 'pending';
  const list = useApi((s) => api.get<{ items: Confirmation[] }>('/api/gateway/confirmations', { status, limit: 200 }, s), [status]);
  const [done, setDone] = useState<string | null>(null);
  return (
    <>
      <GatewayHeader title={t('gw.tab.confirmations')}>
        <p className="subtitle">{t('gw.cf.intro')}</p>
      </GatewayHeader>
      <div className="filters" role="search">
        <div className="filter">
          <label htmlFor="cf-status">{t('common.status')}</label>
          <select id="cf-status" value={status} onChange={(ev) => setQ({ status: ev.target.value === 'pending' ? undefined : ev.target.value })}>
            {enumValues('confirmationStatus').map((v) => (
              <option key={v} value={v}>
                {e('confirmationStatus', v)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {done && <Notice>{done}</Notice>}
      <Busy on={list.loading && !!list.data} />
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty title={status === 'pending' ? t('gw.cf.nonePending') : t('gw.cf.none')}>
          {t('gw.cf.emptyHint')} <Link to="/gateway/policies">{t('gw.tab.policies')}</Link>
        </Empty>
      ) : (
        <ul className="confirm-list" data-testid="confirmations">
          {list.data.items.map((c) => (
            <ConfirmationItem
              key={c.id}
              c={c}
              onDecided={(msg) => {
                setDone(msg);
                list.reload();
              }}
            />
          ))}
        </ul>
      )}
    </>
  );
}

function ConfirmationItem({ c, onDecided }: { c: Confirmation; onDecided: (msg: string) => void }) {
  const { t, pick } = useI18n();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function decide(decision: 'approve' | 'deny') {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/gateway/confirmations/${encodeURIComponent(c.id)}/${decision}`, note ? { note } : {});
      onDecided(t(decision === 'approve' ? 'gw.cf.approved' : 'gw.cf.denied', { tool: c.toolName }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  const noteId = `note-${c.id}`;
  return (
    <li className="card confirm-item" data-testid="confirmation">
      <div className="card-head">
        <h2>
          <code>{c.toolName}</code> <Badge group="confirmationStatus" value={c.status} />
        </h2>
        <span className="muted small">
          <DateText iso={c.createdAt} withTime /> · {t('gw.cf.expires')} <DateText iso={c.expiresAt} withTime />
        </span>
      </div>
      <p>
        {pick(c.reason)} <code className="rule">{c.rule}</code>
      </p>
      <dl className="kv">
        <div>
          <dt>{t('common.system')}</dt>
          <dd>
            <SystemName id={c.systemId} />
          </dd>
        </div>
        <div>
          <dt>{t('gw.requestId')}</dt>
          <dd>
            <code>{c.requestId}</code>
          </dd>
        </div>
        <div>
          <dt>{t('gw.cf.arguments')}</dt>
          <dd>{c.arguments ? <code className="payload">{c.arguments}</code> : <span className="muted">{t('gw.cf.argumentsHidden')}</span>}</dd>
        </div>
        {c.decidedBy && (
          <div>
            <dt>{t('gw.cf.decidedBy')}</dt>
            <dd>
              {c.decidedBy} · <DateText iso={c.decidedAt} withTime />
              {c.note && <> — {c.note}</>}
            </dd>
          </div>
        )}
      </dl>
      {error != null && <ErrorBox error={error} />}
      {c.status === 'pending' && (
        <div className="form-actions">
          <div className="field grow">
            <label htmlFor={noteId}>{t('gw.cf.note')}</label>
            <input id={noteId} value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
          </div>
          <button type="button" className="primary" disabled={busy} data-testid="approve" onClick={() => decide('approve')}>
            {t('gw.cf.approve')}
          </button>
          <button type="button" disabled={busy} data-testid="deny" onClick={() => decide('deny')}>
            {t('gw.cf.deny')}
          </button>
        </div>
      )}
    </li>
  );
}
