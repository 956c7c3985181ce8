import type { components } from './generated/openapi.js';

/** A code from the spec's `ErrorCode` list, or a newer one (the list is open: new codes are additive). */
export type KallglotErrorCode = components['schemas']['ErrorCode'] | (string & {});
/** A type from the spec's `ErrorType` list, or a newer one. */
export type KallglotErrorType = components['schemas']['ErrorType'] | (string & {});

/** Base class of every error thrown by @kallglot/client. */
export class KallglotError extends Error {
  override name = 'KallglotError';
}

/** Bad client options (for example a missing or malformed API key). Thrown at construction. */
export class KallglotConfigError extends KallglotError {
  override name = 'KallglotConfigError';
}

/** The API's error envelope: `{ "error": { type, code, message, param?, request_id?, retry_after? } }`. */
export interface KallglotErrorBody {
  error: {
    type: KallglotErrorType;
    code: KallglotErrorCode;
    message: string;
    param?: string | null;
    request_id?: string | null;
    retry_after?: number | null;
  };
}

export interface KallglotApiErrorInit {
  status: number;
  body: unknown;
  headers?: Headers;
  /** `METHOD /schema/path`, used in the message. */
  where?: string;
  /** Replaces the message built from the error envelope. */
  message?: string;
}

/**
 * A non-2xx answer from the API, with the fields of the error envelope lifted onto the error. Subclasses cover
 * answers that cannot be used at all: `KallglotResponseTooLargeError`, `KallglotInvalidResponseError`.
 */
// `declare` fields: assigned in the constructor, no extra class-field code in the bundle.
export class KallglotApiError extends KallglotError {
  override name = 'KallglotApiError';
  declare readonly status: number;
  /** `error.type`: compare with the spec's values (`'rate_limit_error'`, …); unknown newer values pass through. */
  declare readonly type: KallglotErrorType | undefined;
  /** `error.code`: compare with the spec's values (`'insufficient_api_credits'`, …); unknown newer values pass through. */
  declare readonly code: KallglotErrorCode | undefined;
  declare readonly param: string | undefined;
  /** From the body's `request_id`, else the `X-Request-ID` header. */
  declare readonly requestId: string | undefined;
  /** Seconds, from the body's `retry_after` or the `Retry-After` header. */
  declare readonly retryAfter: number | undefined;
  /** The raw (parsed when JSON) response body. */
  declare readonly body: unknown;
  declare readonly headers: Headers | undefined;

  constructor({ status, body, headers, where, message }: KallglotApiErrorInit, options?: { cause?: unknown }) {
    const e: Partial<KallglotErrorBody['error']> = errorEnvelope(body) ?? {};
    super(message ?? `${status}${e.code ? ` ${e.code}` : ''}: ${e.message ?? 'request failed'}${where ? ` (${where})` : ''}`, options);
    Object.assign(this, {
      status,
      type: e.type,
      code: e.code,
      param: e.param ?? undefined,
      requestId: e.request_id ?? headers?.get('x-request-id') ?? undefined,
      retryAfter: typeof e.retry_after === 'number' ? e.retry_after : parseRetryAfterSeconds(headers?.get('retry-after')),
      body,
      headers,
    });
  }
}

/** A JSON body (success or error) longer than `maxResponseBytes`; reading stopped there and the body was cancelled. */
export class KallglotResponseTooLargeError extends KallglotApiError {
  override name = 'KallglotResponseTooLargeError';
  /** The `maxResponseBytes` that applied. */
  declare readonly limit: number;
  constructor(init: { status: number; headers?: Headers; where: string; limit: number }) {
    super({ ...init, body: undefined, message: `${init.status}: response body over maxResponseBytes (${init.limit} bytes); reading stopped (${init.where})` });
    this.limit = init.limit;
  }
}

/** A 2xx answer whose body is not the JSON the operation returns (an HTML error page from a proxy, a cut-off body). */
export class KallglotInvalidResponseError extends KallglotApiError {
  override name = 'KallglotInvalidResponseError';
  declare readonly contentType: string | undefined;
  constructor(init: { status: number; headers?: Headers; where: string; cause: unknown }) {
    const contentType = init.headers?.get('content-type') ?? undefined;
    super({ ...init, body: undefined, message: `${init.status}: response body is not JSON${contentType ? ` (content-type ${contentType})` : ''} (${init.where})` }, { cause: init.cause });
    this.contentType = contentType;
  }
}

/** The request (one attempt, or the body read) took longer than `timeoutMs`. */
export class KallglotTimeoutError extends KallglotError {
  override name = 'KallglotTimeoutError';
  declare readonly timeoutMs: number;
  /** `where` is `METHOD /schema/path`: no ids, no query string, never credentials. */
  constructor(timeoutMs: number, where: string) {
    super(`request timed out after ${timeoutMs} ms (${where})`);
    this.timeoutMs = timeoutMs;
  }
}

/** The request could not be sent or its answer was lost (DNS, refused, reset, dropped connection). */
export class KallglotConnectionError extends KallglotError {
  override name = 'KallglotConnectionError';
  /** The low-level error code when the runtime exposes one (Node: `ECONNREFUSED`, `ECONNRESET`, ...). */
  declare readonly errno: string | undefined;
  /** The server the client tried (the client's `baseUrl`). */
  declare readonly host: string;
  constructor(cause: unknown, where: string, host: string) {
    const errno = networkErrorCode(cause);
    super(`connection error${errno ? ` ${errno}` : ''} to ${host} (${where})`, { cause });
    this.errno = errno;
    this.host = host;
  }
}

/** `body.error` when it is an object, else undefined. */
export function errorEnvelope(body: unknown): Partial<KallglotErrorBody['error']> | undefined {
  const e = (body as { error?: unknown } | null)?.error;
  return e && typeof e === 'object' ? e : undefined;
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date. */
export function parseRetryAfterSeconds(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return +v;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** Node's fetch (undici) wraps the socket error in `cause`; browsers expose nothing. */
export function networkErrorCode(err: unknown): string | undefined {
  // biome-ignore lint: walks unknown error shapes
  for (let e: any = err, depth = 0; e && depth < 4; depth++, e = e.cause) {
    if (/^E[A-Z_]+$/.test(e.code)) return e.code;
    if (e.errors?.length) {
      const codes = new Set<string | undefined>(e.errors.map(networkErrorCode));
      return codes.size === 1 ? [...codes][0] : undefined;
    }
  }
  return undefined;
}
