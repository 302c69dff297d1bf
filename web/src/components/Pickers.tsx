import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { rememberSystem, useSystemName, useTaxonomyItems } from '../lib/data.tsx';
import type { SystemRecord, TaxonomyItem } from '../lib/types.ts';
import { Combobox } from './Combobox.tsx';

/** Several taxonomy items, searched by id or bilingual name through /api/taxonomies/search. */
export function TaxonomyPicker({ label, value, onChange, error, kind, testId }: { label: string; value: string[]; onChange: (v: string[]) => void; error?: string | undefined; kind?: string; testId?: string }) {
  const { t, pick, locale } = useI18n();
  const items = useTaxonomyItems(value);
  return (
    <div className="picker">
      <Combobox
        label={label}
        testId={testId}
        placeholder={t('risk.pickTaxonomy')}
        error={error}
        search={async (q, signal) => {
          const r = await api.get<{ items: { item: TaxonomyItem }[] }>('/api/taxonomies/search', { q, limit: 15, kind }, signal);
          return r.items.filter((x) => !value.includes(x.item.id)).map(({ item }) => ({ value: item.id, label: pick(item.name), detail: `${item.id} · ${locale === 'zh' ? item.name.en : item.name.zh}` }));
        }}
        onPick={(o) => onChange([...value, o.value])}
      />
      {value.length > 0 && (
        <ul className="chips" aria-label={label}>
          {value.map((id) => (
            <li key={id} className="chip">
              <span>
                <code>{id}</code> {pick(items.get(id)?.name)}
              </span>
              <button type="button" aria-label={t('common.remove', { name: id })} onClick={() => onChange(value.filter((x) => x !== id))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One system, searched by name (the list endpoint's `q`). */
export function SystemPicker({ label, value, onChange, error, testId }: { label: string; value: string; onChange: (id: string) => void; error?: string | undefined; testId?: string }) {
  const { t } = useI18n();
  const current = useSystemName(value || null);
  return (
    <div className="picker">
      <Combobox
        label={label}
        testId={testId}
        placeholder={t('risk.pickSystem')}
        error={error}
        search={async (q, signal) => {
          const r = await api.get<{ items: SystemRecord[] }>('/api/systems', { q, limit: 15 }, signal);
          r.items.forEach(rememberSystem);
          return r.items.map((s) => ({ value: s.id, label: s.name, detail: s.owner }));
        }}
        onPick={(o) => onChange(o.value)}
      />
      {value && (
        <ul className="chips" aria-label={label}>
          <li className="chip">
            <span>{current ?? <code>{value}</code>}</span>
            <button type="button" aria-label={t('common.remove', { name: current ?? value })} onClick={() => onChange('')}>
              ×
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}

export function SystemName({ id, link = true }: { id: string; link?: boolean }) {
  const name = useSystemName(id);
  const text = name ?? id;
  return link ? <Link to={`/systems/${encodeURIComponent(id)}`}>{text}</Link> : <>{text}</>;
}

export function TaxonomyList({ ids }: { ids: string[] }) {
  const { pick } = useI18n();
  const items = useTaxonomyItems(ids);
  if (!ids.length) return <span className="muted">—</span>;
  return (
    <ul className="tax-list">
      {ids.map((id) => (
        <li key={id}>
          <code>{id}</code> {pick(items.get(id)?.name)}
        </li>
      ))}
    </ul>
  );
}
