import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';

/** A newly created secret (token, application key), shown once with a copy button. */
export function SecretOnce({ value, title, onDismiss }: { value: string; title: string; onDismiss: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [value]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // No clipboard access (an insecure origin or a denied permission): select it for Ctrl+C.
      input.current?.select();
      setCopied(false);
    }
  }
  return (
    <div className="alert ok secret-once" role="status" data-testid="secret-once">
      <div>
        <strong>{title}</strong>
        <p className="small">{t('secret.once')}</p>
        <div className="secret-row">
          <label htmlFor={id} className="sr-only">
            {title}
          </label>
          <input id={id} ref={input} readOnly value={value} className="mono" data-testid="secret-value" onFocus={(e) => e.target.select()} />
          <button type="button" onClick={copy} data-testid="copy">
            {t('secret.copy')}
          </button>
          <button type="button" onClick={onDismiss}>
            {t('secret.done')}
          </button>
        </div>
        <p className="small" aria-live="polite">
          {copied === true ? t('secret.copied') : copied === false ? t('secret.copyManually') : ''}
        </p>
      </div>
    </div>
  );
}
