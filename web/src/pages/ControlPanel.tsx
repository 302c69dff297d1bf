import { useEffect, useRef, useState, type FormEvent } from 'react';
import { SystemName } from '../components/Pickers.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { EnumSelect, ErrorBox, Loading, Notice, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api, ApiError } from '../lib/api.ts';
import { useApi, useTaxonomyItems } from '../lib/data.tsx';
import type { Control, Evidence, Revision } from '../lib/types.ts';

/** A modal dialog (native <dialog>: focus is kept inside, Escape closes) to set one control's status. */
export function ControlPanel({ control, onClose, onSaved }: { control: Control; onClose: () => void; onSaved: (c: Control) => void }) {
  const { t, pick, date } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const names = useTaxonomyItems([control.measureId]);
  const evidence = useApi((s) => api.get<{ items: Evidence[] }>('/api/evidence', { systemId: control.systemId, limit: 100 }, s), [control.systemId]);
  const history = useApi((s) => api.get<{ items: Revision[] }>(`/api/controls/${control.id}/history`, {}, s), [control.id]);
  const [status, setStatus] = useState(control.status);
  const [reason, setReason] = useState('');
  const [owner, setOwner] = useState(control.owner ?? '');
  const [evidenceIds, setEvidenceIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    const close = () => onClose();
    d.addEventListener('close', close);
    return () => d.removeEventListener('close', close);
  }, [onClose]);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    setSaved(false);
    try {
      const c = await api.post<Control>(`/api/controls/${control.id}/status`, { status, ...(reason ? { reason } : {}), ...(owner ? { owner } : {}), evidenceIds });
      setSaved(true);
      history.reload();
      onSaved(c);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setErrors(e.fieldErrors());
    } finally {
      setBusy(false);
    }
  }
  const evError = errors.evidenceIds ?? Object.entries(errors).find(([k]) => k.startsWith('evidenceIds['))?.[1];

  return (
    <dialog ref={ref} className="panel" aria-labelledby="ctl-panel-title" data-testid="control-panel">
      <div className="panel-head">
        <h2 id="ctl-panel-title">{t('ctl.setStatus')}</h2>
        <button type="button" onClick={() => ref.current?.close()} aria-label={t('common.close')}>
          ×
        </button>
      </div>
      <p>
        <code>{control.measureId}</code> {pick(names.get(control.measureId)?.name)}
        <br />
        <SystemName id={control.systemId} link={false} />
      </p>
      <form className="form" onSubmit={submit} noValidate>
        {error != null && <ErrorBox error={error} />}
        {saved && <Notice>{t('common.saved')}</Notice>}
        <EnumSelect label={t('common.status')} group="controlStatus" value={status} onChange={setStatus} error={errors.status} />
        <TextField label={t('common.reason')} hint={status === 'not-applicable' ? t('ctl.reasonNa') : t('common.reasonHint')} required={status === 'not-applicable'} value={reason} onChange={setReason} error={errors.reason} />
        <TextField label={t('common.owner')} value={owner} onChange={setOwner} error={errors.owner} />
        <fieldset className={evError ? 'checks has-error' : 'checks'}>
          <legend>{t('ctl.evidenceIds')}</legend>
          {!evidence.data ? (
            <Loading inline />
          ) : evidence.data.items.length === 0 ? (
            <p className="muted">{t('ctl.evidenceNone')}</p>
          ) : (
            <div className="check-list">
              {evidence.data.items.map((x) => (
                <label key={x.id} className="check">
                  <input type="checkbox" checked={evidenceIds.includes(x.id)} onChange={(ev) => setEvidenceIds(ev.target.checked ? [...evidenceIds, x.id] : evidenceIds.filter((i) => i !== x.id))} />
                  {x.subject} <span className="muted">({date(x.producedAt)})</span>
                </label>
              ))}
            </div>
          )}
          {evError && <p className="field-error">{evError}</p>}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
          <button type="button" onClick={() => ref.current?.close()}>
            {t('common.close')}
          </button>
        </div>
      </form>
      <h3>{t('ctl.history')}</h3>
      {history.data ? <Timeline items={history.data.items} /> : <Loading inline />}
    </dialog>
  );
}
