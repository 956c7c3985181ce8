// Idempotency as documented: per tenant and operation (and path), same canonical JSON → replay; another body →
// 400 idempotency_mismatch; still in flight → 409 idempotency_conflict + Retry-After. Successful answers are kept
// for the TTL (24 h by default) on the virtual clock.
import { ApiFailure, conflict } from './errors.js';
import { BoundedMap } from './bounded.js';
import type { EngineResponse } from './types.js';

/** JSON with object keys sorted, so key order and whitespace never make two requests differ. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return '';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** 53-bit string hash (cyrb53): records keep a hash, not the body. */
export function hash53(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}:${s.length}`;
}

/** An in-flight claim older than this is stale. */
export const STALE_CLAIM_MS = 60_000;

interface Stored {
  hash: string;
  status: number;
  body: unknown;
  expiresAt: number;
}

export class IdempotencyStore {
  readonly done: BoundedMap<string, Stored>;
  /** Slot → when it was claimed, on the virtual clock and in real time. */
  readonly inFlight: BoundedMap<string, { at: number; real: number }>;
  constructor(
    readonly ttlMs: number,
    cap: number,
  ) {
    this.done = new BoundedMap(cap);
    this.inFlight = new BoundedMap(cap);
  }

  /** Mark a request in flight (called by adapters before the body is read). False: one is already running. */
  claim(slot: string, now: number, real: number): boolean {
    const since = this.inFlight.get(slot);
    // A claim older than a minute (virtual or real, whichever passes first) belongs to a request that never
    // finished: let it go. Real time counts too, so a frozen clock cannot hold the key forever.
    if (since !== undefined && now - since.at < STALE_CLAIM_MS && real - since.real < STALE_CLAIM_MS) return false;
    this.inFlight.set(slot, { at: now, real });
    return true;
  }

  release(slot: string): void {
    this.inFlight.delete(slot);
  }

  /** A stored answer to replay, or undefined to run the request. Throws on mismatch. */
  lookup(slot: string, body: unknown, now: number): { hash: string; replay?: EngineResponse } {
    const hash = hash53(canonicalJson(body));
    const prev = this.done.get(slot);
    if (prev && prev.expiresAt <= now) this.done.delete(slot);
    else if (prev) {
      if (prev.hash !== hash) {
        throw new ApiFailure(400, 'invalid_request_error', 'idempotency_mismatch', 'This Idempotency-Key was already used with a different request body.', 'Idempotency-Key');
      }
      return { hash, replay: { status: prev.status, body: structuredClone(prev.body), headers: { 'Idempotent-Replayed': 'true' } } };
    }
    return { hash };
  }

  store(slot: string, hash: string, res: EngineResponse, now: number): void {
    if (res.status < 300) this.done.set(slot, { hash, status: res.status, body: structuredClone(res.body), expiresAt: now + this.ttlMs });
  }

  conflictError(): ApiFailure {
    return conflict('idempotency_conflict', 'A request with this Idempotency-Key is still in progress. Retry after a moment.', 1);
  }

  /** Drop expired records (the map is in insertion = expiry order). */
  sweep(now: number): void {
    for (const [k, v] of this.done) {
      if (v.expiresAt > now) break;
      this.done.delete(k);
    }
  }
}
