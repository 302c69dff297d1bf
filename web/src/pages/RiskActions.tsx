import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { AnalysisInputs, EMPTY_IMPACT, impactBody, type ImpactForm } from '../components/RiskInputs.tsx';
import { EnumSelect, ErrorBox, Notice, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { api, ApiError } from '../lib/api.ts';
import { useApi, useTaxonomyItems } from '../lib/data.tsx';
import type { Control, Impact, Risk } from '../lib/types.ts';

const ACTIONS = ['assess', 'treat', 'residual', 'review', 'status'] as const;
type Action = (typeof ACTIONS)[number];

function toForm(i: Impact | undefined): ImpactForm {
  const f = { ...EMPTY_IMPACT };
  for (const [k, v] of Object.entries(i ?? {})) if (k in f && v) f[k as keyof ImpactForm] = String(v);
  return f;
}

/** One POST per action; the server validates and explains; field errors land next to the fields. */
function useSubmit(risk: Risk, action: Action, onDone: (r: Risk) => void) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<number | null>(null);
  async function submit(ev: FormEvent, body: Record<string, unknown>) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    setDone(null);
    try {
      const r = await api.post<Risk>(`/api/risks/${risk.id}/${action}`, body);
      setDone(r.revision);
      onDone(r);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError) setErrors(e.fieldErrors());
    } finally {
      setBusy(false);
    }
  }
  return { errors, error, busy, done, submit };
}

function FormShell({ s, children, onSubmit, testId }: { s: ReturnType<typeof useSubmit>; children: ReactNode; onSubmit: (ev: FormEvent) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid={testId}>
      {s.error != null && <ErrorBox error={s.error} />}
      {s.done !== null && <Notice>{t('risk.done', { n: s.done })}</Notice>}
      {children}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={s.busy}>
          {s.busy ? t('common.saving') : t('common.submit')}
        </button>
      </div>
    </form>
  );
}

function AssessForm({ risk, onDone }: { risk: Risk; onDone: (r: Risk) => void }) {
  const { t } = useI18n();
  const s = useSubmit(risk, 'assess', onDone);
  const [likelihood, setLikelihood] = useState(risk.analysis ? String(risk.analysis.likelihood) : '');
  const [impact, setImpact] = useState<ImpactForm>(toForm(risk.analysis?.impact));
  const [lossValue, setLossValue] = useState(risk.analysis?.lossValue != null ? String(risk.analysis.lossValue) : '');
  const [rationale, setRationale] = useState('');
  const [reason, setReason] = useState('');
  return (
    <FormShell
      s={s}
      testId="form-assess"
      onSubmit={(ev) =>
        s.submit(ev, {
          ...(likelihood ? { likelihood: Number(likelihood) } : {}),
          impact: impactBody(impact),
          ...(lossValue ? { lossValue: Number(lossValue) } : {}),
          ...(rationale ? { rationale } : {}),
          ...(reason ? { reason } : {}),
        })
      }
    >
      <AnalysisInputs likelihood={likelihood} impact={impact} onLikelihood={setLikelihood} onImpact={setImpact} errors={s.errors} />
      <TextField label={t('risk.lossValue')} type="number" value={lossValue} onChange={setLossValue} error={s.errors.lossValue} />
      <TextField label={t('risk.rationale')} multiline value={rationale} onChange={setRationale} error={s.errors.rationale} />
      <TextField label={t('common.reason')} name="reason" hint={t('common.reasonHint')} value={reason} onChange={setReason} error={s.errors.reason} />
    </FormShell>
  );
}

function TreatForm({ risk, onDone }: { risk: Risk; onDone: (r: Risk) => void }) {
  const { t, e, pick } = useI18n();
  const s = useSubmit(risk, 'treat', onDone);
  const tr = risk.treatment;
  const [strategy, setStrategy] = useState(tr?.strategy ?? 'mitigate');
  const [owner, setOwner] = useState(tr?.owner ?? '');
  const [dueDate, setDueDate] = useState(tr?.dueDate ?? '');
  const [controlIds, setControlIds] = useState<string[]>(tr?.controlIds ?? []);
  const [justification, setJustification] = useState(tr?.justification ?? '');
  const [plan, setPlan] = useState(tr?.plan ?? '');
  const [reason, setReason] = useState('');
  const controls = useApi((sig) => api.get<{ items: Control[] }>('/api/controls', { systemId: risk.systemId, applicable: true, limit: 500 }, sig), [risk.systemId]);
  const names = useTaxonomyItems((controls.data?.items ?? []).map((c) => c.measureId));
  const groupId = useId();
  const ctlError = s.errors.controlIds ?? Object.entries(s.errors).find(([k]) => k.startsWith('controlIds['))?.[1];
  return (
    <FormShell s={s} testId="form-treat" onSubmit={(ev) => s.submit(ev, { strategy, owner, dueDate, controlIds, ...(justification ? { justification } : {}), ...(plan ? { plan } : {}), ...(reason ? { reason } : {}) })}>
      <div className="form-grid">
        <EnumSelect label={t('risk.strategy')} group="strategy" required value={strategy} onChange={setStrategy} error={s.errors.strategy} />
        <TextField label={t('common.owner')} required value={owner} onChange={setOwner} error={s.errors.owner} />
        <TextField label={t('risk.dueDate')} type="date" required value={dueDate} onChange={setDueDate} error={s.errors.dueDate} />
      </div>
      <TextField label={t('risk.justification')} hint={t('risk.justificationHint')} multiline value={justification} onChange={setJustification} error={s.errors.justification} />
      <TextField label={t('risk.plan')} multiline value={plan} onChange={setPlan} error={s.errors.plan} />
      <fieldset className={ctlError ? 'checks has-error' : 'checks'} aria-describedby={ctlError ? `${groupId}-err` : undefined}>
        <legend>{t('risk.controls')}</legend>
        <div className="check-list">
          {(controls.data?.items ?? []).map((c) => (
            <label key={c.id} className="check">
              <input type="checkbox" checked={controlIds.includes(c.id)} onChange={(ev) => setControlIds(ev.target.checked ? [...controlIds, c.id] : controlIds.filter((x) => x !== c.id))} />
              <code>{c.measureId}</code> {pick(names.get(c.measureId)?.name)} <span className="muted">({e('controlStatus', c.status)})</span>
            </label>
          ))}
        </div>
        {ctlError && (
          <p className="field-error" id={`${groupId}-err`}>
            {ctlError}
          </p>
        )}
      </fieldset>
      <TextField label={t('common.reason')} hint={t('common.reasonHint')} value={reason} onChange={setReason} error={s.errors.reason} />
    </FormShell>
  );
}

function ResidualForm({ risk, onDone }: { risk: Risk; onDone: (r: Risk) => void }) {
  const { t } = useI18n();
  const s = useSubmit(risk, 'residual', onDone);
  const [likelihood, setLikelihood] = useState(risk.residual ? String(risk.residual.likelihood) : '');
  const [impact, setImpact] = useState<ImpactForm>(toForm(risk.residual?.impact));
  const [rationale, setRationale] = useState('');
  const [reason, setReason] = useState('');
  return (
    <FormShell s={s} testId="form-residual" onSubmit={(ev) => s.submit(ev, { ...(likelihood ? { likelihood: Number(likelihood) } : {}), impact: impactBody(impact), ...(rationale ? { rationale } : {}), ...(reason ? { reason } : {}) })}>
      <AnalysisInputs likelihood={likelihood} impact={impact} onLikelihood={setLikelihood} onImpact={setImpact} errors={s.errors} />
      <TextField label={t('risk.rationale')} multiline value={rationale} onChange={setRationale} error={s.errors.rationale} />
      <TextField label={t('common.reason')} hint={t('common.reasonHint')} value={reason} onChange={setReason} error={s.errors.reason} />
    </FormShell>
  );
}

function ReviewForm({ risk, onDone }: { risk: Risk; onDone: (r: Risk) => void }) {
  const { t } = useI18n();
  const s = useSubmit(risk, 'review', onDone);
  const [outcome, setOutcome] = useState('unchanged');
  const [notes, setNotes] = useState('');
  const [next, setNext] = useState('');
  const [reason, setReason] = useState('');
  return (
    <FormShell s={s} testId="form-review" onSubmit={(ev) => s.submit(ev, { outcome, ...(notes ? { notes } : {}), ...(next ? { nextReviewAt: `${next}T00:00:00Z` } : {}), ...(reason ? { reason } : {}) })}>
      <EnumSelect label={t('risk.outcome')} group="reviewOutcome" required value={outcome} onChange={setOutcome} error={s.errors.outcome} />
      <TextField label={t('common.notes')} multiline value={notes} onChange={setNotes} error={s.errors.notes} />
      <TextField label={t('risk.nextReviewAt')} type="date" value={next} onChange={setNext} error={s.errors.nextReviewAt} />
      <TextField label={t('common.reason')} hint={t('common.reasonHint')} value={reason} onChange={setReason} error={s.errors.reason} />
    </FormShell>
  );
}

function StatusForm({ risk, onDone }: { risk: Risk; onDone: (r: Risk) => void }) {
  const { t } = useI18n();
  const s = useSubmit(risk, 'status', onDone);
  const [status, setStatus] = useState(risk.status === 'proposed' ? 'identified' : 'closed');
  const [reason, setReason] = useState('');
  return (
    <FormShell s={s} testId="form-status" onSubmit={(ev) => s.submit(ev, { status, reason })}>
      <EnumSelect label={t('risk.newStatus')} group="riskStatus" only={['identified', 'rejected', 'closed']} required value={status} onChange={setStatus} error={s.errors.status} />
      <TextField label={t('common.reason')} required hint={t('common.reasonHint')} value={reason} onChange={setReason} error={s.errors.reason} />
    </FormShell>
  );
}

/** The five ways to change a risk, as tabs (arrow keys move between tabs, as in the ARIA tabs pattern). */
export function RiskActions({ risk, onDone }: { risk: Risk; onDone: (r: Risk) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [tab, setTab] = useState<Action>(risk.analysis ? (risk.treatment ? (risk.residual ? 'review' : 'residual') : 'treat') : 'assess');
  const focusTab = (a: Action) => {
    setTab(a);
    setTimeout(() => document.getElementById(`${id}-tab-${a}`)?.focus(), 0);
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={t('risk.actionsTitle')}>
        {ACTIONS.map((a, i) => (
          <button
            key={a}
            id={`${id}-tab-${a}`}
            type="button"
            role="tab"
            data-testid={`tab-${a}`}
            aria-selected={tab === a}
            aria-controls={`${id}-panel`}
            tabIndex={tab === a ? 0 : -1}
            onClick={() => setTab(a)}
            onKeyDown={(ev) => {
              if (ev.key === 'ArrowRight') focusTab(ACTIONS[(i + 1) % ACTIONS.length]!);
              else if (ev.key === 'ArrowLeft') focusTab(ACTIONS[(i + ACTIONS.length - 1) % ACTIONS.length]!);
            }}
          >
            {t(`risk.action.${a}` as MessageKey)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${tab}`}>
        {tab === 'assess' && <AssessForm key={`a${risk.id}`} risk={risk} onDone={onDone} />}
        {tab === 'treat' && <TreatForm key={`t${risk.id}`} risk={risk} onDone={onDone} />}
        {tab === 'residual' && <ResidualForm key={`r${risk.id}`} risk={risk} onDone={onDone} />}
        {tab === 'review' && <ReviewForm key={`v${risk.id}`} risk={risk} onDone={onDone} />}
        {tab === 'status' && <StatusForm key={`s${risk.id}`} risk={risk} onDone={onDone} />}
      </div>
    </div>
  );
}
