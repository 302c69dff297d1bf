import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { validationFailed } from '../errors.ts';
import type { Bilingual } from '../i18n.ts';
import { EU_AI_ACT_TIERS, type EuAiActTier } from '../system.ts';
import { PRIORITIES, type Priority } from '../risk.ts';
import {
  CONDITION_TEMPLATES, compileCondition, fieldsOf, formatNumber, leaves, placeholders,
  type Condition, type Issue, type Labels, type Path, type Scope,
} from './conditions.ts';
import {
  ClassificationFileSchema, EvidenceFileSchema, ObligationsFileSchema, REASON_TEMPLATES, RiskEvaluationFileSchema, SuggestionsFileSchema,
  VocabularyFileSchema,
  type ClassificationFile, type EffectSpec, type EvidenceFile, type ObligationDef, type RiskEvaluationFile,
  type SuggestionsFile, type VocabularyFile,
} from './schemas.ts';
import { EVIDENCE_SCOPES, PHASE, RISK_SCOPE, SYSTEM_SCOPE, type EvidenceOn } from './scopes.ts';

export const RULE_FILES = {
  vocabulary: 'vocabulary.yaml',
  classification: 'classification.yaml',
  obligations: 'obligations.yaml',
  suggestions: 'suggestions.yaml',
  riskEvaluation: 'risk-evaluation.yaml',
  evidence: 'evidence.yaml',
} as const;

export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../../data/rules/', import.meta.url));

type Compiled<R> = Omit<R, 'when'> & { when?: Condition };
export type ClassificationRule = Compiled<ClassificationFile['rules'][number]>;
export interface ClassificationRules {
  /** Hash of classification.yaml, obligations.yaml and vocabulary.yaml (all shape a Classification). */
  version: string;
  tierOrder: EuAiActTier[];
  scopes: { euAiActTier?: Condition; financeAutonomyLevel?: Condition };
  defaults: ClassificationFile['defaults'];
  obligations: Map<string, ObligationDef>;
  rules: ClassificationRule[];
}
export type SuggestionRule = Compiled<SuggestionsFile['rules'][number]> & { when: Condition };
export type PriorityRule = Compiled<RiskEvaluationFile['priorityRules'][number]>;
export interface RiskEvaluationRules {
  priorityRules: PriorityRule[];
  reviewIntervalDays: Record<Priority, number>;
}
export type EvidenceRule = Compiled<EvidenceFile['rules'][number]>;
export type EvidenceRules = Omit<EvidenceFile, 'rules' | 'version'> & { rules: EvidenceRule[] };

/** A taxonomy id mentioned in a rule file, with where. */
export interface UnknownId {
  id: string;
  file: string;
  line?: number;
  path: string;
}

export interface RuleSet {
  dir: string;
  /** Hash over all rule files. */
  version: string;
  vocabulary: VocabularyFile;
  labels: Labels;
  classification: ClassificationRules;
  suggestions: SuggestionRule[];
  riskEvaluation: RiskEvaluationRules;
  evidence: EvidenceRules;
  /** Every taxonomy/control id the rule files mention, with where. */
  idRefs: UnknownId[];
  /** Ids `knownIds` rejected, when `onUnknownId: 'collect'`. */
  unknownIds: UnknownId[];
}

export interface LoadOptions {
  /** Taxonomy registry check; every taxonomy/control id in the rules is passed through it. */
  knownIds?: (id: string) => boolean;
  /** 'error' (default): unknown ids make loading fail. 'collect': they are returned in `unknownIds`. */
  onUnknownId?: 'error' | 'collect';
}

const hash = (...parts: string[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return `sha256:${h.digest('hex').slice(0, 16)}`;
};

export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(root)';
}

interface SourceFile {
  name: string;
  text: string;
  doc: Document;
  lines: LineCounter;
}

class Problems {
  readonly list: { file: string; line?: number; path: string; message: string }[] = [];
  add(src: SourceFile, path: readonly PropertyKey[], message: string) {
    this.list.push({ file: src.name, line: lineOf(src, path), path: formatPath(path), message });
  }
  addAll(src: SourceFile, issues: Issue[], prefix: Path = []) {
    for (const i of issues) this.add(src, [...prefix, ...i.path], i.message);
  }
  throwIfAny(dir: string) {
    if (!this.list.length) return;
    const where = (p: (typeof this.list)[number]) => `${p.file}${p.line ? `:${p.line}` : ''} ${p.path}`;
    const shown = this.list.slice(0, 25).map((p) => `  ${where(p)}: ${p.message}`);
    if (this.list.length > 25) shown.push(`  … and ${this.list.length - 25} more`);
    throw validationFailed(`invalid rules in ${dir}:\n${shown.join('\n')}`, {
      field: where(this.list[0]!),
      issues: this.list.map((p) => ({ field: where(p), message: p.message })),
    });
  }
}

function lineOf(src: SourceFile, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? src.doc.contents : src.doc.getIn(path.slice(0, n) as unknown[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return src.lines.linePos(range[0]).line;
  }
  return undefined;
}

function readSource(dir: string, name: string, problems: Problems): { src: SourceFile; data: unknown } | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, name), 'utf8');
  } catch (e) {
    problems.list.push({ file: name, path: '(file)', message: `cannot read: ${(e as Error).message}` });
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const src: SourceFile = { name, text, doc, lines };
  if (doc.errors.length) {
    for (const e of doc.errors) problems.list.push({ file: name, line: e.linePos?.[0]?.line, path: '(yaml)', message: e.message });
    return undefined;
  }
  return { src, data: doc.toJS({ maxAliasCount: 10_000 }) };
}

function parseWith<S extends z.ZodType>(schema: S, data: unknown, src: SourceFile, problems: Problems): z.infer<S> | undefined {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  for (const i of r.error.issues) problems.add(src, i.path, i.message);
  return undefined;
}

function uniqueIds(items: { id: string }[], key: string, src: SourceFile, problems: Problems) {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    if (seen.has(it.id)) problems.add(src, [key, i, 'id'], `duplicate id "${it.id}"`);
    seen.add(it.id);
  });
}

function checkTemplate(t: Bilingual, allowed: readonly string[], src: SourceFile, path: Path, problems: Problems) {
  for (const loc of ['zh', 'en'] as const) {
    for (const p of placeholders(t[loc])) {
      if (!allowed.includes(p)) problems.add(src, [...path, loc], `unknown placeholder {${p}}; allowed: ${allowed.join(', ') || 'none'}`);
    }
  }
}

function compile<C>(raw: unknown, scope: Scope<C>, src: SourceFile, path: Path, problems: Problems): Condition | undefined {
  if (raw === undefined) return undefined;
  const issues: Issue[] = [];
  const c = compileCondition(raw, scope, path, issues);
  problems.addAll(src, issues);
  return c;
}

function makeLabels(v: VocabularyFile): Labels {
  return {
    field: (n) => v.fields[n] ?? { zh: n, en: n },
    value: (f, x) =>
      typeof x === 'number' ? { zh: formatNumber(x), en: formatNumber(x) } : (v.values[f]?.[String(x)] ?? { zh: String(x), en: String(x) }),
    template: (n) => v.conditions[n],
    connector: (n) => v.connectors[n],
  };
}

const EVIDENCE_PLACEHOLDERS: Record<EvidenceOn, readonly string[]> = {
  evidence: ['subject', 'kind', 'producer', 'controls', 'count'],
  category: ['subject', 'kind', 'producer', 'taxonomy', 'taxonomyId', 'metric', 'value', 'threshold', 'direction', 'missPoints', 'n'],
  finding: ['subject', 'kind', 'producer', 'finding', 'severity', 'location', 'taxonomyIds'],
};

/** Reads and validates data/rules/*.yaml synchronously. Errors name the file, line and path. */
export function loadRules(dir: string = DEFAULT_RULES_DIR, opts: LoadOptions = {}): RuleSet {
  const problems = new Problems();
  const ids: { id: string; src: SourceFile; path: Path }[] = [];
  const noteId = (id: string, src: SourceFile, path: Path) => ids.push({ id, src, path });

  const read = <S extends z.ZodType>(name: string, schema: S) => {
    const r = readSource(dir, name, problems);
    return r ? { src: r.src, data: parseWith(schema, r.data, r.src, problems) } : undefined;
  };
  const voc = read(RULE_FILES.vocabulary, VocabularyFileSchema);
  const cls = read(RULE_FILES.classification, ClassificationFileSchema);
  const obl = read(RULE_FILES.obligations, ObligationsFileSchema);
  const sug = read(RULE_FILES.suggestions, SuggestionsFileSchema);
  const rev = read(RULE_FILES.riskEvaluation, RiskEvaluationFileSchema);
  const evd = read(RULE_FILES.evidence, EvidenceFileSchema);
  problems.throwIfAny(dir);
  const v = voc!.data!;
  const [vs, cs, os, ss, rs, es] = [voc!.src, cls!.src, obl!.src, sug!.src, rev!.src, evd!.src];

  // ---- vocabulary: templates and coverage of every enumeration and explained field
  for (const [k, allowed] of Object.entries(CONDITION_TEMPLATES)) checkTemplate(v.conditions[k as keyof typeof CONDITION_TEMPLATES], allowed, vs, ['conditions', k], problems);
  for (const [k, allowed] of Object.entries(REASON_TEMPLATES)) checkTemplate(v.reasons[k as keyof typeof REASON_TEMPLATES], allowed, vs, ['reasons', k], problems);
  checkTemplate(v.connectors.note, ['note'], vs, ['connectors', 'note'], problems);
  const enums: Record<string, readonly string[]> = { priority: PRIORITIES };
  for (const [name, def] of Object.entries(SYSTEM_SCOPE)) if (def.values) enums[name] = def.values;
  for (const name of [...Object.keys(SYSTEM_SCOPE), ...Object.keys(RISK_SCOPE)]) {
    if (!v.fields[name]) problems.add(vs, ['fields'], `missing label for field "${name}"`);
  }
  for (const [name, values] of Object.entries(enums)) {
    const have = v.values[name];
    if (!have) {
      problems.add(vs, ['values'], `missing labels for "${name}" (${values.join(', ')})`);
      continue;
    }
    for (const x of values) if (!have[x]) problems.add(vs, ['values', name], `missing label for ${name} value "${x}"`);
    for (const x of Object.keys(have)) if (!values.includes(x)) problems.add(vs, ['values', name, x], `"${x}" is not a ${name} value`);
  }
  for (const name of Object.keys(v.values)) if (!enums[name]) problems.add(vs, ['values', name], `"${name}" is not an enumerated field`);

  // ---- classification
  const c = cls!.data!;
  uniqueIds(c.rules, 'rules', cs, problems);
  const ob = obl!.data!.obligations;
  uniqueIds(ob, 'obligations', os, problems);
  if (c.euAiActTierOrder.length !== EU_AI_ACT_TIERS.length || new Set(c.euAiActTierOrder).size !== EU_AI_ACT_TIERS.length) {
    problems.add(cs, ['euAiActTierOrder'], `list each tier once: ${EU_AI_ACT_TIERS.join(', ')}`);
  }
  const attrScope = Object.fromEntries(Object.entries(SYSTEM_SCOPE).filter(([, d]) => !d.phase));
  const scopes = {
    euAiActTier: compile(c.scopes.euAiActTier, attrScope, cs, ['scopes', 'euAiActTier'], problems),
    financeAutonomyLevel: compile(c.scopes.financeAutonomyLevel, attrScope, cs, ['scopes', 'financeAutonomyLevel'], problems),
  };
  const obligations = new Map(ob.map((o) => [o.id, o]));
  ob.forEach((o, i) => o.controlIds.forEach((id, j) => noteId(id, os, ['obligations', i, 'controlIds', j])));
  const used = new Set(c.rules.flatMap((r) => r.obligations ?? []));
  ob.forEach((o, i) => {
    if (!used.has(o.id)) problems.add(os, ['obligations', i, 'id'], `obligation "${o.id}" is not used by any rule in ${RULE_FILES.classification}`);
  });
  const crules: ClassificationRule[] = c.rules.map((r, i) => {
    const when = compile(r.when, SYSTEM_SCOPE, cs, ['rules', i, 'when'], problems);
    const effects = (['financeAutonomyLevel', 'euAiActTier', 'grade', 'obligations'] as const).filter((k) => r[k] !== undefined);
    if (!effects.length) problems.add(cs, ['rules', i], 'a rule needs an effect: grade, euAiActTier, financeAutonomyLevel or obligations');
    const first = Math.min(...effects.map((k) => PHASE[k]));
    for (const f of fieldsOf(when)) {
      const phase = SYSTEM_SCOPE[f]?.phase ?? 0;
      if (phase >= first) problems.add(cs, ['rules', i, 'when'], `"${f}" is derived after this rule's effects (${effects.join(', ')}); order: financeAutonomyLevel → euAiActTier → grade → obligations`);
    }
    r.obligations?.forEach((o, j) => {
      if (!obligations.has(o)) problems.add(cs, ['rules', i, 'obligations', j], `no obligation "${o}" in ${RULE_FILES.obligations}`);
    });
    return { ...r, when };
  });

  // ---- suggestions
  const s = sug!.data!;
  uniqueIds(s.rules, 'rules', ss, problems);
  const srules = s.rules.map((r, i) => {
    r.taxonomyIds.forEach((id, j) => noteId(id, ss, ['rules', i, 'taxonomyIds', j]));
    return { ...r, when: compile(r.when, SYSTEM_SCOPE, ss, ['rules', i, 'when'], problems)! };
  });

  // ---- risk evaluation
  const re = rev!.data!;
  uniqueIds(re.priorityRules, 'priorityRules', rs, problems);
  const prules = re.priorityRules.map((r, i) => {
    if (r.when === undefined && i < re.priorityRules.length - 1) problems.add(rs, ['priorityRules', i], 'only the last priority rule may omit `when`; the rules after it could never match');
    return { ...r, when: compile(r.when, RISK_SCOPE, rs, ['priorityRules', i, 'when'], problems) };
  });
  if (re.priorityRules.at(-1)?.when !== undefined) problems.add(rs, ['priorityRules', re.priorityRules.length - 1], 'the last priority rule must have no `when`, so every analysis gets a priority');

  // ---- evidence
  const ev = evd!.data!;
  uniqueIds(ev.rules, 'rules', es, problems);
  ev.impactByTaxonomy.forEach((e, i) => noteId(e.prefix, es, ['impactByTaxonomy', i, 'prefix']));
  const erules = ev.rules.map((r, i) => {
    const when = compile(r.when, EVIDENCE_SCOPES[r.on] as Scope<unknown>, es, ['rules', i, 'when'], problems);
    for (const { leaf, path } of leaves(when)) {
      if (leaf.field === 'taxonomyId' && (leaf.op === 'equals' || leaf.op === 'in')) {
        const vals = Array.isArray(leaf.operand) ? leaf.operand : [leaf.operand];
        vals.forEach((id, k) => noteId(String(id), es, ['rules', i, 'when', ...path, leaf.op, ...(Array.isArray(leaf.operand) ? [k] : [])]));
      }
    }
    const allowed = EVIDENCE_PLACEHOLDERS[r.on];
    checkTemplate(r.because, allowed, es, ['rules', i, 'because'], problems);
    r.effects.forEach((e: EffectSpec, j) => {
      const at: Path = ['rules', i, 'effects', j];
      const bad = (msg: string) => problems.add(es, at, msg);
      if ('title' in e) checkTemplate(e.title, allowed, es, [...at, 'title'], problems);
      if ((e.type === 'propose-risk' || e.type === 'raise-likelihood') && r.on === 'evidence') bad(`${e.type} needs a category or finding to name the risk; use on: category or on: finding`);
      const l = e.type === 'propose-risk' ? e.likelihood : e.type === 'raise-likelihood' ? e.to : undefined;
      if (l === 'fromSeverity' && r.on !== 'finding') bad('"fromSeverity" needs on: finding');
      if (e.type === 'open-incident' && e.severity === 'fromFinding' && r.on !== 'finding') bad('"fromFinding" needs on: finding');
      if (e.type === 'mark-controls' || e.type === 'flag-controls') {
        if (e.controlIds === 'measures' && r.on === 'evidence') bad('"measures" needs on: category or on: finding');
        if (e.controlIds !== 'measures' && r.on !== 'evidence') bad(`"${e.controlIds}" needs on: evidence`);
      }
      if ('fallbackTaxonomyIds' in e) e.fallbackTaxonomyIds?.forEach((id, k) => noteId(id, es, [...at, 'fallbackTaxonomyIds', k]));
    });
    return { ...r, when };
  });
  problems.throwIfAny(dir);

  const idRefs = ids.map((u) => ({ id: u.id, file: u.src.name, line: lineOf(u.src, u.path), path: formatPath(u.path) }));
  const { version: _v, rules: _r, ...evRest } = ev;
  const set: RuleSet = {
    dir,
    version: hash(vs.text, cs.text, os.text, ss.text, rs.text, es.text),
    vocabulary: v,
    labels: makeLabels(v),
    classification: {
      version: hash(cs.text, os.text, vs.text),
      tierOrder: c.euAiActTierOrder,
      scopes,
      defaults: c.defaults,
      obligations,
      rules: crules,
    },
    suggestions: srules,
    riskEvaluation: { priorityRules: prules, reviewIntervalDays: re.reviewIntervalDays },
    evidence: { ...evRest, rules: erules },
    idRefs,
    unknownIds: [],
  };
  return opts.knownIds ? checkKnownIds(set, opts.knownIds, opts.onUnknownId) : set;
}

/**
 * Checks every taxonomy/control id the rules mention against a registry. 'error' (default) throws
 * a validation error naming each unknown id with its file, line and path; 'collect' returns the
 * rule set with `unknownIds` filled in.
 */
export function checkKnownIds(rules: RuleSet, knownIds: (id: string) => boolean, mode: 'error' | 'collect' = 'error'): RuleSet {
  const unknownIds = rules.idRefs.filter((r) => !knownIds(r.id));
  if (unknownIds.length && mode === 'error') {
    const problems = new Problems();
    for (const u of unknownIds) problems.list.push({ file: u.file, line: u.line, path: u.path, message: `unknown taxonomy id "${u.id}"` });
    problems.throwIfAny(rules.dir);
  }
  return { ...rules, unknownIds };
}

/** Every distinct taxonomy/control id the rules mention, sorted. */
export function listRuleIds(rules: RuleSet): string[] {
  return [...new Set(rules.idRefs.map((r) => r.id))].sort();
}
