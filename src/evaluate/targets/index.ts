import { loadTargetFile, resolveTargetConfig, type ResolvedTarget, type SecretSource, type TargetConfigInput } from './config.ts';
import { HttpTarget, JsTarget, type JsTargetFn } from './custom.ts';
import { AnthropicTarget, OllamaTarget, OpenAiTarget } from './providers.ts';
import type { Target } from './target.ts';

export type { ChatRequest, ChatResult, Target, TargetStats } from './target.ts';
export { TargetError, toCaseError } from './errors.ts';
export {
  TARGET_TYPES,
  TargetConfigSchema,
  TargetConfigError,
  loadSecretsFile,
  loadTargetFile,
  resolveTargetConfig,
  type ResolvedTarget,
  type SecretSource,
  type TargetConfig,
  type TargetConfigInput,
  type TargetType,
} from './config.ts';
export { Limiter, TokenBucket, Semaphore, estimateTokens } from './limiter.ts';
export { backoffDelay, callWithRetry, type RetryPolicy } from './http-call.ts';
export { renderTemplate, type JsTargetFn, type JsTargetRequest } from './custom.ts';
export { getPath } from './base.ts';

/** Default address of the Zongheng gateway (an OpenAI-protocol endpoint with a gateway key). */
export const ZONGHENG_GATEWAY_URL = 'http://127.0.0.1:8420/v1';

export function createTargetFromResolved(r: ResolvedTarget, opts: { fn?: JsTargetFn } = {}): Target {
  switch (r.config.type) {
    case 'openai':
      return new OpenAiTarget(r);
    case 'zongheng':
      return new OpenAiTarget(r, process.env['ZONGHENG_GATEWAY_URL'] ?? ZONGHENG_GATEWAY_URL);
    case 'anthropic':
      return new AnthropicTarget(r);
    case 'ollama':
      return new OllamaTarget(r);
    case 'http':
      return new HttpTarget(r);
    case 'js':
      return new JsTarget(r, opts.fn);
  }
}

/**
 * A target from a file path (YAML/JSON), a config object, or an existing Target.
 * Secrets are taken from `src.env` (default process.env) and `src.secrets` only.
 */
export function createTarget(spec: string | TargetConfigInput | Target, src: SecretSource = {}, opts: { fn?: JsTargetFn } = {}): Target {
  if (typeof spec === 'string') return createTargetFromResolved(loadTargetFile(spec, src), opts);
  if (isTarget(spec)) return spec;
  return createTargetFromResolved(resolveTargetConfig(spec, src), opts);
}

export function isTarget(x: unknown): x is Target {
  return !!x && typeof x === 'object' && typeof (x as Target).chat === 'function' && typeof (x as Target).stats === 'function';
}

/** A JS-function target without a module file, handy for tests and library users. */
export function functionTarget(fn: JsTargetFn, config: Partial<TargetConfigInput> = {}): Target {
  return createTargetFromResolved(resolveTargetConfig({ type: 'js', module: '(inline)', ...config }), { fn });
}
