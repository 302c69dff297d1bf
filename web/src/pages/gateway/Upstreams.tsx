import { useState, type FormEvent } from 'react';
import { Badge, Busy, Empty, ErrorBox, Field, Loading, Notice, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { useApi } from '../../lib/data.tsx';
import { GatewayHeader } from './GatewayTabs.tsx';
import { CircuitBadge } from './Overview.tsx';
import type { UpstreamInfo } from './types.ts';

/** Model providers behind the gateway: config-file ones are read-only, API ones can be replaced or deleted. */
export function GatewayUpstreams() {
  const { t, num } = useI18n();
  const list = useApi((s) => api.get<{ items: UpstreamInfo[] }>('/api/gateway/upstreams', {}, s), []);
  const [editing, setEditing] = useState<UpstreamInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function remove(u: UpstreamInfo) {
    if (!window.confirm(t('gw.up.deleteConfirm', { name: u.name }))) return;
    setError(null);
    try {
      await api.del(`/api/gateway/upstreams/${encodeURIComponent(u.name)}`);
      setNotice(t('gw.up.deleted', { name: u.name }));
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <GatewayHeader title={t('gw.tab.upstreams')}>
        <p className="subtitle">{t('gw.up.intro')}</p>
      </GatewayHeader>
      {notice && <Notice>{notice}</Notice>}
      {error != null && <ErrorBox error={error} />}
      <UpstreamForm
        key={editing?.name ?? 'new'}
        initial={editing}
        onSaved={(name) => {
          setNotice(t('gw.up.saved', { name }));
          setEditing(null);
          list.reload();
        }}
      />
      <Busy on={list.loading && !!list.data} />
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty title={t('gw.up.empty')}>{t('gw.up.emptyHint')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="upstream-table">
            <thead>
              <tr>
                <th scope="col">{t('gw.up.name')}</th>
                <th scope="col">{t('gw.up.type')}</th>
                <th scope="col">{t('gw.up.baseUrl')}</th>
                <th scope="col">{t('gw.up.apiKeyEnv')}</th>
                <th scope="col" className="num">{t('gw.up.timeout')}</th>
                <th scope="col">{t('gw.up.circuit')}</th>
                <th scope="col">{t('gw.source')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((u) => (
                <tr key={u.name}>
                  <td>
                    <strong>{u.name}</strong>
                  </td>
                  <td>
                    <Badge group="upstreamType" value={u.type} />
                  </td>
                  <td>
                    <code>{u.baseUrl}</code>
                  </td>
                  <td>
                    {u.apiKeyEnv ? <code>{u.apiKeyEnv}</code> : '—'} {u.apiKeyEnv && <span className={u.apiKeySet ? 'ok-text' : 'bad-text'}>{u.apiKeySet ? t('gw.up.keySet') : t('gw.up.keyMissing')}</span>}
                  </td>
                  <td className="num">{num(u.timeoutMs)}</td>
                  <td>
                    <CircuitBadge state={u.circuit?.state} />
                    {u.circuit && u.circuit.opens > 0 && <div className="muted small">{t('gw.up.opens', { n: u.circuit.opens })}</div>}
                  </td>
                  <td>
                    <Badge group="policySource" value={u.source} />
                  </td>
                  <td>
                    {u.source === 'api' ? (
                      <>
                        <button type="button" className="small" onClick={() => setEditing(u)}>
                          {t('common.edit')}
                          <span className="sr-only"> {u.name}</span>
                        </button>{' '}
                        <button type="button" className="small" onClick={() => remove(u)}>
                          {t('gw.delete')}
                          <span className="sr-only"> {u.name}</span>
                        </button>
                      </>
                    ) : (
                      <span className="muted small">{t('gw.readOnly')}</span>
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

function UpstreamForm({ initial, onSaved }: { initial: UpstreamInfo | null; onSaved: (name: string) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(initial?.name ?? '');
  const [type, setType] = useState(initial?.type ?? 'openai');
  const [baseUrl, setBaseUrl] = useState(initial?.baseUrl ?? '');
  const [apiKeyEnv, setApiKeyEnv] = useState(initial?.apiKeyEnv ?? '');
  const [timeoutMs, setTimeoutMs] = useState(initial ? String(initial.timeoutMs) : '');
  const [models, setModels] = useState(initial?.models?.join(', ') ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const list = models.split(/[,，\s]+/).filter(Boolean);
      const body = { type, baseUrl, ...(apiKeyEnv ? { apiKeyEnv } : {}), ...(timeoutMs ? { timeoutMs: Number(timeoutMs) } : {}), ...(list.length ? { models: list } : {}) };
      if (!name.trim()) {
        setErrors({ name: t('gw.up.nameRequired') });
        return;
      }
      await api.put(`/api/gateway/upstreams/${encodeURIComponent(name.trim())}`, body);
      onSaved(name.trim());
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setErrors(e.fieldErrors());
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="card" open={initial ? true : undefined} data-testid="upstream-create">
      <summary>
        <h2>{initial ? t('gw.up.edit', { name: initial.name }) : t('gw.up.new')}</h2>
      </summary>
      <form className="form" onSubmit={submit} noValidate data-testid="upstream-form">
        {error != null && <ErrorBox error={error} />}
        <div className="form-grid">
          <TextField label={t('gw.up.name')} required value={name} onChange={setName} error={errors.name} hint={t('gw.up.nameHint')} />
          <Field label={t('gw.up.type')} error={errors.type}>
            {(a) => (
              <select {...a} value={type} onChange={(e) => setType(e.target.value)}>
                <option value="openai">OpenAI</option>
                <option value="anthropic">Anthropic</option>
              </select>
            )}
          </Field>
          <TextField label={t('gw.up.baseUrl')} required value={baseUrl} onChange={setBaseUrl} error={errors.baseUrl} placeholder="https://api.openai.com/v1" />
          <TextField label={t('gw.up.apiKeyEnv')} value={apiKeyEnv} onChange={setApiKeyEnv} error={errors.apiKeyEnv ?? errors.apiKey} hint={t('gw.up.apiKeyEnvHint')} />
          <TextField label={t('gw.up.timeout')} type="number" value={timeoutMs} onChange={setTimeoutMs} error={errors.timeoutMs} />
          <TextField label={t('gw.up.models')} value={models} onChange={setModels} error={errors.models ?? Object.entries(errors).find(([k]) => k.startsWith('models['))?.[1]} hint={t('gw.up.modelsHint')} />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </form>
    </details>
  );
}
