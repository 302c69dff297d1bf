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

// --- Names shown next to ids (systems, taxonomy items), cached for the session. ---
const taxonomyCache = new Map<string, Promise<Map<string, TaxonomyItem>>>();
const NAMES_KEY = 'zongheng.systemNames';
let names: Map<string, string> = new Map(Object.entries(JSON.parse(sessionStorage.getItem(NAMES_KEY) ?? '{}') as Record<string, string>));
const listeners = new Set<() => void>();
let persistTimer: ReturnType<typeof setTimeout> | undefined;

function setName(id: string, name: string): void {
  if (names.get(id) === name) return;
  names.set(id, name);
  listeners.forEach((l) => l());
  clearTimeout(persistTimer);
  persistTimer = setTimeout(() => {
    // Keep the stored map small: the most recent 2,000 names.
    const entries = [...names].slice(-2000);
    sessionStorage.setItem(NAMES_KEY, JSON.stringify(Object.fromEntries(entries)));
  }, 500);
}

export function clearCaches(): void {
  taxonomyCache.clear();
  names = new Map();
  wanted.clear();
  sessionStorage.removeItem(NAMES_KEY);
}

export function rememberSystem(s: SystemRecord): void {
  setName(s.id, s.name);
}

/**
 * System names are fetched in batches (GET /api/systems?ids=a,b,c), one request at a time and only
 * for ids some row still shows: a page of 50 risks costs one small request, sent after the page's own.
 */
const wanted = new Map<string, number>(); // id → number of mounted components showing it
const failed = new Set<string>();
let active = false;
let scheduled = false;

function pump(): void {
  scheduled = false;
  if (active) return;
  const ids = [...wanted.keys()].filter((id) => !names.has(id) && !failed.has(id)).slice(0, 200);
  if (!ids.length) return;
  active = true;
  api
    .get<{ items: SystemRecord[] }>('/api/systems', { ids: ids.join(','), limit: ids.length })
    .then(
      (r) => {
        r.items.forEach(rememberSystem);
        for (const id of ids) if (!names.has(id)) failed.add(id);
      },
      () => ids.forEach((id) => failed.add(id)),
    )
    .finally(() => {
      active = false;
      pump();
    });
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // Let the page's own requests go first, and collect every row's id into one request.
  setTimeout(pump, 0);
}

/** The name of a system (or undefined while it loads). */
export function useSystemName(id: string | null | undefined): string | undefined {
  const [, bump] = useState(0);
  useEffect(() => {
    if (!id) return;
    const on = () => bump((n) => n + 1);
    listeners.add(on);
    wanted.set(id, (wanted.get(id) ?? 0) + 1);
    if (!names.has(id)) schedule();
    return () => {
      listeners.delete(on);
      const n = (wanted.get(id) ?? 1) - 1;
      if (n > 0) wanted.set(id, n);
      else wanted.delete(id);
    };
  }, [id]);
  return id ? names.get(id) : undefined;
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
