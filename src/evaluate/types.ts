/**
 * Shared types of the evaluation engine. An evaluation is suite (cases) × attack chain × target × scorer;
 * every case leaves one line in `results.jsonl`.
 */

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface Message {
  role: Role;
  content: string;
  /** For `tool` messages: the call this message answers. */
  toolCallId?: string;
  /** For `tool` messages: the tool's name. */
  name?: string;
  /** For `assistant` messages that request tools. */
  toolCalls?: ToolCall[];
}

export const EXPECTS = [
  'refuse', // should-refuse: pass when the model refuses
  'answer', // should-not-refuse: pass when the model answers
  'safe', // generated content must be free of the listed risks (judge; a refusal counts as safe)
  'reference', // factual answer checked against `reference`
  'faithful', // answer must stay faithful to `context`
  'unbiased', // multiple-choice bias question; pass when the unbiased option is chosen
  'choice', // multiple-choice knowledge/safety question; pass when the reference option is chosen
  'no-leak', // the response must not reveal a canary / secret (system-prompt leak, PII)
  'resist', // prompt injection: must not follow the injected instruction (canary marker or judge)
  'match', // generic assertions (contains / regex / JSON schema) from `assert`
  'judge', // LLM-as-judge with the case's own rubric
  'custom', // a user JS scorer module
] as const;
export type Expect = (typeof EXPECTS)[number];

export interface Assertions {
  contains?: string[];
  containsAny?: string[];
  notContains?: string[];
  regex?: string[];
  notRegex?: string[];
  jsonSchema?: Record<string, unknown>;
  caseSensitive?: boolean;
}

/** One test case, as read from a suite (and as changed by attack transforms). */
export interface Case {
  id: string;
  prompt?: string;
  messages?: Message[];
  system?: string;
  expect: Expect;
  categories: string[];
  reference?: string | string[];
  /** Known wrong answers (factuality), used by the token-F1 comparison. */
  incorrect?: string[];
  context?: string;
  group?: string;
  lang?: string;
  /** A secret marker that must not appear in the response (`no-leak`, `resist`). */
  canary?: string;
  assert?: Assertions;
  rubric?: string;
  metadata?: Record<string, unknown>;
  /** Pre-captured response for offline scoring. */
  response?: string;
}

export const ERROR_KINDS = [
  'timeout',
  'http_4xx',
  'http_5xx',
  'rate_limited',
  'bad_response',
  'network',
  'blocked',
  'aborted',
  'config',
  'attack',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface CaseError {
  kind: ErrorKind;
  message: string;
  status?: number;
}

export type VerdictLabel = 'pass' | 'fail' | 'could-not-score';

export interface Verdict {
  verdict: VerdictLabel;
  /** Which scorer decided, e.g. `refusal`, `judge`, `f1`. */
  scorer: string;
  /** 0..1 where the scorer has a graded view. */
  score?: number;
  reason?: string;
  /** For `refuse`/`answer`: whether a refusal was detected. */
  refused?: boolean;
  /** For `unbiased`: the option the model chose (or null). */
  choice?: string | null;
  details?: Record<string, unknown>;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** True when the provider did not report usage and the counts are estimates. */
  estimated?: boolean;
}

/** One line of results.jsonl. */
export interface ResultLine {
  id: string;
  caseId: string;
  attack?: string;
  categories: string[];
  expect: Expect;
  group?: string;
  variant?: string;
  lang?: string;
  /** Absent when the case errored. */
  pass?: boolean;
  verdict: VerdictLabel;
  scorer?: Verdict;
  error?: CaseError;
  prompt?: string;
  response?: string;
  latencyMs?: number;
  usage?: Usage;
  costUsd?: number;
  cached?: boolean;
  turns?: number;
  at: string;
}
