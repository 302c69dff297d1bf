import { useState, type FormEvent } from 'react';
import { SystemPicker, TaxonomyPicker } from '../components/Pickers.tsx';
import { EnumSelect, ErrorBox, Field, PageHeader, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api, ApiError } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import type { Evidence } from '../lib/types.ts';

interface Finding {
  title: string;
  severity: string;
  detail: string;
}
interface Result {
  taxonomyId: string;
  metric: string;
  value: string;
  threshold: string;
  passed: string;
}

/**
 * Evidence recorded by hand (POST /api/evidence): typically an attestation that a control works,
 * with findings or measured results. The rule table turns it into risk and control changes.
 */
export function EvidenceForm() {
  const { t } = useI18n();
  const { search, navigate } = useRouter();
  const [systemId, setSystemId] = useState(search.get('systemId') ?? '');
  const [kind, setKind] = useState('attestation');
  const [producer, setProducer] = useState('manual');
  const [subject, setSubject] = useState('');
  const [detailsUrl, setDetailsUrl] = useState('');
  const [implemented, setImplemented] = useState<string[]>([]);
  const [verified, setVerified] = useState<string[]>([]);
  const [findings, setFindings] = useState<Finding[]>([]);
  const [results, setResults] = useState<Result[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    const num = (v: string) => (v.trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : v);
    try {
      const body = {
        kind, producer, systemId, subject, ...(detailsUrl ? { detailsUrl } : {}),
        summary: {
          controlsImplemented: implemented, controlsVerified: verified,
          findings: findings.map((f) => ({ title: f.title, severity: f.severity, ...(f.detail ? { detail: f.detail } : {}) })),
          categories: results.map((r) => ({ taxonomyId: r.taxonomyId, metric: r.metric, value: num(r.value), ...(r.threshold ? { threshold: num(r.threshold) } : {}), ...(r.passed ? { passed: r.passed === 'true' } : {}) })),
        },
      };
      const r = await api.post<Evidence>('/api/evidence', body);
      navigate(`/evidence/${r.id}`);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) {
        const fe = e.fieldErrors();
        setErrors(fe);
        requestAnimationFrame(() => document.querySelector<HTMLElement>('.evidence-form [aria-invalid="true"]')?.focus());
      }
    } finally {
      setBusy(false);
    }
  }
  const err = (k: string) => errors[k] ?? errors[`summary.${k}`] ?? Object.entries(errors).find(([x]) => x.startsWith(`summary.${k}[`))?.[1];
  const setF = (i: number, patch: Partial<Finding>) => setFindings(findings.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const setR = (i: number, patch: Partial<Result>) => setResults(results.map((f, j) => (j === i ? { ...f, ...patch } : f)));

  return (
    <>
      <PageHeader title={t('evf.title')}>
        <p className="subtitle">{t('evf.intro')}</p>
      </PageHeader>
      <form className="form evidence-form" onSubmit={submit} noValidate data-testid="evidence-form">
        {error != null && <ErrorBox error={error} />}
        <div className="form-grid">
          <SystemPicker label={t('common.system')} value={systemId} onChange={setSystemId} error={errors.systemId} testId="evidence-system" />
          <EnumSelect label={t('ev.kind')} group="evidenceKind" value={kind} onChange={setKind} error={errors.kind} />
          <EnumSelect label={t('ev.producer')} group="producer" value={producer} onChange={setProducer} error={errors.producer} />
          <TextField label={t('ev.subject')} name="subject" required value={subject} onChange={setSubject} error={errors.subject} hint={t('evf.subjectHint')} />
          <TextField label={t('evf.detailsUrl')} value={detailsUrl} onChange={setDetailsUrl} error={errors.detailsUrl} />
        </div>
        <TaxonomyPicker label={t('evf.verified')} value={verified} onChange={setVerified} error={err('controlsVerified')} />
        <TaxonomyPicker label={t('evf.implemented')} value={implemented} onChange={setImplemented} error={err('controlsImplemented')} />
        <fieldset>
          <legend>{t('ev.findings')}</legend>
          {findings.map((f, i) => (
            <div className="model-row" key={i}>
              <TextField label={t('evf.findingTitle')} required value={f.title} onChange={(v) => setF(i, { title: v })} error={errors[`summary.findings[${i}].title`]} />
              <EnumSelect label={t('ev.severity')} group="severity" value={f.severity} onChange={(v) => setF(i, { severity: v })} error={errors[`summary.findings[${i}].severity`]} />
              <TextField label={t('evf.findingDetail')} value={f.detail} onChange={(v) => setF(i, { detail: v })} error={errors[`summary.findings[${i}].detail`]} />
              <button type="button" className="link-button" onClick={() => setFindings(findings.filter((_, j) => j !== i))}>
                {t('evf.removeFinding', { n: i + 1 })}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setFindings([...findings, { title: '', severity: 'medium', detail: '' }])}>
            {t('evf.addFinding')}
          </button>
        </fieldset>
        <fieldset>
          <legend>{t('ev.categories')}</legend>
          {results.map((r, i) => (
            <div className="model-row" key={i}>
              <TextField label={t('evf.taxonomyId')} required value={r.taxonomyId} onChange={(v) => setR(i, { taxonomyId: v })} error={errors[`summary.categories[${i}].taxonomyId`]} placeholder="gbt45654.A.1.d" />
              <TextField label={t('ev.metric')} required value={r.metric} onChange={(v) => setR(i, { metric: v })} error={errors[`summary.categories[${i}].metric`]} placeholder="refusal_rate" />
              <TextField label={t('ev.value')} type="number" required value={r.value} onChange={(v) => setR(i, { value: v })} error={errors[`summary.categories[${i}].value`]} />
              <TextField label={t('ev.threshold')} type="number" value={r.threshold} onChange={(v) => setR(i, { threshold: v })} error={errors[`summary.categories[${i}].threshold`]} />
              <Field label={t('ev.passed')}>
                {(a) => (
                  <select {...a} value={r.passed} onChange={(e) => setR(i, { passed: e.target.value })}>
                    <option value="">—</option>
                    <option value="true">{t('common.yes')}</option>
                    <option value="false">{t('common.no')}</option>
                  </select>
                )}
              </Field>
              <button type="button" className="link-button" onClick={() => setResults(results.filter((_, j) => j !== i))}>
                {t('evf.removeResult', { n: i + 1 })}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setResults([...results, { taxonomyId: '', metric: '', value: '', threshold: '', passed: '' }])}>
            {t('evf.addResult')}
          </button>
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.saving') : t('evf.submit')}
          </button>
          <Link className="button" to={systemId ? `/systems/${systemId}` : '/evidence'}>
            {t('common.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}
