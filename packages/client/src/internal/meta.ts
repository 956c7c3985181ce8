// The `meta` of every result: request id, rate-limit and credit headers, attempts and the idempotency key.
import { errorEnvelope } from '../errors.js';
import type { ResponseMeta } from '../client.js';

// A class, so every call allocates one small object; header values are parsed on first read only.
export class Meta implements ResponseMeta {
  declare private h: Headers;
  declare private b: unknown;
  declare readonly attempts: number;
  declare readonly idempotencyKey: string | undefined;
  constructor(h: Headers, attempts: number, idempotencyKey?: string, body?: unknown) {
    this.h = h;
    this.attempts = attempts;
    this.idempotencyKey = idempotencyKey;
    this.b = body;
  }
  get requestId(): string | undefined {
    return errorEnvelope(this.b)?.request_id ?? this.h.get('x-request-id') ?? undefined;
  }
  get rateLimit() {
    return this.n('x-ratelimit-', ['limit', 'remaining', 'reset']) as ResponseMeta['rateLimit'];
  }
  get credits() {
    return this.n('x-api-credits-', ['remaining', 'used']) as ResponseMeta['credits'];
  }
  private n(prefix: string, keys: string[]) {
    return Object.fromEntries(
      keys.map((k) => {
        const v = +(this.h.get(prefix + k)?.trim() || NaN);
        return [k, Number.isFinite(v) ? v : undefined];
      }),
    );
  }
}

