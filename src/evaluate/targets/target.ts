import type { Message, Usage } from '../types.ts';
import type { TargetType } from './config.ts';

export interface ChatRequest {
  messages: Message[];
  /** Overrides of the target's own generation parameters (e.g. a judge asks for temperature 0). */
  temperature?: number;
  maxTokens?: number;
}

export interface ChatResult {
  text: string;
  usage: Usage;
  latencyMs: number;
  attempts: number;
  finishReason?: string;
  costUsd?: number;
  ttftMs?: number;
}

/** A model (or system) under test, a judge, or a helper model. `chat` throws TargetError on failure. */
export interface Target {
  readonly type: TargetType;
  readonly name: string;
  /** Secret-free identity used in cache keys and reports (type, baseUrl, model, parameters). */
  readonly identity: Record<string, unknown>;
  chat(req: ChatRequest, signal?: AbortSignal): Promise<ChatResult>;
  /** Totals since creation. */
  stats(): TargetStats;
}

export interface TargetStats {
  calls: number;
  retries: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  errors: Record<string, number>;
}

export function emptyStats(): TargetStats {
  return { calls: 0, retries: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, errors: {} };
}
