// Guard policy: the YAML format, its zod schema, parsing with errors that name the field, and
// the built-in default policy (data/guard/policies/default.yaml).
import { z } from 'zod';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { BilingualSchema } from '../core/i18n.ts';
import { readText } from './data.ts';
import { PII_ENTITIES } from './pii.ts';
import { RE2JS } from 're2js';
import { ToolPolicySchema, selectJsonPath } from './agent.ts';

const ActionSchema = z.enum(['allow', 'block', 'mask', 'flag', 'confirm'], { error: 'must be one of allow, block, mask, flag, confirm' });
const Threshold = z.number({ error: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const TaxonomyId = z.string().regex(/^[a-z0-9-]+(\.[A-Za-z0-9_-]+)+$/, 'must be a taxonomy id such as gbt45654.A.4.f');

const Common = {
  name: z.string().min(1).optional(),
  categories: z.array(TaxonomyId).optional(),
  threshold: Threshold.optional(),
  action: ActionSchema,
  reply: BilingualSchema.optional(),
};

const InlineTerm = z.object({ term: z.string().min(1), categories: z.array(TaxonomyId).default([]), action: ActionSchema.optional() }).strict();

export const KeywordScannerSchema = z.object({
  type: z.literal('keyword'),
  ...Common,
  /** Lexicon TSV files (relative to the policy file, the working directory or data/guard/). */
  lexicons: z.array(z.string().min(1)).default([]),
  terms: z.array(InlineTerm).default([]),
  /** Allow-list files (TSV, first column) and inline allow phrases. */
  allowLists: z.array(z.string().min(1)).default([]),
  allow: z.array(z.string().min(1)).default([]),
  /** `lexicon`: a term's own action wins when it has one; `scanner`: always the scanner's. */
  termActions: z.enum(['lexicon', 'scanner']).default('lexicon'),
}).strict();

export const PiiScannerSchema = z.object({
  type: z.literal('pii'),
  ...Common,
  entities: z.array(z.enum(PII_ENTITIES, { error: `must be one of ${PII_ENTITIES.join(', ')}` })).default([...PII_ENTITIES]),
  style: z.enum(['mask', 'redact']).default('mask'),
  allow: z.array(z.string()).default([]),
  passportNeedsContext: z.boolean().default(true),
}).strict();

export const RegexScannerSchema = z.object({
  type: z.literal('regex'),
  ...Common,
  patterns: z.array(z.object({
    name: z.string().min(1),
    pattern: z.string().min(1),
    caseInsensitive: z.boolean().default(false),
    category: TaxonomyId.optional(),
    action: ActionSchema.optional(),
    replacement: z.string().optional(),
  }).strict()).min(1, 'needs at least one pattern'),
}).strict();

export const ClassifierScannerSchema = z.object({
  type: z.literal('classifier'),
  ...Common,
  /** Built-in model name (`injection`, `harmful`) or a path to a model JSON file. */
  model: z.string().min(1),
}).strict();

export const JudgeScannerSchema = z.object({
  type: z.literal('judge'),
  ...Common,
  url: z.string().url('must be a URL (the OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1)'),
  model: z.string().min(1),
  format: z.enum(['llama-guard', 'qwen3guard', 'shieldgemma']),
  /** `server`: send the conversation to /chat/completions and let the server's chat template
   * wrap it (vLLM with Llama Guard / Qwen3Guard); `client`: build the moderation prompt here.
   * Default per format: server for llama-guard and qwen3guard, client for shieldgemma. */
  wrap: z.enum(['server', 'client']).optional(),
  timeoutMs: z.number().int().positive().max(120_000).default(3000),
  failMode: z.enum(['open', 'closed']).default('open'),
  /** Name of the environment variable that holds the API key (never the key itself). */
  apiKeyEnv: z.string().optional(),
  /** ShieldGemma: one principle per request. */
  policies: z.array(z.string().min(1)).optional(),
}).strict();

export const ScannerSchema = z.discriminatedUnion('type', [
  KeywordScannerSchema, PiiScannerSchema, RegexScannerSchema, ClassifierScannerSchema, JudgeScannerSchema,
], { error: 'type must be one of keyword, pii, regex, classifier, judge' });

export const GuardPolicySchema = z.object({
  name: z.string().min(1),
  version: z.union([z.string().min(1), z.number()]).transform(String),
  description: z.string().optional(),
  blockReply: BilingualSchema.default({ zh: '抱歉，这个请求我无法协助。', en: 'Sorry, I can’t help with that request.' }),
  /** Stop the pipeline at the first blocking scanner (default false: run all, for the audit). */
  failFast: z.boolean().default(false),
  input: z.array(ScannerSchema).default([]),
  output: z.array(ScannerSchema).default([]),
  tools: ToolPolicySchema.optional(),
}).strict();

export type GuardPolicy = z.output<typeof GuardPolicySchema>;
export type GuardPolicyInput = z.input<typeof GuardPolicySchema>;
export type ScannerConfig = z.output<typeof ScannerSchema>;

export interface PolicyIssue { path: string; message: string }

export class GuardPolicyError extends Error {
  readonly issues: PolicyIssue[];
  constructor(issues: PolicyIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'GuardPolicyError';
    this.issues = issues;
  }
}

/** `['input', 2, 'threshold']` → `input[2].threshold`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s;
}

function issuesOf(err: z.ZodError): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  for (const i of err.issues) {
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) out.push({ path: formatPath([...i.path, k]), message: 'unknown field' });
      continue;
    }
    let message = i.message;
    if (i.code === 'invalid_type' && /received undefined/i.test(message)) message = 'is required';
    out.push({ path: formatPath(i.path), message });
  }
  return out;
}

function re2Error(pattern: string, caseInsensitive: boolean): string | undefined {
  try {
    RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
    return undefined;
  } catch (e) {
    return `invalid RE2 pattern: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`;
  }
}

/** Checks zod cannot express: user regexes compile under RE2, JSON paths parse. */
function semanticIssues(p: GuardPolicy): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  for (const dir of ['input', 'output'] as const) {
    p[dir].forEach((s, i) => {
      if (s.type !== 'regex') return;
      s.patterns.forEach((pt, j) => {
        const err = re2Error(pt.pattern, pt.caseInsensitive);
        if (err) out.push({ path: formatPath([dir, i, 'patterns', j, 'pattern']), message: err });
      });
    });
  }
  p.tools?.rules.forEach((r, i) => r.args.forEach((a, j) => {
    const err = re2Error(a.pattern, a.caseInsensitive);
    if (err) out.push({ path: formatPath(['tools', 'rules', i, 'args', j, 'pattern']), message: err });
    try { selectJsonPath({}, a.path); } catch (e) { out.push({ path: formatPath(['tools', 'rules', i, 'args', j, 'path']), message: (e as Error).message }); }
  }));
  return out;
}

/** Validate an already-parsed policy object. */
export function validatePolicy(obj: unknown): GuardPolicy {
  const r = GuardPolicySchema.safeParse(obj);
  if (!r.success) throw new GuardPolicyError(issuesOf(r.error));
  const more = semanticIssues(r.data);
  if (more.length) throw new GuardPolicyError(more);
  return r.data;
}

/** Parse and validate policy YAML. Errors name the field: `input[2].threshold: must be between 0 and 1`. */
export function parsePolicy(yamlText: string): GuardPolicy {
  let obj: unknown;
  try {
    obj = parseYaml(yamlText);
  } catch (e) {
    const msg = e instanceof YAMLParseError ? e.message : String(e);
    throw new GuardPolicyError([{ path: '', message: `invalid YAML: ${msg}` }]);
  }
  if (obj === null || typeof obj !== 'object') throw new GuardPolicyError([{ path: '', message: 'policy must be a YAML mapping' }]);
  return validatePolicy(obj);
}

/** The built-in default policy: injection/jailbreak and harmful-intent blocking (keywords and
 * classifiers, Chinese and English), PII masking on both directions. */
export function defaultPolicy(): GuardPolicy {
  return parsePolicy(readText('policies/default.yaml'));
}
