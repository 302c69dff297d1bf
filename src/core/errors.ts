/**
 * Domain errors. The server maps them to the one JSON error shape
 * `{ error: { code, message, field?, allowed? } }`; the CLI maps them to exit code 2.
 */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'store_busy'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  store_busy: 503,
  internal: 500,
};

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `impact.financial` or `taxonomyIds[2]`. */
  field?: string;
  /** What would have been accepted, in words a user can act on. */
  allowed?: string;
  /** Further issues when several fields are wrong at once. */
  issues?: { field: string; message: string; allowed?: string }[];
}

export class ZonghengError extends Error {
  readonly code: ErrorCode;
  readonly detail: ErrorDetail;
  constructor(code: ErrorCode, message: string, detail: ErrorDetail = {}) {
    super(message);
    this.name = 'ZonghengError';
    this.code = code;
    this.detail = detail;
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const badRequest = (message: string, detail?: ErrorDetail) => new ZonghengError('bad_request', message, detail);
export const validationFailed = (message: string, detail?: ErrorDetail) =>
  new ZonghengError('validation_failed', message, detail);
export const notFound = (what: string, id: string) => new ZonghengError('not_found', `${what} ${id} does not exist`);
export const conflict = (message: string, detail?: ErrorDetail) => new ZonghengError('conflict', message, detail);
export const forbidden = (message: string) => new ZonghengError('forbidden', message);
export const unauthorized = (message: string) => new ZonghengError('unauthorized', message);
