import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en.ts';
import { ENUMS, type EnumGroup } from './enums.ts';
import { zh } from './zh.ts';

export type Locale = 'zh' | 'en';
export interface Bilingual {
  zh: string;
  en: string;
}

const LOCALE_KEY = 'zongheng.locale';
const TABLES: Record<Locale, Record<MessageKey, string>> = { en, zh };

export interface I18n {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** Label of an API enumeration value, e.g. e('priority', 'high'). */
  e: (group: EnumGroup, value: string | null | undefined) => string;
  /** Picks the current language from a bilingual {zh, en} value from the API. */
  pick: (b: Bilingual | null | undefined) => string;
  date: (iso: string | null | undefined, withTime?: boolean) => string;
  num: (n: number) => string;
}

const Ctx = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const saved = localStorage.getItem(LOCALE_KEY);
  if (saved === 'zh' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    localStorage.setItem(LOCALE_KEY, l);
    setLocaleState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const table = TABLES[locale];
    const idx = locale === 'en' ? 0 : 1;
    const dtf = new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit' });
    const dtfTime = new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const nf = new Intl.NumberFormat(locale === 'zh' ? 'zh-CN' : 'en-GB');
    return {
      locale,
      setLocale,
      t: (key, params) => {
        let s = table[key] ?? key;
        if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
        return s;
      },
      e: (group, value) => {
        if (value === null || value === undefined || value === '') return '—';
        const entry = (ENUMS[group] as Record<string, [string, string]>)[value];
        return entry ? entry[idx] : value;
      },
      pick: (b) => (b ? (locale === 'zh' ? b.zh || b.en : b.en || b.zh) : ''),
      date: (iso, withTime = false) => {
        if (!iso) return '—';
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : (withTime ? dtfTime : dtf).format(d);
      },
      num: (n) => nf.format(n),
    };
  }, [locale, setLocale]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const c = useContext(Ctx);
  if (!c) throw new Error('useI18n outside I18nProvider');
  return c;
}
