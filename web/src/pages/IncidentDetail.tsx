import { useEffect, useState, type FormEvent } from 'react';
import { SystemName, SystemPicker, TaxonomyList, TaxonomyPicker } from '../components/Pickers.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { Badge, Card, DateText, EnumSelect, ErrorBox, Field, KeyValues, Loading, Notice, PageHeader, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api, ApiError } from '../lib/api.ts';
import { useApi } from '../lib/data.tsx';
import { Link, useRouter } from '../lib/router.tsx';
import type { Incident, Revision } from '../lib/types.ts';

const SEVERITIES = ['low', 'medium', 'high', 'critical'];

/** Report an incident (POST /api/incidents); the server's field errors appear at their fields. */
export function IncidentCreate() {
  const { t } = useI18n();
  const { search, navigate } = useRouter();
  const [systemId, setSystemId] = useState(search.get('systemId') ?? '');
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState('');
  const [description, setDescription] = useState('');
  const [taxonomyIds, setTaxonomyIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useFocusFirstError(errors);
  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const r = await api.post<Incident>('/api/incidents', { systemId, title, severity: severity || undefined, ...(description ? { description } : {}), taxonomyIds });
      navigate(`/incidents/${r.id}`);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setErrors(e.fieldErrors());
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <PageHeader title={t('inc.new')} />
      <form className="form incident-form" onSubmit={submit} noValidate data-testid="incident-form">
        {error != null && <ErrorBox error={error} />}
        <div className="form-grid">
          <SystemPicker label={t('common.system')} value={systemId} onChange={setSystemId} error={errors.systemId} testId="incident-system" />
          <TextField label={t('common.title')} required value={title} onChange={setTitle} error={errors.title} />
          <EnumSelect label={t('inc.severity')} required group="severity" only={SEVERITIES} allowEmpty={t('common.pick')} value={severity} onChange={setSeverity} error={errors.severity} />
        </div>
        <TextField label={t('risk.description')} multiline value={description} onChange={setDescription} error={errors.description} />
        <TaxonomyPicker label={t('risk.taxonomies')} value={taxonomyIds} onChange={setTaxonomyIds} error={errors.taxonomyIds ?? Object.entries(errors).find(([k]) => k.startsWith('taxonomyIds['))?.[1]} testId="incident-taxonomy" />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.saving') : t('inc.report')}
          </button>
          <Link className="button" to="/incidents">
            {t('common.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}

function useFocusFirstError(errors: Record<string, string>) {
  useEffect(() => {
    document.querySelector<HTMLElement>('.incident-form [aria-invalid="true"]')?.focus();
  }, [errors]);
}

export function IncidentDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const inc = useApi((s) => api.get<Incident & { history: Revision[] }>(`/api/incidents/${encodeURIComponent(id)}`, {}, s), [id]);
  const [saved, setSaved] = useState(false);
  if (inc.error) return <ErrorBox error={inc.error} onRetry={inc.reload} />;
  const x = inc.data;
  if (!x) return <Loading />;
  return (
    <div data-testid="incident-detail">
      <PageHeader title={x.title}>
        <p className="subtitle">
          <Badge group="severity" value={x.severity} /> <Badge group="incidentStatus" value={x.status} /> · <SystemName id={x.systemId} /> · <code>{x.id}</code>
        </p>
      </PageHeader>
      {saved && <Notice>{t('common.saved')}</Notice>}
      <div className="grid-2">
        <Card title={t('inc.details')}>
          <KeyValues
            rows={[
              [t('inc.openedAt'), <DateText iso={x.openedAt} withTime />],
              [t('inc.closedAt'), x.closedAt ? <DateText iso={x.closedAt} withTime /> : null],
              [t('risk.description'), x.description],
              [t('risk.taxonomies'), <TaxonomyList ids={x.taxonomyIds} />],
              [t('inc.sourceEvidence'), x.sourceEvidenceId ? <Link to={`/evidence/${x.sourceEvidenceId}`}>{x.sourceEvidenceId}</Link> : null],
            ]}
          />
        </Card>
        <Card title={t('inc.update')}>
          <IncidentEdit
            key={`${x.id}:${x.revision}`}
            incident={x}
            onSaved={() => {
              setSaved(true);
              inc.reload();
            }}
          />
        </Card>
      </div>
      <Card title={t('risk.history')}>
        <Timeline items={x.history} />
      </Card>
    </div>
  );
}

function IncidentEdit({ incident, onSaved }: { incident: Incident; onSaved: () => void }) {
  const { t } = useI18n();
  const [status, setStatus] = useState(incident.status);
  const [severity, setSeverity] = useState(incident.severity);
  const [title, setTitle] = useState(incident.title);
  const [description, setDescription] = useState(incident.description ?? '');
  const [taxonomyIds, setTaxonomyIds] = useState(incident.taxonomyIds);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useFocusFirstError(errors);
  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    const patch: Record<string, unknown> = { reason };
    if (status !== incident.status) patch.status = status;
    if (severity !== incident.severity) patch.severity = severity;
    if (title !== incident.title) patch.title = title;
    if (description !== (incident.description ?? '')) patch.description = description || null;
    if (JSON.stringify(taxonomyIds) !== JSON.stringify(incident.taxonomyIds)) patch.taxonomyIds = taxonomyIds;
    try {
      await api.patch(`/api/incidents/${encodeURIComponent(incident.id)}`, patch);
      onSaved();
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setErrors(e.fieldErrors());
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="form incident-form" onSubmit={submit} noValidate data-testid="incident-edit">
      {error != null && <ErrorBox error={error} />}
      <div className="form-grid">
        <EnumSelect label={t('common.status')} group="incidentStatus" value={status} onChange={setStatus} error={errors.status} />
        <EnumSelect label={t('inc.severity')} group="severity" only={SEVERITIES} value={severity} onChange={setSeverity} error={errors.severity} />
      </div>
      <TextField label={t('common.title')} value={title} onChange={setTitle} error={errors.title} />
      <TextField label={t('risk.description')} multiline value={description} onChange={setDescription} error={errors.description} />
      <TaxonomyPicker label={t('risk.taxonomies')} value={taxonomyIds} onChange={setTaxonomyIds} error={errors.taxonomyIds ?? Object.entries(errors).find(([k]) => k.startsWith('taxonomyIds['))?.[1]} />
      <Field label={t('common.reason')} required error={errors.reason} hint={t('common.reasonHint')}>
        {(a) => <input {...a} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
