import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';

export interface Option {
  value: string;
  label: string;
  detail?: string;
}

/**
 * An accessible search-as-you-type combobox (ARIA 1.2 pattern): arrow keys move, Enter picks,
 * Escape closes. `search` is called debounced with the text typed.
 */
export function Combobox({ label, placeholder, search, onPick, error, describedBy, testId }: { label: string; placeholder?: string; search: (q: string, signal: AbortSignal) => Promise<Option[]>; onPick: (o: Option) => void; error?: string | undefined; describedBy?: string; testId?: string }) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [options, setOptions] = useState<Option[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [loading, setLoading] = useState(false);
  const searchRef = useRef(search);
  searchRef.current = search;

  useEffect(() => {
    const q = text.trim();
    if (!q) {
      setOptions([]);
      setLoading(false);
      return;
    }
    const ac = new AbortController();
    setLoading(true);
    const timer = setTimeout(() => {
      searchRef.current(q, ac.signal).then(
        (o) => {
          if (ac.signal.aborted) return;
          setOptions(o);
          setActive(o.length ? 0 : -1);
          setLoading(false);
        },
        () => !ac.signal.aborted && setLoading(false),
      );
    }, 150);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [text]);

  const pick = (o: Option) => {
    onPick(o);
    setText('');
    setOptions([]);
    setOpen(false);
  };
  const listId = `${id}-list`;
  return (
    <div className={error ? 'field combobox has-error' : 'field combobox'}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={testId}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open && options.length > 0}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? `${id}-o${active}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={[describedBy, error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined}
        placeholder={placeholder}
        value={text}
        onChange={(ev) => {
          setText(ev.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(ev) => {
          if (ev.key === 'ArrowDown') {
            ev.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(options.length - 1, a + 1));
          } else if (ev.key === 'ArrowUp') {
            ev.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (ev.key === 'Enter') {
            if (open && active >= 0 && options[active]) {
              ev.preventDefault();
              pick(options[active]!);
            }
          } else if (ev.key === 'Escape') setOpen(false);
        }}
      />
      {loading && <span className="combo-loading" role="status">{t('common.loading')}</span>}
      <ul id={listId} role="listbox" className="combo-list" hidden={!open || options.length === 0} aria-label={label}>
        {options.map((o, i) => (
          <li
            key={o.value}
            id={`${id}-o${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : undefined}
            onMouseDown={(ev) => {
              ev.preventDefault();
              pick(o);
            }}
            onMouseEnter={() => setActive(i)}
          >
            <span>{o.label}</span>
            {o.detail && <small>{o.detail}</small>}
          </li>
        ))}
      </ul>
      {error && (
        <p id={`${id}-err`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
