import { createContext, useCallback, useContext, useEffect, useRef, useState, type DependencyList } from 'react';
import { api, ApiError } from './api.ts';
import type { Me, SystemRecord, TaxonomyItem } from './types.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs an async loader when deps change; aborts the previous request; keeps the old data while reloading. */
export function useApi<T>(loader: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;
  useEffect(() => {
    const ac = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    loaderRef.current(ac.signal).then(
      (data) => !ac.signal.aborted && setState({ data, loading: false }),
      (error: Error) => !ac.signal.aborted && error.name !== 'AbortError' && setState({ error, loading: false }),
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export const AuthCtx = createContext<{ me: Me | null; logout: () => void }>({ me: null, logout: () => undefined });
export const useAuth = () => useContext(AuthCtx);

// --- Caches for names shown next to ids (systems, taxonomy items), kept for the session. ---
const systemCache = new Map<string, Promise<SystemRecord | null>>();
const taxonomyCache = new Map<string, Promise<Map<string, TaxonomyItem>>>();

export function clearCaches(): void {
  systemCache.clear();
  taxonomyCache.clear();
}

export function rememberSystem(s: SystemRecord): void {
  systemCache.set(s.id, Promise.resolve(s));
}

export function loadSystem(id: string): Promise<SystemRecord | null> {
  let p = systemCache.get(id);
  if (!p) {
    p = api.get<SystemRecord>(`/api/systems/${encodeURIComponent(id)}`).catch((e: unknown) => {
      systemCache.delete(id);
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
    systemCache.set(id, p);
  }
  return p;
}

export function useSystem(id: string | null | undefined): SystemRecord | null | undefined {
  const [s, setS] = useState<SystemRecord | null | undefined>(undefined);
  useEffect(() => {
    if (!id) return setS(undefined);
    let live = true;
    loadSystem(id).then((v) => live && setS(v), () => live && setS(null));
    return () => {
      live = false;
    };
  }, [id]);
  return s;
}

function taxonomyOf(id: string): string {
  return id.split('.')[0] ?? id;
}

export function loadTaxonomy(taxonomy: string): Promise<Map<string, TaxonomyItem>> {
  let p = taxonomyCache.get(taxonomy);
  if (!p) {
    p = api
      .get<{ items: TaxonomyItem[] }>(`/api/taxonomies/${encodeURIComponent(taxonomy)}`)
      .then((t) => new Map(t.items.map((i) => [i.id, i])))
      .catch(() => new Map());
    taxonomyCache.set(taxonomy, p);
  }
  return p;
}

/** Taxonomy items for ids (bilingual names), loading each taxonomy once. */
export function useTaxonomyItems(ids: readonly string[]): Map<string, TaxonomyItem> {
  const [items, setItems] = useState<Map<string, TaxonomyItem>>(new Map());
  const key = [...new Set(ids)].sort().join('|');
  useEffect(() => {
    let live = true;
    const list = key ? key.split('|') : [];
    const taxonomies = [...new Set(list.map(taxonomyOf))];
    Promise.all(taxonomies.map(loadTaxonomy)).then((maps) => {
      if (!live) return;
      const out = new Map<string, TaxonomyItem>();
      for (const id of list) for (const m of maps) if (m.has(id)) out.set(id, m.get(id)!);
      setItems(out);
    });
    return () => {
      live = false;
    };
  }, [key]);
  return items;
}
