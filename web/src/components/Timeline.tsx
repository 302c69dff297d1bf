import type { ReactNode } from 'react';
import { useI18n, type I18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/en.ts';
import type { Revision } from '../lib/types.ts';
import { ENUMS } from '../i18n/enums.ts';

const NOISE = new Set(['revision', 'updatedAt', 'updatedBy', 'createdAt', 'createdBy', 'id']);
const FIELD_LABELS: Record<string, MessageKey> = {
  title: 'common.title', status: 'risk.status', severity: 'inc.severity', priority: 'risk.priority', score: 'risk.score', likelihood: 'dash.likelihood', impact: 'dash.impact',
  analysis: 'risk.analysis', evaluation: 'risk.evaluation', treatment: 'risk.treatment', residual: 'risk.residual', nextReviewAt: 'risk.nextReview',
  taxonomyIds: 'risk.taxonomies', needsReassessment: 'risk.needsReassessment', acceptable: 'risk.acceptable', description: 'risk.description',
  source: 'risk.source', systemId: 'common.system', owner: 'common.owner', reason: 'common.reason', name: 'sys.name', domain: 'sys.domain',
  population: 'sys.population', grade: 'sys.grade', models: 'sys.models', obligations: 'sys.obligations', capabilities: 'sys.capabilities',
  dataCategories: 'sys.dataCategories', lifecycleStage: 'sys.lifecycleStage', autonomyLevel: 'sys.autonomyLevel', acceptabilityThreshold: 'sys.threshold',
};
/** Fields worth showing when a record is created (everything else starts empty). */
const CREATE_FIELDS = ['title', 'status', 'severity', 'source', 'taxonomyIds', 'likelihood', 'impact', 'score', 'priority', 'name', 'domain', 'population', 'grade'];

function isBilingual(v: unknown): v is { zh: string; en: string } {
  return !!v && typeof v === 'object' && 'zh' in v && 'en' in v;
}

/** A compact, readable rendering of a changed value: evaluations, analyses, treatments, lists. */
export function formatValue(v: unknown, i18n: I18n, field = ''): string {
  const { e, pick, date } = i18n;
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return i18n.t(v ? 'common.yes' : 'common.no');
  if (typeof v === 'string') {
    if (field === 'priority' || field === 'grade') return e(field === 'grade' ? 'grade' : 'priority', v);
    if (field === 'status') return v in ENUMS.riskStatus ? e('riskStatus', v) : v in ENUMS.incidentStatus ? e('incidentStatus', v) : e('controlStatus', v);
    if (field === 'severity') return e('severity', v);
    if (field === 'source') return e('riskSource', v);
    if (field === 'domain') return e('domain', v);
    if (field === 'population') return e('population', v);
    if (/^\d{4}-\d{2}-\d{2}T/.test(v)) return date(v, true);
    return v;
  }
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? formatValue(x, i18n) : String(x))).join(', ') || '—';
  if (isBilingual(v)) return pick(v);
  const o = v as Record<string, unknown>;
  if ('score' in o && 'priority' in o && isBilingual(o.because)) return `${o.score} · ${e('priority', String(o.priority))} — ${pick(o.because)}`;
  if ('evaluation' in o && o.evaluation && typeof o.evaluation === 'object') return formatValue(o.evaluation, i18n);
  if ('strategy' in o) return [e('strategy', String(o.strategy)), o.owner, o.dueDate, o.plan].filter(Boolean).join(' · ');
  if ('likelihood' in o && o.impact && typeof o.impact === 'object') {
    const dims = Object.entries(o.impact as Record<string, number>).map(([k, n]) => `${e('impactDim', k)} ${n}`).join(', ');
    return `L${o.likelihood} × (${dims})${o.rationale ? ` — ${o.rationale}` : ''}`;
  }
  if ('name' in o && typeof o.name === 'string') return [o.name, o.version].filter(Boolean).join(' ');
  const s = JSON.stringify(v);
  return s.length > 160 ? s.slice(0, 157) + '…' : s;
}

export function Timeline({ items, renderExtra }: { items: Revision[]; renderExtra?: (r: Revision) => ReactNode }) {
  const i18n = useI18n();
  const { t, e, date } = i18n;
  if (!items.length) return <p className="muted">{t('risk.historyEmpty')}</p>;
  const ordered = [...items].sort((a, b) => b.revision - a.revision);
  return (
    <ol className="timeline" data-testid="history">
      {ordered.map((r) => {
        const fields = Object.keys(r.changes).filter((k) => !NOISE.has(k) && (r.action !== 'create' || (CREATE_FIELDS.includes(k) && r.changes[k]!.to != null)));
        return (
          <li key={r.revision} className="tl-item">
            <div className="tl-head">
              <span className="tl-rev">{t('hist.revision', { n: r.revision })}</span>
              <strong>{e('histAction', r.action)}</strong>
              <span className="muted">
                {t('common.by', { actor: r.actor })} · <time dateTime={r.at}>{date(r.at, true)}</time>
              </span>
            </div>
            {r.reason && <blockquote className="tl-reason">{r.reason}</blockquote>}
            {fields.length > 0 && (
              <table className="changes">
                <thead>
                  <tr>
                    <th scope="col">{t('hist.changed')}</th>
                    {r.action !== 'create' && <th scope="col">{t('hist.from')}</th>}
                    <th scope="col">{t('hist.to')}</th>
                  </tr>
                </thead>
                <tbody>
                  {fields.map((k) => (
                    <tr key={k}>
                      <th scope="row">{FIELD_LABELS[k] ? t(FIELD_LABELS[k]) : k}</th>
                      {r.action !== 'create' && <td className="from">{formatValue(r.changes[k]!.from, i18n, k)}</td>}
                      <td>{formatValue(r.changes[k]!.to, i18n, k)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {renderExtra?.(r)}
          </li>
        );
      })}
    </ol>
  );
}
