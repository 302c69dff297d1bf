import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { ApiError, request, setToken } from '../lib/api.ts';
import { useRouter } from '../lib/router.tsx';
import type { Me } from '../lib/types.ts';

export function Login({ onLogin, flash }: { onLogin: (me: Me, next: string) => void; flash: string | null }) {
  const { t, locale, setLocale } = useI18n();
  const { search } = useRouter();
  const [token, setTok] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    const tok = token.trim();
    if (!tok) return setError(t('login.empty'));
    setBusy(true);
    setError(null);
    try {
      const me = await request<Me>('GET', '/api/whoami', undefined, { token: tok });
      setToken(tok);
      onLogin(me, search.get('next') ?? '/');
    } catch (e) {
      setError(e instanceof ApiError && e.status === 0 ? t('error.network', { message: e.message }) : t('login.invalid', { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <div className="login-box">
        <div className="login-head">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <h1>{t('login.title')}</h1>
          <button type="button" className="lang" aria-label={t('lang.switchLabel')} data-testid="lang-toggle" onClick={() => setLocale(locale === 'zh' ? 'en' : 'zh')}>
            {t('lang.switch')}
          </button>
        </div>
        {flash && !error && (
          <div className="alert warn" role="alert" data-testid="login-flash">
            {flash}
          </div>
        )}
        <p>{t('login.intro')}</p>
        <form onSubmit={submit} noValidate>
          <div className={error ? 'field has-error' : 'field'}>
            <label htmlFor="token">{t('login.token')}</label>
            <input
              id="token"
              name="token"
              type="password"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={token}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'token-err token-hint' : 'token-hint'}
              onChange={(ev) => setTok(ev.target.value)}
            />
            <small id="token-hint" className="hint">
              {t('login.storage')}
            </small>
            {error && (
              <p id="token-err" className="field-error" role="alert" data-testid="login-error">
                {error}
              </p>
            )}
          </div>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('login.checking') : t('login.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
