import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ApiError } from '../lib/api.ts';
import { useAuth } from '../lib/data.tsx';
import { useI18n } from '../i18n/index.tsx';
import { ENUMS, type EnumGroup } from '../i18n/enums.ts';

export function Loading({ label, inline = false }: { label?: string; inline?: boolean }) {
  const { t } = useI18n();
  return (
    <div className={inline ? 'loading inline' : 'loading'} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

/** A thin bar at the top of a region while it refreshes data it already shows. */
export function Busy({ on }: { on: boolean }) {
  return on ? <div className="busy" role="progressbar" aria-busy="true" aria-label="loading" /> : null;
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, e } = useI18n();
  const { me } = useAuth();
  let text: ReactNode;
  if (error instanceof ApiError && error.status === 403) {
    text = (
      <>
        <strong>{t('error.forbidden', { role: e('role', me?.role) })}</strong> <span className="muted">{t('error.forbiddenDetail', { message: error.message })}</span>
      </>
    );
  } else if (error instanceof ApiError && error.status === 0) text = t('error.network', { message: error.message });
  else if (error instanceof ApiError && error.status === 404) text = t('error.notFound', { message: error.message });
  else if (error instanceof ApiError && Object.keys(error.fieldErrors()).length) text = `${t('error.fixFields')} ${error.message}`;
  else text = t('error.generic', { message: error instanceof Error ? error.message : String(error) });
  return (
    <div className={error instanceof ApiError && error.status === 403 ? 'alert forbidden' : 'alert error'} role="alert">
      <span>{text}</span>
      {onRetry && (
        <button type="button" className="link-button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="alert ok" role="status">
      {children}
    </div>
  );
}

export function Empty({ title, children, action }: { title?: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      {title && <p className="empty-title">{title}</p>}
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

export function Badge({ group, value }: { group: EnumGroup; value: string | null | undefined }) {
  const { e } = useI18n();
  if (!value) return <span className="muted">—</span>;
  return <span className={`badge b-${group}-${value}`}>{e(group, value)}</span>;
}

/** Set on client-side navigation: the next page heading to appear takes keyboard focus. */
export const titleFocus = { pending: false };

export function PageHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (titleFocus.pending && ref.current) {
      titleFocus.pending = false;
      ref.current.focus({ preventScroll: true });
    }
  }, []);
  return (
    <header className="page-header">
      <div>
        <h1 tabIndex={-1} id="page-title" ref={ref}>
          {title}
        </h1>
        {children}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({ title, children, actions, className }: { title: ReactNode; children: ReactNode; actions?: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={id}>
      <div className="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

interface FieldBase {
  label: string;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
}

/** Label, control, hint and the server's error for that field, wired with aria-describedby. */
export function Field({ label, error, hint, required, children }: FieldBase & { children: (p: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string; required?: boolean }) => ReactNode }) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required && <span className="req" aria-hidden="true"> *</span>}
      </label>
      {children({ id, ...(error ? { 'aria-invalid': true } : {}), ...(described ? { 'aria-describedby': described } : {}), ...(required ? { required: true } : {}) })}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <p id={`${id}-err`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function TextField(p: FieldBase & { value: string; onChange: (v: string) => void; type?: string; placeholder?: string; multiline?: boolean; name?: string }) {
  return (
    <Field {...p}>
      {(a) =>
        p.multiline ? (
          <textarea {...a} name={p.name} value={p.value} placeholder={p.placeholder} rows={3} onChange={(ev) => p.onChange(ev.target.value)} />
        ) : (
          <input {...a} name={p.name} type={p.type ?? 'text'} value={p.value} placeholder={p.placeholder} onChange={(ev) => p.onChange(ev.target.value)} />
        )
      }
    </Field>
  );
}

export function EnumSelect(p: FieldBase & { group: EnumGroup; value: string; onChange: (v: string) => void; allowEmpty?: string; only?: readonly string[]; name?: string }) {
  const { e } = useI18n();
  const values = p.only ?? Object.keys(ENUMS[p.group]);
  return (
    <Field {...p}>
      {(a) => (
        <select {...a} name={p.name} value={p.value} onChange={(ev) => p.onChange(ev.target.value)}>
          {p.allowEmpty !== undefined && <option value="">{p.allowEmpty}</option>}
          {values.map((v) => (
            <option key={v} value={v}>
              {e(p.group, v)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A checkbox group for multi-valued enumerations (capabilities, data categories…). */
export function EnumChecks({ label, group, value, onChange, error }: { label: string; group: EnumGroup; value: string[]; onChange: (v: string[]) => void; error?: string | undefined }) {
  const { e } = useI18n();
  const id = useId();
  return (
    <fieldset className={error ? 'checks has-error' : 'checks'} aria-describedby={error ? `${id}-err` : undefined}>
      <legend>{label}</legend>
      <div className="check-grid">
        {Object.keys(ENUMS[group]).map((v) => (
          <label key={v} className="check">
            <input type="checkbox" checked={value.includes(v)} onChange={(ev) => onChange(ev.target.checked ? [...value, v] : value.filter((x) => x !== v))} />
            {e(group, v)}
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-err`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export function LevelSelect(p: FieldBase & { value: string; onChange: (v: string) => void; allowEmpty?: string }) {
  return (
    <Field {...p}>
      {(a) => (
        <select {...a} value={p.value} onChange={(ev) => p.onChange(ev.target.value)}>
          {p.allowEmpty !== undefined && <option value="">{p.allowEmpty}</option>}
          {[1, 2, 3, 4, 5].map((n) => (
            <option key={n} value={String(n)}>
              {n}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Offset paging: previous / next with "a–b of N" (N may be capped by the server at 10,000). */
export function Pager({ offset, limit, count, total, capped, onOffset }: { offset: number; limit: number; count: number; total?: number | undefined; capped?: boolean | undefined; onOffset: (o: number) => void }) {
  const { t, num } = useI18n();
  const from = count ? offset + 1 : 0;
  const to = offset + count;
  const label =
    total === undefined ? t('common.showingOpen', { from: num(from), to: num(to) }) : t(capped ? 'common.showingCapped' : 'common.showing', { from: num(from), to: num(to), total: num(total) });
  const hasNext = total !== undefined ? capped || to < total : count === limit;
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <span className="muted" aria-live="polite">
        {label}
      </span>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        {t('common.prev')}
      </button>
      <button type="button" disabled={!hasNext} onClick={() => onOffset(offset + limit)}>
        {t('common.next')}
      </button>
    </nav>
  );
}

export function KeyValues({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="kv">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v === null || v === undefined || v === '' ? '—' : v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function DateText({ iso, withTime }: { iso: string | null | undefined; withTime?: boolean }) {
  const { date } = useI18n();
  return <time dateTime={iso ?? undefined}>{date(iso, withTime)}</time>;
}
