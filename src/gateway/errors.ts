// OpenAI's error shape on /v1: `{ error: { message, type, param, code } }` with a matching status.

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) => new GatewayError(400, 'invalid_request_error', code, message, {}, param);
export const authError = (message: string) => new GatewayError(401, 'invalid_request_error', 'invalid_api_key', message);
export const notFoundError = (message: string) => new GatewayError(404, 'invalid_request_error', 'not_found', message);
export const rateLimited = (message: string, retryAfterS: number) =>
  new GatewayError(429, 'rate_limit_error', 'rate_limit_exceeded', message, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterS))) });
export const tooLarge = (limit: number) => new GatewayError(413, 'invalid_request_error', 'request_too_large', `request body is larger than ${limit} bytes`);

/** What went wrong talking to an upstream, before it becomes a response. */
export type UpstreamFailure = 'timeout' | 'reset' | 'refused' | 'status' | 'too_large' | 'bad_response' | 'circuit_open';

export function upstreamError(upstream: string, kind: UpstreamFailure, detail: string, retryAfterS?: number): GatewayError {
  switch (kind) {
    case 'timeout':
      return new GatewayError(504, 'upstream_error', 'upstream_timeout', `upstream ${upstream} timed out: ${detail}`);
    case 'circuit_open':
      return new GatewayError(503, 'upstream_error', 'upstream_unavailable', `upstream ${upstream} is failing; its circuit is open (${detail})`, retryAfterS ? { 'retry-after': String(Math.ceil(retryAfterS)) } : {});
    case 'too_large':
      return new GatewayError(502, 'upstream_error', 'upstream_response_too_large', `upstream ${upstream} response too large: ${detail}`);
    case 'reset':
    case 'refused':
      return new GatewayError(502, 'upstream_error', 'upstream_connection_error', `upstream ${upstream} connection failed: ${detail}`);
    default:
      return new GatewayError(502, 'upstream_error', 'upstream_error', `upstream ${upstream} failed: ${detail}`);
  }
}

export function errorResponse(e: GatewayError): Response {
  return new Response(JSON.stringify(e.body()), { status: e.status, headers: { 'content-type': 'application/json', ...e.headers } });
}
