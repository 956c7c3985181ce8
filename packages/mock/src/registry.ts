// Shared state between the REST front and the stream mock: sessions the mock created and stream tokens it issued.
import { EventEmitter } from 'node:events';
import { ulidLike } from './internal/errors.js';

export interface MockSession {
  id: string;
  mode?: string;
  sourceLanguage?: string | null;
  targetLanguage?: string | null;
  metadata?: Record<string, unknown> | null;
  status: 'created' | 'active' | 'ended';
  createdAt: Date;
  startedAt?: Date;
  endedAt?: Date;
  /** Scenario name chosen through `metadata.kallglot_mock_scenario`. */
  scenario?: string;
}

export interface IssuedToken {
  token: string;
  sessionId: string;
  expiresAt: Date;
}

/** Token shape from the contract (`kst_` + [A-Za-z0-9_]). */
export const TOKEN_PATTERN = /^kst_[A-Za-z0-9_]+$/;

export type RegistryEvent =
  | { type: 'session.created'; session: MockSession }
  | { type: 'session.started'; session: MockSession }
  | { type: 'session.ended'; session: MockSession; reason: string };

export class SessionRegistry extends EventEmitter {
  readonly sessions = new Map<string, MockSession>();
  readonly tokens = new Map<string, IssuedToken>();

  constructor(readonly tokenTtlSeconds = 300) {
    super();
  }

  createSession(init: Partial<MockSession> = {}): MockSession {
    const s: MockSession = { id: init.id ?? `sess_${ulidLike()}`, status: 'created', createdAt: new Date(), ...init };
    this.sessions.set(s.id, s);
    this.emit('event', { type: 'session.created', session: s } satisfies RegistryEvent);
    return s;
  }

  /** Issue a fresh `kst_test_…` token for a session. A negative TTL gives an already-expired token (for tests). */
  issueToken(sessionId: string, ttlSeconds = this.tokenTtlSeconds): IssuedToken {
    const t: IssuedToken = {
      token: `kst_test_${ulidLike()}`,
      sessionId,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    };
    this.tokens.set(t.token, t);
    return t;
  }

  markActive(id: string): void {
    const s = this.sessions.get(id);
    if (s && s.status === 'created') {
      s.status = 'active';
      s.startedAt = new Date();
      this.emit('event', { type: 'session.started', session: s } satisfies RegistryEvent);
    }
  }

  endSession(id: string, reason: string): MockSession | undefined {
    let s = this.sessions.get(id);
    if (!s) {
      // Sessions the mock did not create (e.g. example ids) are tracked from here on so they end consistently.
      s = { id, status: 'created', createdAt: new Date() };
      this.sessions.set(id, s);
    }
    if (s.status === 'ended') return s;
    s.status = 'ended';
    s.endedAt = new Date();
    this.emit('event', { type: 'session.ended', session: s, reason } satisfies RegistryEvent);
    return s;
  }
}
