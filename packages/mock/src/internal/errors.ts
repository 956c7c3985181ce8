// Builds the API's Error envelope. `type` values are taken from the spec's Error schema enum when it has one.
// Web Crypto (global in Node ≥ 19 and browsers): no Node built-in, so the MSW adapter can bundle this.
const randomBytes = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

export interface ApiError {
  status: number;
  type: string;
  code: string;
  message: string;
  param?: string;
  retry_after?: number;
  headers?: Record<string, string>;
}

export type ErrorKind = 'authentication' | 'invalid_request' | 'validation' | 'permission' | 'not_found' | 'rate_limit' | 'conflict' | 'api';

// Preferred type names per kind, newest vocabulary first (contract §5.3 / §16).
const TYPE_PREFERENCES: Record<ErrorKind, string[]> = {
  authentication: ['authentication_error'],
  invalid_request: ['invalid_request_error', 'validation_error'],
  validation: ['validation_error', 'invalid_request_error'],
  permission: ['permission_error', 'authorization_error'],
  not_found: ['not_found_error', 'invalid_request_error'],
  rate_limit: ['rate_limit_error'],
  conflict: ['conflict_error', 'idempotency_error', 'invalid_request_error'],
  api: ['api_error', 'server_error', 'internal_error'],
};

export class ErrorVocabulary {
  constructor(private readonly types: string[]) {}

  type(kind: ErrorKind): string {
    const prefs = TYPE_PREFERENCES[kind];
    if (!this.types.length) return prefs[0]!;
    return prefs.find((t) => this.types.includes(t)) ?? this.types.find((t) => t.includes(kind.split('_')[0]!)) ?? prefs[0]!;
  }
}

const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// One random draw per 256 ids instead of one per id (ids are minted on every request).
let pool = randomBytes(4096);
let poolPos = 0;

/** ULID-like id (time prefix + randomness) so mock ids look like the documented ones. */
export function ulidLike(): string {
  let t = Date.now();
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ULID_ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (poolPos + 16 > pool.length) {
    pool = randomBytes(4096);
    poolPos = 0;
  }
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ULID_ALPHABET[pool[poolPos++]! % 32];
  return time + rand;
}

export function requestId(): string {
  return `req_${ulidLike()}`;
}

export function envelope(err: ApiError, reqId: string): { error: Record<string, unknown> } {
  const e: Record<string, unknown> = { type: err.type, code: err.code, message: err.message };
  if (err.param !== undefined) e.param = err.param;
  e.request_id = reqId;
  if (err.retry_after !== undefined) e.retry_after = err.retry_after;
  return { error: e };
}
