import { useState } from 'react';
import { Busy, DateText, Empty, ErrorBox, Loading, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { useApi } from '../lib/data.tsx';
import { Link, useQueryState } from '../lib/router.tsx';
import type { AuditEntry } from '../lib/types.ts';

const LIMIT = 100;
const ENTITY_TYPES = ['system', 'risk', 'control', 'evidence', 'incident', 'token'];

interface Verify {
  ok: boolean;
  entries: number;
  head?: string;
  brokenAt?: number;
  seq?: number;
  message?: string;
  reason?: string;
}

function entityHref(type: string, id: string): string | null {
  if (type === 'system') return `/systems/${id}`;
  if (type === 'risk') return `/risks/${id}`;
  if (type === 'evidence') return `/evidence/${id}`;
  return null;
}

export function Audit() {
  const { t } = useI18n();
  const [q, setQ] = useQueryState();
  const before = q.before ? Number(q.before) : undefined;
  const list = useApi((s) => api.get<{ items: AuditEntry[] }>('/api/audit', { entityType: q.entityType, after: before, order: 'desc', limit: LIMIT }, s), [q.entityType, before]);
  const [verify, setVerify] = useState<Verify | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);

  async function runVerify() {
    setVerifying(true);
    setVerify(null);
    setVerifyError(null);
    try {
      setVerify(await api.get<Verify>('/api/audit/verify'));
    } catch (e) {
      setVerifyError(e);
    } finally {
      setVerifying(false);
    }
  }
  const last = list.data?.items.at(-1);

  return (
    <>
      <PageHeader title={t('audit.title')} actions={<button type="button" className="primary" onClick={runVerify} disabled={verifying} data-testid="audit-verify">{verifying ? t('audit.verifying') : t('audit.verify')}</button>}>
        <p className="subtitle">{t('audit.hint')}</p>
      </PageHeader>
      <div aria-live="polite" data-testid="verify-result">
        {verifying && <Loading inline label={t('audit.verifying')} />}
        {verify && (verify.ok ? <div className="alert ok">{t('audit.ok', { n: verify.entries, head: (verify.head ?? '').slice(0, 16) + '…' })}</div> : <div className="alert error" role="alert">{t('audit.broken', { seq: verify.brokenAt ?? verify.seq ?? '?', message: verify.message ?? verify.reason ?? '' })}</div>)}
        {verifyError != null && <ErrorBox error={verifyError} />}
      </div>
      <div className="filters" role="search">
        <div className="filter">
          <label htmlFor="audit-type">{t('audit.entityType')}</label>
          <select id="audit-type" value={q.entityType ?? ''} onChange={(ev) => setQ({ entityType: ev.target.value, before: undefined })}>
            <option value="">{t('common.all')}</option>
            {ENTITY_TYPES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Busy on={list.loading && !!list.data} />
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty>{t('audit.empty')}</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data audit" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{t('audit.seq')}</th>
                  <th scope="col">{t('audit.at')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.entity')}</th>
                  <th scope="col">{t('audit.payload')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((a) => {
                  const href = entityHref(a.entityType, a.entityId);
                  const payload = JSON.stringify(a.payload);
                  return (
                    <tr key={a.seq}>
                      <td className="num">{a.seq}</td>
                      <td>
                        <DateText iso={a.at} withTime />
                      </td>
                      <td>{a.actor}</td>
                      <td>
                        <code>{a.action}</code>
                      </td>
                      <td>{href ? <Link to={href}>{a.entityId}</Link> : <code>{a.entityId}</code>}</td>
                      <td className="payload" title={payload}>
                        {payload.length > 140 ? payload.slice(0, 139) + '…' : payload}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label={t('common.pagination')}>
            <button type="button" disabled={!before} onClick={() => setQ({ before: undefined })}>
              {t('audit.newest')}
            </button>
            <button type="button" disabled={!last || list.data.items.length < LIMIT} onClick={() => setQ({ before: String(last!.seq) })}>
              {t('audit.older')}
            </button>
          </nav>
        </>
      )}
    </>
  );
}
