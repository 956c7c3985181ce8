// Stream tokens: one live token per session, reissued only near expiry, expired ones swept. Bounded (cap + TTL).
import { BoundedMap } from './bounded.js';
import { ulid } from './ids.js';
import type { SessionRecord } from './types.js';

export interface TokenEntry {
  token: string;
  tenant: string;
  sessionId: string;
  expiresAt: number;
}

export class TokenStore {
  readonly map: BoundedMap<string, TokenEntry>;
  constructor(
    cap: number,
    readonly ttlMs: number,
  ) {
    this.map = new BoundedMap(cap);
  }

  /** The session's token, reissued when less than a fifth of its life is left. */
  current(tenant: string, s: SessionRecord, now: number): { token: string; expiresAt: number } {
    if (s.token && s.token.expiresAt - now > this.ttlMs / 5 && this.map.has(s.token.token)) return s.token;
    return this.issue(tenant, s.id, now, this.ttlMs, s);
  }

  issue(tenant: string, sessionId: string, now: number, ttlMs: number, s?: SessionRecord): TokenEntry {
    this.sweep(now);
    const e: TokenEntry = { token: `kst_test_${ulid(now)}`, tenant, sessionId, expiresAt: now + ttlMs };
    this.map.set(e.token, e);
    if (s) s.token = { token: e.token, expiresAt: e.expiresAt };
    return e;
  }

  get(token: string): TokenEntry | undefined {
    return this.map.get(token);
  }

  /** Oldest first: same TTL for all, so insertion order is expiry order (negative-TTL test tokens aside). */
  sweep(now: number): void {
    let n = 0;
    for (const [k, v] of this.map) {
      if (v.expiresAt > now || n++ > 1000) break;
      this.map.delete(k);
    }
  }

  /**
   * A session ended: it gets no new token. Its last one stays known until it expires (swept like any other), so a
   * reconnect with it learns 4009 session_ended rather than 4001: unknown tokens are refused (stream/admission.ts checkToken).
   */
  dropSession(_sessionId: string, s?: SessionRecord): void {
    if (s) s.token = undefined;
  }
}
