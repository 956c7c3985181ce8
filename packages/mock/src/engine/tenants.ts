// Per-API-key state: what one organisation sees. Two keys never share a session, agent or idempotency key.
import { BoundedMap } from './bounded.js';
import { ApiFailure } from './errors.js';
import { IdempotencyStore } from './idempotency.js';
import type { AgentRecord, AnalysisRecord, RecordingRecord, SessionRecord } from './types.js';

export interface Limits {
  sessions: number;
  agents: number;
  recordings: number;
  analyses: number;
  idempotency: number;
  tenants: number;
  tokens: number;
  events: number;
}

export const DEFAULT_LIMITS: Limits = {
  sessions: 10_000,
  agents: 10_000,
  recordings: 10_000,
  analyses: 10_000,
  idempotency: 10_000,
  tenants: 1_000,
  tokens: 100_000,
  events: 10_000,
};

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = 0xffffffffffffffffn;
const utf8 = new TextEncoder();

/**
 * A key's id in snapshots: a stable 64-bit FNV-1a hash, never the key. (A mask such as first 8 + last 4
 * characters merged `sk_test_alice_1234` and `sk_test_bob_1234`.) Synchronous and browser-safe, like the engine.
 */
export function tenantId(key: string): string {
  let h = FNV_OFFSET;
  for (const b of utf8.encode(key)) h = ((h ^ BigInt(b)) * FNV_PRIME) & U64;
  return `tenant_${h.toString(16).padStart(16, '0')}`;
}

export class Tenant {
  readonly sessions: BoundedMap<string, SessionRecord>;
  readonly agents: BoundedMap<string, AgentRecord>;
  readonly recordings: BoundedMap<string, RecordingRecord>;
  readonly analyses: BoundedMap<string, AnalysisRecord>;
  readonly idempotency: IdempotencyStore;
  creditsRemaining: number;
  creditsUsed = 0;
  window = { start: 0, count: 0 };
  lastSeen = 0;

  constructor(
    readonly key: string,
    credits: number,
    limits: Limits,
    idempotencyTtlMs: number,
  ) {
    this.sessions = new BoundedMap(limits.sessions);
    this.agents = new BoundedMap(limits.agents);
    this.recordings = new BoundedMap(limits.recordings);
    this.analyses = new BoundedMap(limits.analyses);
    this.idempotency = new IdempotencyStore(idempotencyTtlMs, limits.idempotency);
    this.creditsRemaining = credits;
  }

  /** Count a request in this key's rate window; headers always, 429 past the limit (limit 0 = not enforced). */
  rate(now: number, limit: number, windowMs: number): Record<string, string> {
    if (now >= this.window.start + windowMs || now < this.window.start) this.window = { start: now, count: 0 };
    this.window.count++;
    const shown = limit > 0 ? limit : 1000;
    const reset = Math.ceil((this.window.start + windowMs) / 1000);
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(shown),
      'X-RateLimit-Remaining': String(Math.max(0, shown - this.window.count)),
      'X-RateLimit-Reset': String(reset),
    };
    if (limit > 0 && this.window.count > limit) {
      const retry = Math.max(1, reset - Math.floor(now / 1000));
      throw new ApiFailure(429, 'rate_limit_error', 'rate_limit_exceeded', `Too many requests: ${limit} per ${windowMs / 1000} s. Retry after ${retry} s.`, undefined, retry, {
        ...headers,
        'Retry-After': String(retry),
      });
    }
    return headers;
  }

  creditHeaders(): Record<string, string> {
    return { 'X-API-Credits-Remaining': String(this.creditsRemaining), 'X-API-Credits-Used': String(this.creditsUsed) };
  }

  requireCredit(): void {
    if (this.creditsRemaining <= 0) throw new ApiFailure(402, 'permission_error', 'insufficient_api_credits', 'This API key has no credits left.');
  }

  spendCredit(): void {
    this.creditsRemaining = Math.max(0, this.creditsRemaining - 1);
    this.creditsUsed++;
  }

  sizes() {
    return {
      sessions: this.sessions.size,
      agents: this.agents.size,
      recordings: this.recordings.size,
      analyses: this.analyses.size,
      idempotency_records: this.idempotency.done.size,
      idempotency_in_flight: this.idempotency.inFlight.size,
    };
  }
}
