import { useEffect, useId, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { ENUMS, type EnumGroup } from '../i18n/enums.ts';

/** A text filter that writes to the URL after a short pause in typing. */
export function SearchBox({ label, value, onChange, placeholder, testId }: { label: string; value: string; onChange: (v: string) => void; placeholder?: string; testId?: string }) {
  const id = useId();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const h = setTimeout(() => onChange(text), 300);
    return () => clearTimeout(h);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" data-testid={testId} value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && onChange(text)} />
    </div>
  );
}

export function EnumFilter({ label, group, value, onChange, only, testId }: { label: string; group: EnumGroup; value: string; onChange: (v: string) => void; only?: readonly string[]; testId?: string }) {
  const { t, e } = useI18n();
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={testId} value={value} onChange={(ev) => onChange(ev.target.value)}>
        <option value="">{t('common.all')}</option>
        {(only ?? Object.keys(ENUMS[group])).map((v) => (
          <option key={v} value={v}>
            {e(group, v)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckFilter({ label, value, onChange, testId }: { label: string; value: boolean; onChange: (v: boolean) => void; testId?: string }) {
  return (
    <label className="filter check">
      <input type="checkbox" data-testid={testId} checked={value} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}
