// The synchronous scanners: keyword, pii, regex, classifier. Each takes the shared scan context
// (original text plus its normalised views) and returns findings with ORIGINAL offsets; the
// pipeline (guard.ts) turns findings into actions, masks and replies.
import { RE2JS } from 're2js';
import type { Bilingual } from '../core/i18n.ts';
import { CompiledLexicon, loadAllowList, loadLexicon, type LexiconEntry } from './lexicon.ts';
import { detectPii, maskValue, type PiiEntity } from './pii.ts';
import { NormView, toOriginal } from './normalise.ts';
import { loadClassifier, type Classifier, type Prediction } from './classifier.ts';
import { FastClassifier } from './classifier-fast.ts';
import type { Action, Finding, ScanContext, ScanOutput, Scanner } from './types.ts';
import { ACTION_RANK } from './types.ts';
import type { ScannerConfig } from './policy.ts';

type Cfg<T extends ScannerConfig['type']> = Extract<ScannerConfig, { type: T }>;

function scoreOf(findings: Finding[]): number {
  let s = 0;
  for (const f of findings) s = Math.max(s, f.score ?? 1);
  return s;
}

// ------------------------------------------------------------------ keyword

export class KeywordScanner implements Scanner {
  readonly type = 'keyword';
  readonly name: string;
  readonly reply?: Bilingual;
  readonly lexicon: CompiledLexicon;
  private readonly action: Action;
  private readonly termActions: 'lexicon' | 'scanner';
  private readonly only?: Set<string>;

  constructor(cfg: Cfg<'keyword'>, opts: { baseDir?: string; lexiconCache?: Map<string, LexiconEntry[]>; compiledCache?: Map<string, CompiledLexicon> } = {}) {
    this.name = cfg.name ?? 'keyword';
    if (cfg.reply) this.reply = cfg.reply;
    this.action = cfg.action;
    this.termActions = cfg.termActions;
    if (cfg.categories) this.only = new Set(cfg.categories);
    const key = JSON.stringify([opts.baseDir ?? '', cfg.lexicons, cfg.terms, cfg.allowLists, cfg.allow]);
    const cached = opts.compiledCache?.get(key);
    if (cached) { this.lexicon = cached; return; }
    const entries: LexiconEntry[] = [];
    for (const f of cfg.lexicons) {
      const key = `${opts.baseDir ?? ''}|${f}`;
      let e = opts.lexiconCache?.get(key);
      if (!e) { e = loadLexicon(f, opts.baseDir); opts.lexiconCache?.set(key, e); }
      entries.push(...e);
    }
    for (const t of cfg.terms) entries.push({ term: t.term, categories: t.categories, ...(t.action ? { action: t.action } : {}) });
    const allow = [...cfg.allow];
    for (const f of cfg.allowLists) allow.push(...loadAllowList(f, opts.baseDir));
    this.lexicon = new CompiledLexicon(entries, allow);
    opts.compiledCache?.set(key, this.lexicon);
  }

  scan(ctx: ScanContext): ScanOutput {
    const hits = this.lexicon.match(ctx.norm);
    const findings: Finding[] = [];
    for (const h of hits) {
      const cats = this.only ? h.categories.filter((c) => this.only!.has(c)) : h.categories;
      if (this.only && cats.length === 0) continue;
      const action = this.termActions === 'lexicon' && h.action ? h.action : this.action;
      if (action === 'allow') continue;
      for (const c of cats.length ? cats : ['unclassified']) {
        findings.push({ start: h.start, end: h.end, category: c, kind: 'keyword', action, detail: h.term, ...(action === 'mask' ? { replacement: '*'.repeat(h.end - h.start) } : {}) });
      }
    }
    return { score: findings.length ? 1 : 0, findings };
  }
}

// ------------------------------------------------------------------ pii

const PII_CATEGORY_IN = ['gbt45654.A.4.f', 'owasp-llm-2025.LLM02'];
const PII_CATEGORY_OUT = ['gbt45654.A.4.f', 'owasp-llm-2025.LLM02', 'tc260.3.1.2.d'];
const SECRET_CATEGORY = ['owasp-llm-2025.LLM02', 'tc260.3.1.2.d'];

export class PiiScanner implements Scanner {
  readonly type = 'pii';
  readonly name: string;
  readonly reply?: Bilingual;
  constructor(private readonly cfg: Cfg<'pii'>) {
    this.name = cfg.name ?? 'pii';
    if (cfg.reply) this.reply = cfg.reply;
  }
  scan(ctx: ScanContext): ScanOutput {
    const matches = detectPii(ctx.light, { entities: this.cfg.entities as PiiEntity[], allow: this.cfg.allow, passportNeedsContext: this.cfg.passportNeedsContext });
    const findings: Finding[] = [];
    for (const m of matches) {
      const secret = m.entity === 'api_key' || m.entity === 'secret';
      const cats = this.cfg.categories ?? (secret ? SECRET_CATEGORY : ctx.direction === 'output' ? PII_CATEGORY_OUT : PII_CATEGORY_IN);
      const replacement = maskValue(m, this.cfg.style);
      for (const c of cats) findings.push({ start: m.start, end: m.end, category: c, kind: m.kind, action: this.cfg.action, replacement, detail: m.entity });
    }
    return { score: scoreOf(findings), findings };
  }
}

// ------------------------------------------------------------------ regex (user patterns, RE2)

export class RegexPatternError extends Error {
  constructor(readonly index: number, readonly patternName: string, message: string) {
    super(`patterns[${index}] (${patternName}): invalid RE2 pattern: ${message}`);
    this.name = 'RegexPatternError';
  }
}

/** Compile a user pattern with RE2 (linear time); throws a readable error when invalid. */
export function compileUserRegex(pattern: string, caseInsensitive = false, index = 0, name = 'pattern'): RE2JS {
  try {
    return RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    throw new RegexPatternError(index, name, (e as Error).message.replace(/^error parsing regexp: /, ''));
  }
}

export class RegexScanner implements Scanner {
  readonly type = 'regex';
  readonly name: string;
  readonly reply?: Bilingual;
  private readonly rules: { name: string; re: RE2JS; category: string; action: Action; replacement?: string }[];
  constructor(cfg: Cfg<'regex'>) {
    this.name = cfg.name ?? 'regex';
    if (cfg.reply) this.reply = cfg.reply;
    this.rules = cfg.patterns.map((p, i) => ({
      name: p.name,
      re: compileUserRegex(p.pattern, p.caseInsensitive, i, p.name),
      category: p.category ?? cfg.categories?.[0] ?? 'tc260.3.1.2.d',
      action: p.action ?? cfg.action,
      ...(p.replacement !== undefined ? { replacement: p.replacement } : {}),
    }));
  }
  scan(ctx: ScanContext): ScanOutput {
    const t = ctx.light.text;
    const findings: Finding[] = [];
    for (const r of this.rules) {
      const m = r.re.matcher(t);
      let from = 0;
      while (from <= t.length && m.find(from)) {
        const s = m.start(), e = m.end();
        if (e > s) {
          const [os, oe] = toOriginal(ctx.light, s, e);
          findings.push({ start: os, end: oe, category: r.category, kind: 'regex', action: r.action, detail: r.name, replacement: r.replacement ?? `[${r.name.toUpperCase()}]` });
        }
        from = e > s ? e : s + 1;
      }
    }
    return { score: findings.length ? 1 : 0, findings };
  }
}

// ------------------------------------------------------------------ classifier

/** Fast twins per loaded model (null = the reference must be used), verified once. */
const fastTwins = new WeakMap<Classifier, FastClassifier | null>();
function fastTwin(model: Classifier, nameOrPath: string, baseDir?: string): FastClassifier | undefined {
  let f = fastTwins.get(model);
  if (f === undefined) { f = FastClassifier.forModel(model, nameOrPath, baseDir) ?? null; fastTwins.set(model, f); }
  return f ?? undefined;
}

export class ClassifierScanner implements Scanner {
  readonly type = 'classifier';
  readonly name: string;
  readonly reply?: Bilingual;
  readonly model: Classifier;
  /** Same predictions as `model`, computed on the check's normalised buffer (classifier-fast.ts). */
  readonly fast?: FastClassifier;
  private readonly threshold: number;
  constructor(private readonly cfg: Cfg<'classifier'>, opts: { baseDir?: string } = {}) {
    this.model = loadClassifier(cfg.model, opts.baseDir);
    const fast = fastTwin(this.model, cfg.model, opts.baseDir);
    if (fast) this.fast = fast;
    this.name = cfg.name ?? `classifier:${this.model.name}`;
    if (cfg.reply) this.reply = cfg.reply;
    this.threshold = cfg.threshold ?? this.model.threshold;
  }
  private predict(ctx: ScanContext): Prediction {
    const v = ctx.norm;
    if (this.fast && v instanceof NormView) {
      const codes = v.codes(); // first: it may re-run the normalisation, which changes the token
      return this.fast.predictCodes(v, v.token, codes, 0, v.length);
    }
    return this.model.predict(v.text);
  }
  scan(ctx: ScanContext): ScanOutput {
    const r = this.predict(ctx);
    if (r.score < this.threshold) return { score: r.score, findings: [], action: 'allow' };
    const cats = this.cfg.categories ?? r.categories;
    const end = ctx.text.length;
    const findings: Finding[] = cats.map((c) => ({ start: 0, end, category: c, kind: 'classifier', action: this.cfg.action, score: r.score, detail: this.model.name }));
    return { score: r.score, findings, action: this.cfg.action, categories: cats };
  }
}

/** Most severe action among findings (or the scanner's own override). */
export function actionOf(out: ScanOutput): Action {
  let a: Action = 'allow';
  for (const f of out.findings) if (ACTION_RANK[f.action] > ACTION_RANK[a]) a = f.action;
  if (out.action && ACTION_RANK[out.action] > ACTION_RANK[a]) a = out.action;
  return a;
}
