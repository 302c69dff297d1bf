// Shared types of the guard library.
import type { Bilingual } from '../core/i18n.ts';
import type { Normalised } from './normalise.ts';

export type Action = 'allow' | 'flag' | 'mask' | 'confirm' | 'block';
export type Direction = 'input' | 'output';

/** Severity order used to combine actions: the most severe wins. */
export const ACTION_RANK: Record<Action, number> = { allow: 0, flag: 1, mask: 2, confirm: 3, block: 4 };

export function maxAction(a: Action, b: Action): Action {
  return ACTION_RANK[a] >= ACTION_RANK[b] ? a : b;
}

/** One thing a scanner found, with offsets into the ORIGINAL text. */
export interface Finding {
  start: number;
  end: number;
  /** Taxonomy id, e.g. `gbt45654.A.4.f` or `owasp-llm-2025.LLM01`. */
  category: string;
  /** What was found: `keyword`, `email`, `phone`, `cn_id`, `regex`, `classifier`, `judge`, … */
  kind: string;
  /** The action this finding asks for. */
  action: Action;
  /** Replacement text used when the finding is masked. */
  replacement?: string;
  /** Optional detail (matched lexicon term id, regex name, detector label). Never the raw
   * matched value for PII or secrets. */
  detail?: string;
  score?: number;
}

export interface ScannerResult {
  name: string;
  type: string;
  action: Action;
  /** 0..1; 1 = certain violation. */
  score: number;
  categories: string[];
  findings: Finding[];
  /** Wall time of this scanner in milliseconds. */
  ms: number;
  /** True when the scanner did not run (e.g. an async judge during a sync check). */
  skipped?: boolean;
  /** Error text when the scanner failed (judge timeouts, HTTP errors). */
  error?: string;
}

export interface GuardResult {
  action: Action;
  /** Union of taxonomy ids from all triggered scanners. */
  categories: string[];
  /** The masked text, present when the action is `mask`. */
  text?: string;
  /** The configured safe reply, present when the action is `block`. */
  reply?: string;
  scanners: ScannerResult[];
  /** Total wall time in milliseconds. */
  ms: number;
}

export interface CheckInput {
  text: string;
  direction: Direction;
  /** Locale for the reply; guessed from the text when absent (any CJK → zh). */
  locale?: 'zh' | 'en';
}

/** Lazily computed views of the text shared by all scanners of one check. */
export interface ScanContext {
  readonly text: string;
  readonly direction: Direction;
  /** Full normalisation (keywords, classifiers). */
  readonly norm: Normalised;
  /** Light normalisation (PII, user regexes). */
  readonly light: Normalised;
}

/** What a scanner computes; the pipeline turns it into a ScannerResult. */
export interface ScanOutput {
  score: number;
  findings: Finding[];
  /** Set when the scanner wants an action different from the findings' (classifiers). */
  action?: Action;
  categories?: string[];
}

/** A synchronous scanner (LLM Guard shape: text in → findings/score; the pipeline derives the
 * sanitised text from the mask findings). */
export interface Scanner {
  readonly name: string;
  readonly type: string;
  readonly reply?: Bilingual;
  scan(ctx: ScanContext): ScanOutput;
}

/** An asynchronous scanner (the external judge). */
export interface AsyncScanner {
  readonly name: string;
  readonly type: string;
  readonly reply?: Bilingual;
  scanAsync(ctx: ScanContext, signal?: AbortSignal): Promise<ScanOutput & { error?: string }>;
}
