// The console talks only to the HTTP API. The token lives in sessionStorage (gone when the tab closes).
const TOKEN_KEY = 'zongheng.token';

export interface ApiIssue {
  field: string;
  message: string;
  allowed?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly allowed?: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }
  /** Field → message for forms: every issue the server reported, first one per field. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const all = this.issues.length ? this.issues : this.field ? [{ field: this.field, message: this.message, allowed: this.allowed }] : [];
    for (const i of all) {
      const key = i.field || 'body';
      // "Too small: expected string to have >=1 characters" + allowed "at least 1 characters" →
      // "Too small: at least 1 characters": the server's words, without saying the same thing twice.
      // A single top-level error says "reason: say why…": drop the field name, the form shows it.
      const message = i.field && i.message.startsWith(`${i.field}: `) ? i.message.slice(i.field.length + 2) : i.message;
      if (!(key in out)) out[key] = i.allowed ? `${message.split(':')[0]}: ${i.allowed}` : message;
    }
    return out;
  }
}

export const getToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (t: string): void => sessionStorage.setItem(TOKEN_KEY, t);
export const clearToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

type Listener = (e: ApiError) => void;
let onUnauthorized: Listener = () => undefined;
/** The app shell registers what a 401 does (back to the login page with a message). */
export function setUnauthorizedHandler(fn: Listener): void {
  onUnauthorized = fn;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function qs(query: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export async function request<T>(method: string, path: string, body?: unknown, opts: { token?: string; signal?: AbortSignal } = {}): Promise<T> {
  const token = opts.token ?? getToken();
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', (e as Error).message);
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; field?: string; allowed?: string; issues?: ApiIssue[] } } | undefined)?.error;
    const e = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? (text.slice(0, 200) || res.statusText), err?.field, err?.allowed, err?.issues ?? []);
    if (res.status === 401 && !opts.token) onUnauthorized(e);
    throw e;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path + qs(query), undefined, { signal }),
  post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};
