import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Loading, titleFocus } from './components/ui.tsx';
import { loadCharts } from './components/Chart.tsx';
import { I18nProvider, useI18n } from './i18n/index.tsx';
import { api, clearToken, getToken, setUnauthorizedHandler } from './lib/api.ts';
import { AuthCtx, clearCaches } from './lib/data.tsx';
import { Link, match, RouterProvider, useRouter } from './lib/router.tsx';
import { MODULES, NAV } from './lib/nav.ts';
import type { Me } from './lib/types.ts';
import { Dashboard } from './pages/Dashboard.tsx';
import { Login } from './pages/Login.tsx';
import { ModulePage, NotFound } from './pages/Misc.tsx';

// The dashboard (the landing page) is in the main bundle; every other page is its own small chunk,
// so the first visit compiles less JavaScript before it can ask the API for anything.
const Audit = lazy(() => import('./pages/Audit.tsx').then((m) => ({ default: m.Audit })));
const Controls = lazy(() => import('./pages/Controls.tsx').then((m) => ({ default: m.Controls })));
const EvidenceList = lazy(() => import('./pages/Evidence.tsx').then((m) => ({ default: m.EvidenceList })));
const EvidenceDetail = lazy(() => import('./pages/Evidence.tsx').then((m) => ({ default: m.EvidenceDetail })));
const Incidents = lazy(() => import('./pages/Incidents.tsx').then((m) => ({ default: m.Incidents })));
const IncidentCreate = lazy(() => import('./pages/IncidentDetail.tsx').then((m) => ({ default: m.IncidentCreate })));
const IncidentDetail = lazy(() => import('./pages/IncidentDetail.tsx').then((m) => ({ default: m.IncidentDetail })));
const RiskCreate = lazy(() => import('./pages/RiskCreate.tsx').then((m) => ({ default: m.RiskCreate })));
const RiskDetail = lazy(() => import('./pages/RiskDetail.tsx').then((m) => ({ default: m.RiskDetail })));
const RiskRegister = lazy(() => import('./pages/RiskRegister.tsx').then((m) => ({ default: m.RiskRegister })));
const SystemDetail = lazy(() => import('./pages/SystemDetail.tsx').then((m) => ({ default: m.SystemDetail })));
const SystemForm = lazy(() => import('./pages/SystemForm.tsx').then((m) => ({ default: m.SystemForm })));
const SystemList = lazy(() => import('./pages/SystemList.tsx').then((m) => ({ default: m.SystemList })));
const EvidenceForm = lazy(() => import('./pages/EvidenceForm.tsx').then((m) => ({ default: m.EvidenceForm })));
const EvalRuns = lazy(() => import('./pages/eval/Runs.tsx').then((m) => ({ default: m.EvalRuns })));
const RunDetail = lazy(() => import('./pages/eval/RunDetail.tsx').then((m) => ({ default: m.RunDetail })));
const EvalCompare = lazy(() => import('./pages/eval/Compare.tsx').then((m) => ({ default: m.EvalCompare })));
const Tokens = lazy(() => import('./pages/Tokens.tsx').then((m) => ({ default: m.Tokens })));
const GatewayOverview = lazy(() => import('./pages/gateway/Overview.tsx').then((m) => ({ default: m.GatewayOverview })));
const GatewayDecisions = lazy(() => import('./pages/gateway/Decisions.tsx').then((m) => ({ default: m.GatewayDecisions })));
const GatewayConfirmations = lazy(() => import('./pages/gateway/Confirmations.tsx').then((m) => ({ default: m.GatewayConfirmations })));
const GatewayPolicies = lazy(() => import('./pages/gateway/Policies.tsx').then((m) => ({ default: m.GatewayPolicies })));
const PolicyEditor = lazy(() => import('./pages/gateway/PolicyEditor.tsx').then((m) => ({ default: m.PolicyEditor })));
const GatewayUpstreams = lazy(() => import('./pages/gateway/Upstreams.tsx').then((m) => ({ default: m.GatewayUpstreams })));
const GatewayKeys = lazy(() => import('./pages/gateway/Keys.tsx').then((m) => ({ default: m.GatewayKeys })));

export function App() {
  return (
    <I18nProvider>
      <RouterProvider>
        <Shell />
      </RouterProvider>
    </I18nProvider>
  );
}

function route(path: string): ReactNode {
  let m: Record<string, string> | null;
  if (path === '/') return <Dashboard />;
  if (path === '/systems') return <SystemList />;
  if (path === '/systems/new') return <SystemForm />;
  if ((m = match('/systems/:id/edit', path))) return <SystemForm id={m.id!} />;
  if ((m = match('/systems/:id', path))) return <SystemDetail id={m.id!} />;
  if (path === '/risks') return <RiskRegister />;
  if (path === '/risks/new') return <RiskCreate />;
  if ((m = match('/risks/:id', path))) return <RiskDetail id={m.id!} />;
  if (path === '/controls') return <Controls />;
  if (path === '/evidence') return <EvidenceList />;
  if (path === '/evidence/new') return <EvidenceForm />;
  if ((m = match('/evidence/:id', path))) return <EvidenceDetail id={m.id!} />;
  if (path === '/incidents') return <Incidents />;
  if (path === '/incidents/new') return <IncidentCreate />;
  if ((m = match('/incidents/:id', path))) return <IncidentDetail id={m.id!} />;
  if (path === '/audit') return <Audit />;
  if (path === '/tokens') return <Tokens />;
  if (path === '/eval/runs' || path === '/eval') return <EvalRuns />;
  if (path === '/eval/compare') return <EvalCompare />;
  if ((m = match('/eval/runs/:id', path))) return <RunDetail id={m.id!} />;
  if (path === '/gateway') return <GatewayOverview />;
  if (path === '/gateway/decisions') return <GatewayDecisions />;
  if (path === '/gateway/confirmations') return <GatewayConfirmations />;
  if (path === '/gateway/policies') return <GatewayPolicies />;
  if (path === '/gateway/policies/new') return <PolicyEditor />;
  if ((m = match('/gateway/policies/:name', path))) return <PolicyEditor name={m.name!} />;
  if (path === '/gateway/upstreams') return <GatewayUpstreams />;
  if (path === '/gateway/keys') return <GatewayKeys />;
  if ((m = match('/modules/:name', path))) return <ModulePage name={m.name!} />;
  return <NotFound />;
}

function Shell() {
  const { t, e, locale, setLocale } = useI18n();
  const { path, navigate } = useRouter();
  // With a token in this tab, render straight away and let /api/whoami fill in the name and role: a
  // 401 from any request (whoami included) sends the user back to the login page.
  const [me, setMe] = useState<Me | null>(() => (getToken() ? { id: '', name: '…', role: '' } : null));
  const [flash, setFlash] = useState<string | null>(null);
  const tRef = useRef(t);
  tRef.current = t;

  useEffect(() => {
    setUnauthorizedHandler((err) => {
      clearToken();
      clearCaches();
      setMe(null);
      setFlash(tRef.current('error.sessionExpired', { message: err.message }));
      const here = window.location.pathname + window.location.search;
      if (window.location.pathname !== '/login') navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
    });
  }, [navigate]);

  useEffect(() => {
    // Child effects (the page's data requests) have run by now: fetch the chart library next.
    void loadCharts();
    if (!getToken()) return;
    api.get<Me>('/api/whoami').then(setMe, () => undefined);
  }, []);

  // Move focus to the new page's heading on navigation (not on filter changes), for keyboard and screen-reader users.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // Pages that load code or data first render their heading later: PageHeader takes it from there.
    titleFocus.pending = true;
    const h = setTimeout(() => {
      // While a lazily loaded page is on its way, React keeps the previous page mounted but hidden.
      const el = document.getElementById('page-title');
      if (el && el.getClientRects().length > 0 && titleFocus.pending) {
        titleFocus.pending = false;
        el.focus({ preventScroll: true });
      }
    }, 0);
    return () => clearTimeout(h);
  }, [path]);

  const logout = useCallback(() => {
    clearToken();
    clearCaches();
    setMe(null);
    setFlash(t('login.signedOut'));
    navigate('/login');
  }, [navigate, t]);

  const onLogin = useCallback(
    (m: Me, next: string) => {
      setMe(m);
      setFlash(null);
      navigate(next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/', { replace: true });
    },
    [navigate],
  );

  if (!me || path === '/login') return <Login onLogin={onLogin} flash={flash} />;

  return (
    <AuthCtx.Provider value={{ me, logout }}>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <div className="layout">
        <header className="topbar">
          <Link to="/" className="brand">
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <span>
              <strong>{t('app.name')}</strong> <span className="brand-sub">{t('app.subtitle')}</span>
            </span>
          </Link>
          <div className="topbar-right">
            <button type="button" className="lang" lang={locale === 'zh' ? 'en' : 'zh-CN'} aria-label={t('lang.switchLabel')} data-testid="lang-toggle" onClick={() => setLocale(locale === 'zh' ? 'en' : 'zh')}>
              {t('lang.switch')}
            </button>
            <span className="whoami" data-testid="whoami">
              {t('auth.signedInAs', { name: me.name, role: e('role', me.role) })}
            </span>
            <button type="button" onClick={logout}>
              {t('auth.logout')}
            </button>
          </div>
        </header>
        <nav className="sidebar" aria-label={t('nav.main')}>
          <ul>
            {NAV.filter((n) => !n.role || n.role === me.role).map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={n.match.test(path) ? 'page' : undefined}>
                  {t(n.key)}
                </Link>
              </li>
            ))}
          </ul>
          <p className="nav-group">{t('nav.modules')}</p>
          <ul>
            {MODULES.map((m) => (
              <li key={m.name}>
                <Link to={m.to ?? `/modules/${m.name}`} className={m.ready ? undefined : 'nav-later'} aria-current={(m.match ? m.match.test(path) : path === `/modules/${m.name}`) ? 'page' : undefined}>
                  {t(m.key)} {!m.ready && <span className="tag">{t('nav.later')}</span>}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content">
          <Suspense fallback={<Loading />}>{route(path)}</Suspense>
        </main>
      </div>
    </AuthCtx.Provider>
  );
}
