import type { CategoryResult, EvidenceInput, Finding } from '../evidence.ts';
import type { Bilingual } from '../i18n.ts';
import type { Impact } from '../risk.ts';
import { evaluate, fill, formatNumber, type Scope } from './conditions.ts';
import type { EvidenceRule, RuleSet } from './load.ts';
import type { EFFECT_SOURCES, EffectSpec, INCIDENT_SEVERITIES } from './schemas.ts';
import {
  CATEGORY_SCOPE, EVIDENCE_SCOPE, FINDING_SCOPE,
  type CategoryContext, type Direction, type EvidenceItemContext, type FindingContext, type Outcome,
} from './scopes.ts';

export type EffectSource = (typeof EFFECT_SOURCES)[number];
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** Propose a new risk (status "proposed") on the evidence's system. */
export interface ProposeRiskEffect {
  type: 'propose-risk';
  ruleId: string;
  taxonomyIds: string[];
  title: Bilingual;
  likelihood: number;
  impact: Impact;
  source: EffectSource;
  because: Bilingual;
}
/**
 * Raise (never lower) the likelihood of the system's open risks sharing any of `taxonomyIds` to `to`.
 * When the system has no such open risk, the executor applies `fallback` (a ready propose-risk) instead.
 */
export interface RaiseLikelihoodEffect {
  type: 'raise-likelihood';
  ruleId: string;
  taxonomyIds: string[];
  to: number;
  because: Bilingual;
  fallback: ProposeRiskEffect;
}
/** Set the system's controls with these measure ids to implemented / verified. */
export interface MarkControlsEffect {
  type: 'mark-controls';
  ruleId: string;
  controlIds: string[];
  status: 'implemented' | 'verified';
  because: Bilingual;
}
/** A failing check: verified controls with these ids go back to needs-reverification. */
export interface FlagControlsEffect {
  type: 'flag-controls';
  ruleId: string;
  controlIds: string[];
  because: Bilingual;
}
/** Open an incident on the evidence's system. */
export interface OpenIncidentEffect {
  type: 'open-incident';
  ruleId: string;
  severity: IncidentSeverity;
  title: Bilingual;
  taxonomyIds: string[];
  because: Bilingual;
}
export type Effect = ProposeRiskEffect | RaiseLikelihoodEffect | MarkControlsEffect | FlagControlsEffect | OpenIncidentEffect;

/** Taxonomy knowledge the integrator supplies (the rules engine does not read the registry). */
export interface EvidenceContext {
  /** TC260 risk ids a taxonomy id corresponds to through the crosswalk (may include the id itself). */
  relatedRiskIds?: (taxonomyId: string) => string[];
  /** Measure/control ids that treat a risk (TC260 official mapping, crosswalks). */
  measuresFor?: (riskId: string) => string[];
  /** Display name of a taxonomy item, for titles and reasons; the id is shown otherwise. */
  taxonomyName?: (taxonomyId: string) => Bilingual | undefined;
}

const uniq = <T>(xs: T[]) => [...new Set(xs)];
const LOCALES = ['zh', 'en'] as const;
type Vars = { [L in (typeof LOCALES)[number]]: Record<string, string> };

function render(t: Bilingual, vars: Vars): Bilingual {
  return { zh: fill(t.zh, vars.zh), en: fill(t.en, vars.en) };
}

/** Same-for-both-languages variables plus per-language labels. */
function vars(rules: RuleSet, ev: EvidenceInput, plain: Record<string, string>, localised: Record<string, Bilingual>): Vars {
  const kind = rules.evidence.labels.kind[ev.kind];
  const out = { zh: {}, en: {} } as Vars;
  for (const loc of LOCALES) {
    out[loc] = { subject: ev.subject, producer: ev.producer, ...plain, kind: kind[loc] };
    for (const [k, v] of Object.entries(localised)) out[loc][k] = v[loc];
  }
  return out;
}

function impactFor(ids: string[], rules: RuleSet): Impact {
  for (const id of ids) {
    let best: { prefix: string; impact: Impact } | undefined;
    for (const e of rules.evidence.impactByTaxonomy) {
      if ((id === e.prefix || id.startsWith(`${e.prefix}.`)) && (!best || e.prefix.length > best.prefix.length)) best = e;
    }
    if (best) return { ...best.impact };
  }
  return { ...rules.evidence.defaultImpact };
}

interface Item {
  rule: EvidenceRule;
  vars: Vars;
  /** Taxonomy ids in effect order: item's own first for impact lookup, TC260-mapped first for the risk. */
  ownIds: string[];
  riskIds: string[];
  measures: string[];
  severity?: Finding['severity'];
}

function build(spec: EffectSpec, item: Item, ev: EvidenceInput, rules: RuleSet): Effect | undefined {
  const ruleId = item.rule.id;
  const base = render(item.rule.because, item.vars);
  const fromSeverity = () => rules.evidence.likelihoodBySeverity[item.severity ?? 'medium'];
  switch (spec.type) {
    case 'propose-risk':
    case 'raise-likelihood': {
      const taxonomyIds = item.riskIds.length ? item.riskIds : (spec.fallbackTaxonomyIds ?? []);
      if (!taxonomyIds.length) return undefined;
      const level = spec.type === 'propose-risk' ? spec.likelihood : spec.to;
      const likelihood = level === 'fromSeverity' ? fromSeverity() : level;
      const proposal: ProposeRiskEffect = {
        type: 'propose-risk',
        ruleId,
        taxonomyIds,
        title: render(spec.title, item.vars),
        likelihood,
        impact: spec.impact === 'fromTaxonomy' ? impactFor([...item.ownIds, ...taxonomyIds], rules) : { ...spec.impact },
        source: spec.source ?? rules.evidence.sourceByKind[ev.kind],
        because: base,
      };
      if (spec.type === 'propose-risk') return proposal;
      return { type: 'raise-likelihood', ruleId, taxonomyIds, to: likelihood, because: base, fallback: proposal };
    }
    case 'mark-controls':
    case 'flag-controls': {
      const ids =
        spec.controlIds === 'measures' ? item.measures
        : spec.controlIds === 'controlsImplemented' ? ev.summary.controlsImplemented
        : ev.summary.controlsVerified;
      if (!ids.length) return undefined;
      const controlIds = uniq(ids);
      const because = render(item.rule.because, {
        zh: { ...item.vars.zh, controls: controlIds.join('、'), count: String(controlIds.length) },
        en: { ...item.vars.en, controls: controlIds.join(', '), count: String(controlIds.length) },
      });
      return spec.type === 'mark-controls'
        ? { type: 'mark-controls', ruleId, controlIds, status: spec.status, because }
        : { type: 'flag-controls', ruleId, controlIds, because };
    }
    case 'open-incident': {
      const s = spec.severity === 'fromFinding' ? (item.severity ?? 'medium') : spec.severity;
      const severity: IncidentSeverity = s === 'info' ? 'low' : s;
      return { type: 'open-incident', ruleId, severity, title: render(spec.title, item.vars), taxonomyIds: item.riskIds, because: base };
    }
  }
}

function metricOf(c: CategoryResult, rules: RuleSet) {
  const def = rules.evidence.metrics[c.metric];
  const direction: Direction = def ? (def.higherIsBetter ? 'higher' : 'lower') : 'unknown';
  const failsAtThreshold =
    c.threshold === undefined || direction === 'unknown' ? undefined
    : direction === 'higher' ? c.value < c.threshold
    : c.value > c.threshold;
  const outcome: Outcome = c.passed !== undefined ? (c.passed ? 'passed' : 'failed') : failsAtThreshold === undefined ? 'unknown' : failsAtThreshold ? 'failed' : 'passed';
  let missPoints: number | undefined;
  if (failsAtThreshold && c.threshold !== undefined) {
    const gap = Math.abs(c.value - c.threshold);
    const unit = def!.unit;
    const pts = unit === 'fraction' ? gap * 100 : unit === 'percent' ? gap : c.threshold > 0 ? (gap / c.threshold) * 100 : undefined;
    missPoints = pts === undefined ? undefined : Math.round(pts * 1e6) / 1e6;
  }
  const fmt = (v: number) => (def?.unit === 'fraction' ? `${formatNumber(v * 100)}%` : def?.unit === 'percent' ? `${formatNumber(v)}%` : formatNumber(v));
  return { direction, outcome, missPoints, fmt };
}

/**
 * What one evidence record means to the governance core, by the rules of data/rules/evidence.yaml.
 * Order: evidence-level effects (claims about controls), then per category, then per finding.
 * A control both marked verified and flagged by the same record is only flagged.
 */
export function evidenceEffects(evidence: EvidenceInput, ctx: EvidenceContext, rules: RuleSet): Effect[] {
  const related = (id: string) => ctx.relatedRiskIds?.(id) ?? [];
  const measures = (ids: string[]) => uniq(ids.flatMap((id) => ctx.measuresFor?.(id) ?? []));
  const name = (id: string): Bilingual => ctx.taxonomyName?.(id) ?? { zh: id, en: id };
  const L = rules.evidence.labels;
  const effects: Effect[] = [];
  const run = <C>(on: EvidenceRule['on'], scope: Scope<C>, c: C, item: (rule: EvidenceRule) => Item) => {
    for (const rule of rules.evidence.rules) {
      if (rule.on !== on || !evaluate(rule.when, scope, c)) continue;
      const it = item(rule);
      for (const spec of rule.effects) {
        const e = build(spec, it, evidence, rules);
        if (e) effects.push(e);
      }
    }
  };

  const evCtx: EvidenceItemContext = { evidence };
  run('evidence', EVIDENCE_SCOPE, evCtx, (rule) => ({ rule, vars: vars(rules, evidence, {}, {}), ownIds: [], riskIds: [], measures: [] }));

  for (const category of evidence.summary.categories) {
    const m = metricOf(category, rules);
    const c: CategoryContext = { evidence, category, outcome: m.outcome, direction: m.direction, missPoints: m.missPoints };
    const riskIds = uniq([...related(category.taxonomyId), category.taxonomyId]);
    const v = vars(
      rules, evidence,
      { taxonomyId: category.taxonomyId, metric: category.metric, value: m.fmt(category.value) },
      {
        taxonomy: name(category.taxonomyId),
        threshold: category.threshold === undefined ? L.notGiven : { zh: m.fmt(category.threshold), en: m.fmt(category.threshold) },
        direction: L.directions[m.direction],
        missPoints: m.missPoints === undefined ? L.notGiven : { zh: formatNumber(m.missPoints), en: formatNumber(m.missPoints) },
        n: category.n === undefined ? L.notGiven : { zh: String(category.n), en: String(category.n) },
      },
    );
    run('category', CATEGORY_SCOPE, c, (rule) => ({ rule, vars: v, ownIds: [category.taxonomyId], riskIds, measures: measures(riskIds) }));
  }

  for (const finding of evidence.summary.findings) {
    const c: FindingContext = { evidence, finding };
    const riskIds = uniq([...finding.taxonomyIds.flatMap(related), ...finding.taxonomyIds]);
    const v = vars(
      rules, evidence,
      { finding: finding.title, taxonomyIds: finding.taxonomyIds.join(', ') },
      { severity: L.severity[finding.severity], location: finding.location ? { zh: finding.location, en: finding.location } : L.notGiven },
    );
    run('finding', FINDING_SCOPE, c, (rule) => ({ rule, vars: v, ownIds: finding.taxonomyIds, riskIds, measures: measures(riskIds), severity: finding.severity }));
  }

  // A failing check wins over a passing one for the same control within one evidence record.
  const flagged = new Set(effects.flatMap((e) => (e.type === 'flag-controls' ? e.controlIds : [])));
  if (!flagged.size) return effects;
  return effects.flatMap((e) => {
    if (e.type !== 'mark-controls' || e.status !== 'verified') return [e];
    const controlIds = e.controlIds.filter((id) => !flagged.has(id));
    return controlIds.length ? [{ ...e, controlIds }] : [];
  });
}
