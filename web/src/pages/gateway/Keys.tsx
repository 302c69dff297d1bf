import { useState, type FormEvent } from 'react';
import { CheckFilter } from '../../components/Filters.tsx';
import { SystemName, SystemPicker } from '../../components/Pickers.tsx';
import { SecretOnce } from '../../components/SecretOnce.tsx';
import { Busy, DateText, Empty, ErrorBox, Field, Loading, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { useApi } from '../../lib/data.tsx';
import { useQueryState } from '../../lib/router.tsx';
import { GatewayHeader } from './GatewayTabs.tsx';
import type { AppKey, PolicyInfo, UpstreamInfo } from './types.ts';

/** Application keys: each binds a client to a system, a policy and an upstream. */
export function GatewayKeys() {
  const { t, num } = useI18n();
  const [q, setQ] = useQueryState();
  const all = q.revoked === 'true';
  const keys = useApi((s) => api.get<{ items: AppKey[] }>('/api/gateway/keys', { systemId: q.systemId, includeRevoked: all ? 'true' : undefined }, s), [q.systemId, all]);
  const [created, setCreated] = useState<string | null>(null);
  const [revokeError, setRevokeError] = useState<unknown>(null);

  async function revoke(k: AppKey) {
    if (!window.confirm(t('gw.key.revokeConfirm', { id: k.label ?? k.prefix }))) return;
    setRevokeError(null);
    try {
      await api.del(`/api/gateway/keys/${encodeURIComponent(k.id)}`);
      keys.reload();
    } catch (e) {
      setRevokeError(e);
    }
  }

  return (
    <>
      <GatewayHeader title={t('gw.tab.keys')}>
        <p className="subtitle">{t('gw.key.intro')}</p>
      </GatewayHeader>
      {created && <SecretOnce value={created} title={t('gw.key.created')} onDismiss={() => setCreated(null)} />}
      <KeyForm
        onCreated={(key) => {
          setCreated(key);
          keys.reload();
        }}
      />
      <div className="filters" role="search">
        <div className="filter wide">
          <SystemPicker label={t('common.system')} value={q.systemId ?? ''} onChange={(v) => setQ({ systemId: v })} />
        </div>
        <CheckFilter label={t('gw.key.showRevoked')} value={all} onChange={(v) => setQ({ revoked: v ? 'true' : undefined })} />
      </div>
      {revokeError != null && <ErrorBox error={revokeError} />}
      <Busy on={keys.loading && !!keys.data} />
      {keys.error ? (
        <ErrorBox error={keys.error} onRetry={keys.reload} />
      ) : !keys.data ? (
        <Loading />
      ) : keys.data.items.length === 0 ? (
        <Empty title={t('gw.key.empty')}>{t('gw.key.emptyHint')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="key-table">
            <thead>
              <tr>
                <th scope="col">{t('gw.key.label')}</th>
                <th scope="col">{t('gw.key.prefix')}</th>
                <th scope="col">{t('common.system')}</th>
                <th scope="col">{t('gw.policy')}</th>
                <th scope="col">{t('gw.upstream')}</th>
                <th scope="col" className="num">{t('gw.key.rpm')}</th>
                <th scope="col">{t('common.created')}</th>
                <th scope="col">{t('gw.key.lastUsed')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'revoked' : undefined}>
                  <td>{k.label ?? <span className="muted">—</span>}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>
                    <SystemName id={k.systemId} />
                  </td>
                  <td>
                    <code>{k.policy}</code>
                  </td>
                  <td>{k.upstream}</td>
                  <td className="num">{k.rpm ? num(k.rpm) : t('gw.key.unlimited')}</td>
                  <td>
                    <DateText iso={k.createdAt} withTime />
                    <div className="muted small">{k.createdBy}</div>
                  </td>
                  <td>
                    <DateText iso={k.lastUsedAt} withTime />
                  </td>
                  <td>
                    {k.revokedAt ? (
                      <span className="muted">
                        {t('gw.key.revokedAt')} <DateText iso={k.revokedAt} withTime />
                      </span>
                    ) : (
                      <button type="button" className="small" onClick={() => revoke(k)}>
                        {t('gw.key.revoke')}
                        <span className="sr-only"> {k.label ?? k.prefix}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function KeyForm({ onCreated }: { onCreated: (key: string) => void }) {
  const { t } = useI18n();
  const policies = useApi((s) => api.get<{ items: PolicyInfo[] }>('/api/gateway/policies', {}, s), []);
  const upstreams = useApi((s) => api.get<{ items: UpstreamInfo[] }>('/api/gateway/upstreams', {}, s), []);
  const [systemId, setSystemId] = useState('');
  const [policy, setPolicy] = useState('default');
  const [upstream, setUpstream] = useState('');
  const [rpm, setRpm] = useState('');
  const [label, setLabel] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ups = upstreams.data?.items ?? [];
  const chosenUpstream = upstream || ups[0]?.name || '';

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const rpmN = rpm.trim() === '' ? undefined : Number(rpm);
      const r = await api.post<{ key: string }>('/api/gateway/keys', { systemId, policy, upstream: chosenUpstream, ...(rpmN !== undefined ? { rpm: rpmN } : {}), ...(label ? { label } : {}) });
      setLabel('');
      onCreated(r.key);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setErrors(e.fieldErrors());
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="card" data-testid="key-create">
      <summary>
        <h2>{t('gw.key.new')}</h2>
      </summary>
      {!upstreams.loading && ups.length === 0 ? (
        <p className="muted">{t('gw.key.needUpstream')}</p>
      ) : (
        <form className="form" onSubmit={submit} noValidate data-testid="key-form">
          {error != null && <ErrorBox error={error} />}
          <div className="form-grid">
            <SystemPicker label={t('common.system')} value={systemId} onChange={setSystemId} error={errors.systemId} testId="key-system" />
            <Field label={t('gw.policy')} error={errors.policy}>
              {(a) => (
                <select {...a} value={policy} onChange={(e) => setPolicy(e.target.value)}>
                  {(policies.data?.items ?? [{ name: 'default' } as PolicyInfo]).map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('gw.upstream')} error={errors.upstream}>
              {(a) => (
                <select {...a} value={chosenUpstream} onChange={(e) => setUpstream(e.target.value)}>
                  {ups.map((u) => (
                    <option key={u.name} value={u.name}>
                      {u.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <TextField label={t('gw.key.rpm')} type="number" hint={t('gw.key.rpmHint')} value={rpm} onChange={setRpm} error={errors.rpm} />
            <TextField label={t('gw.key.label')} value={label} onChange={setLabel} error={errors.label} />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t('common.saving') : t('gw.key.create')}
            </button>
          </div>
        </form>
      )}
    </details>
  );
}
