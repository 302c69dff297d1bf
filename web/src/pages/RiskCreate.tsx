import { useState, type FormEvent } from 'react';
import { SystemPicker, TaxonomyPicker } from '../components/Pickers.tsx';
import { AnalysisInputs, EMPTY_IMPACT, impactBody, type ImpactForm } from '../components/RiskInputs.tsx';
import { EnumSelect, ErrorBox, PageHeader, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api, ApiError } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import type { Risk } from '../lib/types.ts';

export function RiskCreate() {
  const { t } = useI18n();
  const { search, navigate } = useRouter();
  const [systemId, setSystemId] = useState(search.get('systemId') ?? '');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [taxonomyIds, setTaxonomyIds] = useState<string[]>([]);
  const [source, setSource] = useState('manual');
  const [analyse, setAnalyse] = useState(true);
  const [likelihood, setLikelihood] = useState('');
  const [impact, setImpact] = useState<ImpactForm>(EMPTY_IMPACT);
  const [rationale, setRationale] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    const body: Record<string, unknown> = { systemId, title, taxonomyIds, source };
    if (description) body.description = description;
    if (reason) body.reason = reason;
    if (analyse) {
      if (likelihood) body.likelihood = Number(likelihood);
      const imp = impactBody(impact);
      if (likelihood || Object.keys(imp).length) body.impact = imp;
      if (rationale) body.rationale = rationale;
    }
    try {
      const r = await api.post<Risk>('/api/risks', body);
      navigate(`/risks/${r.id}?created=1`);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setErrors(e.fieldErrors());
    } finally {
      setBusy(false);
    }
  }

  const taxError = errors.taxonomyIds ?? Object.entries(errors).find(([k]) => k.startsWith('taxonomyIds['))?.[1];
  return (
    <>
      <PageHeader title={t('risk.new')} />
      <form className="form" onSubmit={submit} noValidate data-testid="risk-form">
        {error != null && <ErrorBox error={error} />}
        <SystemPicker label={t('common.system')} value={systemId} onChange={setSystemId} error={errors.systemId} testId="risk-system" />
        <TextField label={t('common.title')} name="title" required value={title} onChange={setTitle} error={errors.title} />
        <TextField label={t('risk.description')} name="description" multiline value={description} onChange={setDescription} error={errors.description} />
        <TaxonomyPicker label={t('risk.taxonomies')} value={taxonomyIds} onChange={setTaxonomyIds} error={taxError} testId="risk-taxonomy" />
        <EnumSelect label={t('risk.source')} group="riskSource" value={source} onChange={setSource} error={errors.source} />
        <label className="check">
          <input type="checkbox" checked={analyse} onChange={(e) => setAnalyse(e.target.checked)} /> {t('risk.analyseNow')}
        </label>
        {analyse && (
          <>
            <AnalysisInputs likelihood={likelihood} impact={impact} onLikelihood={setLikelihood} onImpact={setImpact} errors={errors} />
            <TextField label={t('risk.rationale')} multiline value={rationale} onChange={setRationale} error={errors.rationale} />
          </>
        )}
        <TextField label={t('common.reason')} hint={t('common.reasonHint')} value={reason} onChange={setReason} error={errors.reason} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.saving') : t('common.create')}
          </button>
          <Link className="button" to={systemId ? `/systems/${systemId}` : '/risks'}>
            {t('common.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}
