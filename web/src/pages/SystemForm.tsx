import { useEffect, useState, type FormEvent } from 'react';
import { EnumChecks, EnumSelect, ErrorBox, Field, Loading, PageHeader, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api, ApiError } from '../lib/api.ts';
import { rememberSystem, useApi } from '../lib/data.tsx';
import { Link, useRouter } from '../lib/router.tsx';
import type { ModelRef, SystemRecord } from '../lib/types.ts';

interface FormState {
  name: string;
  description: string;
  owner: string;
  organisation: string;
  organisationRole: string;
  lifecycleStage: string;
  domain: string;
  deploymentMode: string;
  population: string;
  userCount: string;
  autonomyLevel: string;
  acceptabilityThreshold: string;
  capabilities: string[];
  dataCategories: string[];
  jurisdictions: string[];
  tags: string;
  models: { name: string; version: string; source: string; provider: string }[];
}

const EMPTY: FormState = {
  name: '', description: '', owner: '', organisation: '', organisationRole: 'application-provider', lifecycleStage: 'development', domain: '',
  deploymentMode: 'saas', population: '', userCount: '', autonomyLevel: 'L1', acceptabilityThreshold: '8', capabilities: [], dataCategories: [],
  jurisdictions: ['cn'], tags: '', models: [],
};

function fromSystem(s: SystemRecord): FormState {
  return {
    name: s.name, description: s.description ?? '', owner: s.owner, organisation: s.organisation ?? '', organisationRole: s.organisationRole,
    lifecycleStage: s.lifecycleStage, domain: s.domain, deploymentMode: s.deploymentMode, population: s.population, userCount: s.userCount == null ? '' : String(s.userCount),
    autonomyLevel: s.autonomyLevel, acceptabilityThreshold: String(s.acceptabilityThreshold), capabilities: s.capabilities, dataCategories: s.dataCategories,
    jurisdictions: s.jurisdictions, tags: s.tags.join(', '),
    models: s.models.map((m: ModelRef) => ({ name: m.name, version: m.version ?? '', source: m.source ?? 'third-party-api', provider: m.provider ?? '' })),
  };
}

/** Form values → API attributes. Numbers that don't parse are sent as typed so the server can say what is wrong. */
function toBody(f: FormState): Record<string, unknown> {
  const num = (v: string) => (v.trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : v);
  const body: Record<string, unknown> = {
    name: f.name, owner: f.owner, organisationRole: f.organisationRole, lifecycleStage: f.lifecycleStage, domain: f.domain || undefined,
    deploymentMode: f.deploymentMode, population: f.population || undefined, autonomyLevel: f.autonomyLevel, acceptabilityThreshold: num(f.acceptabilityThreshold),
    capabilities: f.capabilities, dataCategories: f.dataCategories, jurisdictions: f.jurisdictions,
    tags: f.tags.split(/[,，]/).map((x) => x.trim()).filter(Boolean),
    models: f.models.map((m) => ({ name: m.name, ...(m.version ? { version: m.version } : {}), source: m.source, ...(m.provider ? { provider: m.provider } : {}) })),
  };
  if (f.description) body.description = f.description;
  if (f.organisation) body.organisation = f.organisation;
  const uc = num(f.userCount);
  if (uc !== undefined) body.userCount = uc;
  return body;
}

export function SystemForm({ id }: { id?: string }) {
  const existing = useApi((s) => (id ? api.get<SystemRecord>(`/api/systems/${encodeURIComponent(id)}`, {}, s) : Promise.resolve(null)), [id]);
  const { t } = useI18n();
  if (id && existing.error) return <ErrorBox error={existing.error} onRetry={existing.reload} />;
  if (id && !existing.data) return <Loading />;
  return <SystemFormInner key={id ?? 'new'} system={existing.data ?? null} title={id ? t('sys.edit') : t('sys.new')} />;
}

function SystemFormInner({ system, title }: { system: SystemRecord | null; title: string }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [f, setF] = useState<FormState>(() => (system ? fromSystem(system) : EMPTY));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((x) => ({ ...x, [k]: v }));

  useEffect(() => {
    // After a failed save, move focus to the first field the server rejected.
    const first = document.querySelector<HTMLElement>('.system-form [aria-invalid="true"]');
    first?.focus();
  }, [errors]);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      let saved: SystemRecord;
      if (system) {
        const before = toBody(fromSystem(system));
        const after = toBody(f);
        const patch: Record<string, unknown> = {};
        for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
            // A cleared text attribute is sent as ""; a cleared number can only be left as it was.
            const v = after[k] ?? (typeof before[k] === 'string' ? '' : undefined);
            if (v !== undefined) patch[k] = v;
          }
        saved = await api.patch<SystemRecord>(`/api/systems/${system.id}`, { ...patch, ...(reason ? { reason } : {}) });
      } else {
        saved = await api.post<SystemRecord>('/api/systems', toBody(f));
      }
      rememberSystem(saved);
      navigate(`/systems/${saved.id}${system ? '' : '?created=1'}`);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setErrors(e.fieldErrors());
    } finally {
      setBusy(false);
    }
  }

  const known = new Set(['name', 'description', 'owner', 'organisation', 'organisationRole', 'lifecycleStage', 'domain', 'deploymentMode', 'population', 'userCount', 'autonomyLevel', 'acceptabilityThreshold', 'capabilities', 'dataCategories', 'jurisdictions', 'tags', 'reason']);
  const unplaced = Object.entries(errors).filter(([k]) => !known.has(k.replace(/\[\d+\]$/, '')) && !k.startsWith('models'));
  const modelError = (i: number, k: string) => errors[`models[${i}].${k}`];

  return (
    <>
      <PageHeader title={title} />
      <form className="form system-form" onSubmit={submit} noValidate data-testid="system-form">
        {error != null && <ErrorBox error={error} />}
        {unplaced.length > 0 && (
          <ul className="field-error">
            {unplaced.map(([k, m]) => (
              <li key={k}>
                <code>{k}</code>: {m}
              </li>
            ))}
          </ul>
        )}
        <div className="form-grid">
          <TextField label={t('sys.name')} name="name" required value={f.name} onChange={(v) => set('name', v)} error={errors.name} />
          <TextField label={t('sys.owner')} name="owner" required value={f.owner} onChange={(v) => set('owner', v)} error={errors.owner} />
          <TextField label={t('sys.organisation')} name="organisation" value={f.organisation} onChange={(v) => set('organisation', v)} error={errors.organisation} />
          <EnumSelect label={t('sys.domain')} name="domain" required group="domain" allowEmpty={t('common.pick')} value={f.domain} onChange={(v) => set('domain', v)} error={errors.domain} />
          <EnumSelect label={t('sys.population')} name="population" required group="population" allowEmpty={t('common.pick')} value={f.population} onChange={(v) => set('population', v)} error={errors.population} />
          <TextField label={t('sys.userCount')} name="userCount" type="number" value={f.userCount} onChange={(v) => set('userCount', v)} error={errors.userCount} />
          <EnumSelect label={t('sys.organisationRole')} group="organisationRole" value={f.organisationRole} onChange={(v) => set('organisationRole', v)} error={errors.organisationRole} />
          <EnumSelect label={t('sys.lifecycleStage')} group="lifecycleStage" value={f.lifecycleStage} onChange={(v) => set('lifecycleStage', v)} error={errors.lifecycleStage} />
          <EnumSelect label={t('sys.deploymentMode')} group="deploymentMode" value={f.deploymentMode} onChange={(v) => set('deploymentMode', v)} error={errors.deploymentMode} />
          <EnumSelect label={t('sys.autonomyLevel')} group="autonomyLevel" value={f.autonomyLevel} onChange={(v) => set('autonomyLevel', v)} error={errors.autonomyLevel} />
          <TextField label={t('sys.threshold')} name="acceptabilityThreshold" type="number" hint={t('sys.thresholdHint')} value={f.acceptabilityThreshold} onChange={(v) => set('acceptabilityThreshold', v)} error={errors.acceptabilityThreshold} />
          <TextField label={t('sys.tags')} name="tags" value={f.tags} onChange={(v) => set('tags', v)} error={errors.tags ?? Object.entries(errors).find(([k]) => k.startsWith('tags['))?.[1]} />
        </div>
        <TextField label={t('sys.description')} name="description" multiline value={f.description} onChange={(v) => set('description', v)} error={errors.description} />
        <EnumChecks label={t('sys.capabilities')} group="capability" value={f.capabilities} onChange={(v) => set('capabilities', v)} error={errors.capabilities} />
        <EnumChecks label={t('sys.dataCategories')} group="dataCategory" value={f.dataCategories} onChange={(v) => set('dataCategories', v)} error={errors.dataCategories} />
        <EnumChecks label={t('sys.jurisdictions')} group="jurisdiction" value={f.jurisdictions} onChange={(v) => set('jurisdictions', v)} error={errors.jurisdictions} />
        <fieldset className="models">
          <legend>{t('sys.models')}</legend>
          {errors.models && <p className="field-error">{errors.models}</p>}
          {f.models.map((m, i) => (
            <div className="model-row" key={i}>
              <TextField label={t('sys.modelName')} required value={m.name} onChange={(v) => set('models', f.models.map((x, j) => (j === i ? { ...x, name: v } : x)))} error={modelError(i, 'name')} />
              <TextField label={t('sys.modelVersion')} value={m.version} onChange={(v) => set('models', f.models.map((x, j) => (j === i ? { ...x, version: v } : x)))} error={modelError(i, 'version')} />
              <EnumSelect label={t('sys.modelSource')} group="modelSource" value={m.source} onChange={(v) => set('models', f.models.map((x, j) => (j === i ? { ...x, source: v } : x)))} error={modelError(i, 'source')} />
              <TextField label={t('sys.modelProvider')} value={m.provider} onChange={(v) => set('models', f.models.map((x, j) => (j === i ? { ...x, provider: v } : x)))} error={modelError(i, 'provider')} />
              <button type="button" className="link-button" onClick={() => set('models', f.models.filter((_, j) => j !== i))}>
                {t('sys.removeModel', { n: i + 1 })}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set('models', [...f.models, { name: '', version: '', source: 'third-party-api', provider: '' }])}>
            {t('sys.addModel')}
          </button>
        </fieldset>
        {system && (
          <>
            <p className="hint">{t('sys.majorChange')}</p>
            <Field label={t('sys.changeReason')} error={errors.reason} hint={t('common.reasonHint')}>
              {(a) => <input {...a} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
          </>
        )}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.saving') : system ? t('common.save') : t('common.create')}
          </button>
          <Link className="button" to={system ? `/systems/${system.id}` : '/systems'}>
            {t('common.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}
