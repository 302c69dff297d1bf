// A small history router: clean, bookmarkable URLs (the server answers every console path with
// index.html). Query strings carry filters and sorting, so a filtered register is a link to share.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type AnchorHTMLAttributes, type ReactNode } from 'react';

interface Loc {
  path: string;
  search: URLSearchParams;
}
interface RouterCtx extends Loc {
  navigate: (to: string, opts?: { replace?: boolean }) => void;
}

const Ctx = createContext<RouterCtx | null>(null);

function current(): Loc {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [loc, setLoc] = useState<Loc>(current);
  useEffect(() => {
    const on = () => setLoc(current());
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  const navigate = useCallback((to: string, opts: { replace?: boolean } = {}) => {
    const before = window.location.pathname + window.location.search;
    if (to === before) return;
    if (opts.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    const samePath = to.split('?')[0] === window.location.pathname && before.split('?')[0] === window.location.pathname;
    setLoc(current());
    if (!opts.replace && !samePath) window.scrollTo(0, 0);
  }, []);
  const value = useMemo(() => ({ ...loc, navigate }), [loc, navigate]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useRouter(): RouterCtx {
  const c = useContext(Ctx);
  if (!c) throw new Error('useRouter outside RouterProvider');
  return c;
}

/** Matches "/risks/:id" against a path; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/').filter(Boolean);
  const b = path.split('/').filter(Boolean);
  if (a.length !== b.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    const v = b[i]!;
    if (p.startsWith(':')) out[p.slice(1)] = decodeURIComponent(v);
    else if (p !== v) return null;
  }
  return out;
}

/** Reads and writes URL query parameters as the state of a page (filters, sort, paging). */
export function useQueryState(): [Record<string, string>, (patch: Record<string, string | undefined | null>, opts?: { replace?: boolean }) => void] {
  const { path, search, navigate } = useRouter();
  const values = useMemo(() => Object.fromEntries(search.entries()), [search]);
  const set = useCallback(
    (patch: Record<string, string | undefined | null>, opts: { replace?: boolean } = {}) => {
      const p = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || v === null || v === '') p.delete(k);
        else p.set(k, v);
      }
      const s = p.toString();
      navigate(path + (s ? `?${s}` : ''), opts);
    },
    [path, navigate],
  );
  return [values, set];
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const { navigate } = useRouter();
  return (
    <a
      {...rest}
      href={to}
      onClick={(e) => {
        rest.onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
