import { useState, type FormEvent } from 'react';
import { SecretOnce } from '../components/SecretOnce.tsx';
import { Badge, Busy, Card, DateText, EnumSelect, ErrorBox, Loading, Notice, PageHeader, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api, ApiError } from '../lib/api.ts';
import { useApi, useAuth } from '../lib/data.tsx';

interface TokenInfo {
  id: string;
  principalId: string;
  name: string;
  role: string;
  prefix: string;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** API tokens (admins only): list, create (the value is shown once), revoke. */
export function Tokens() {
  const { t } = useI18n();
  const { me } = useAuth();
  const list = useApi((s) => api.get<{ items: TokenInfo[] }>('/api/tokens', {}, s), []);
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function revoke(tok: TokenInfo) {
    if (!window.confirm(t('tok.revokeConfirm', { name: tok.name, prefix: tok.prefix }))) return;
    setError(null);
    try {
      await api.del(`/api/tokens/${encodeURIComponent(tok.id)}`);
      setNotice(t('tok.revoked', { name: tok.name }));
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <PageHeader title={t('tok.title')}>
        <p className="subtitle">{t('tok.intro')}</p>
      </PageHeader>
      {created && <SecretOnce value={created.token} title={t('tok.created', { name: created.name })} onDismiss={() => setCreated(null)} />}
      {notice && <Notice>{notice}</Notice>}
      {error != null && <ErrorBox error={error} />}
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : (
        <>
          <TokenForm
            onCreated={(token, name) => {
              setCreated({ token, name });
              setNotice(null);
              list.reload();
            }}
          />
          <Busy on={list.loading && !!list.data} />
          {!list.data ? (
            <Loading />
          ) : (
            <div className="table-wrap">
              <table className="data" data-testid="token-table">
                <thead>
                  <tr>
                    <th scope="col">{t('tok.name')}</th>
                    <th scope="col">{t('tok.role')}</th>
                    <th scope="col">{t('tok.prefix')}</th>
                    <th scope="col">{t('tok.label')}</th>
                    <th scope="col">{t('common.created')}</th>
                    <th scope="col">{t('tok.expires')}</th>
                    <th scope="col">{t('tok.lastUsed')}</th>
                    <th scope="col">{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((x) => (
                    <tr key={x.id} className={x.revokedAt ? 'revoked' : undefined}>
                      <td>
                        <strong>{x.name}</strong>
                        {x.principalId === me?.id && <span className="tag">{t('tok.you')}</span>}
                      </td>
                      <td>
                        <Badge group="role" value={x.role} />
                      </td>
                      <td>
                        <code>{x.prefix}…</code>
                      </td>
                      <td>{x.label ?? <span className="muted">—</span>}</td>
                      <td>
                        <DateText iso={x.createdAt} withTime />
                      </td>
                      <td>{x.expiresAt ? <DateText iso={x.expiresAt} /> : <span className="muted">{t('tok.never')}</span>}</td>
                      <td>
                        <DateText iso={x.lastUsedAt} withTime />
                      </td>
                      <td>
                        {x.revokedAt ? (
                          <span className="muted">
                            {t('tok.revokedAt')} <DateText iso={x.revokedAt} withTime />
                          </span>
                        ) : (
                          <button type="button" className="small" onClick={() => revoke(x)}>
                            {t('tok.revoke')}
                            <span className="sr-only"> {x.name} {x.prefix}</span>
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
      )}
    </>
  );
}

function TokenForm({ onCreated }: { onCreated: (token: string, name: string) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [role, setRole] = useState('engineer');
  const [label, setLabel] = useState('');
  const [days, setDays] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const r = await api.post<{ token: string; info: TokenInfo }>('/api/tokens', { name, role, ...(label ? { label } : {}), ...(days ? { expiresInDays: Number(days) } : {}) });
      setName('');
      setLabel('');
      setDays('');
      onCreated(r.token, r.info.name);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setErrors(e.fieldErrors());
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card title={t('tok.new')}>
      <form className="form" onSubmit={submit} noValidate data-testid="token-form">
        {error != null && <ErrorBox error={error} />}
        <div className="form-grid">
          <TextField label={t('tok.name')} required value={name} onChange={setName} error={errors.name} hint={t('tok.nameHint')} />
          <EnumSelect label={t('tok.role')} group="role" value={role} onChange={setRole} error={errors.role} />
          <TextField label={t('tok.label')} value={label} onChange={setLabel} error={errors.label} />
          <TextField label={t('tok.expiresInDays')} type="number" value={days} onChange={setDays} error={errors.expiresInDays} hint={t('tok.expiresHint')} />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.saving') : t('tok.create')}
          </button>
        </div>
      </form>
    </Card>
  );
}
