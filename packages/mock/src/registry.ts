// What the stream mock (ws adapter) sees of the engine: tokens, sessions by id, and the hooks that feed the
// stream into state (connect → active, audio → recording, finals → transcript, session.end → ended).
import { Engine, type EngineEvent } from './engine/index.js';
import type { SessionRecord } from './engine/types.js';

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
  /** API key that owns the session. */
  tenant: string;
}

export interface IssuedToken {
  token: string;
  sessionId: string;
  expiresAt: Date;
}

/** Token shape from the contract (`kst_` + [A-Za-z0-9_]). */
export const TOKEN_PATTERN = /^kst_[A-Za-z0-9_]+$/;

/** Tenant of sessions made by the stand-alone stream mock (`issueToken`). */
export const STREAM_MOCK_TENANT = 'sk_test_stream_mock';

export type RegistryEvent =
  | { type: 'session.created'; session: MockSession }
  | { type: 'session.started'; session: MockSession }
  | { type: 'session.ended'; session: MockSession; reason: string };

function view(tenant: string, s: SessionRecord): MockSession {
  return {
    id: s.id,
    mode: s.mode,
    sourceLanguage: s.sourceLanguage,
    targetLanguage: s.targetLanguage,
    metadata: s.metadata,
    status: s.status,
    createdAt: new Date(s.createdAt),
    startedAt: s.startedAt !== undefined ? new Date(s.startedAt) : undefined,
    endedAt: s.endedAt !== undefined ? new Date(s.endedAt) : undefined,
    scenario: s.scenario,
    tenant,
  };
}

type RegistryListener = (ev: RegistryEvent) => void;

export class SessionRegistry {
  /** Listeners of 'event', each an engine listener (the engine's event log is the one emitter). */
  private readonly listeners = new Map<RegistryListener, () => void>();
  readonly sessions: { get(id: string): MockSession | undefined };
  readonly tokens: { get(token: string): IssuedToken | undefined; readonly size: number };

  constructor(readonly engine: Engine = new Engine()) {
    this.sessions = {
      get: (id) => {
        const f = engine.findSession(id);
        return f ? view(f.tenant, f.session) : undefined;
      },
    };
    this.tokens = {
      get: (token) => {
        const e = engine.tokens.get(token);
        return e ? { token: e.token, sessionId: e.sessionId, expiresAt: new Date(e.expiresAt) } : undefined;
      },
      get size() {
        return engine.tokens.map.size;
      },
    };
  }

  /** Follow session.created / session.started / session.ended as registry views. */
  on(event: 'event', fn: RegistryListener): this {
    if (event !== 'event' || this.listeners.has(fn)) return this;
    this.listeners.set(fn, this.engine.onEvent((ev) => this.relay(ev, fn)));
    return this;
  }

  off(event: 'event', fn: RegistryListener): this {
    if (event !== 'event') return this;
    this.listeners.get(fn)?.();
    this.listeners.delete(fn);
    return this;
  }

  private relay(ev: EngineEvent, fn: RegistryListener): void {
    if (ev.type !== 'session.created' && ev.type !== 'session.started' && ev.type !== 'session.ended') return;
    const f = ev.sessionId ? this.engine.findSession(ev.sessionId) : undefined;
    if (!f) return;
    const session = view(f.tenant, f.session);
    if (ev.type === 'session.ended') fn({ type: ev.type, session, reason: f.session.endReason ?? 'api_end' });
    else fn({ type: ev.type, session });
  }

  createSession(init: Partial<MockSession> = {}): MockSession {
    const { session } = this.engine.insertSession(init.tenant ?? STREAM_MOCK_TENANT, {
      id: init.id,
      mode: init.mode,
      source_language: init.sourceLanguage ?? null,
      target_language: init.targetLanguage ?? null,
      metadata: (init.metadata ?? null) as never,
    }, { scenario: init.scenario });
    return view(init.tenant ?? STREAM_MOCK_TENANT, session);
  }

  /** Issue a fresh `kst_test_…` token for a session. A negative TTL gives an already-expired token (for tests). */
  issueToken(sessionId: string, ttlSeconds?: number): IssuedToken {
    const f = this.engine.findSession(sessionId);
    const tenant = f?.tenant ?? STREAM_MOCK_TENANT;
    const ttl = ttlSeconds !== undefined ? ttlSeconds * 1000 : this.engine.tokens.ttlMs;
    const e = this.engine.tokens.issue(tenant, sessionId, this.engine.clock.now(), ttl, ttl > 0 ? f?.session : undefined);
    return { token: e.token, sessionId, expiresAt: new Date(e.expiresAt) };
  }

  private owner(id: string): string | undefined {
    return this.engine.findSession(id)?.tenant;
  }

  markActive(id: string): void {
    const t = this.owner(id);
    if (t) this.engine.streamOpened(t, id);
  }

  /** Audio the client streamed (base64 μ-law), kept for the session's recording. */
  audio(id: string, payloadBase64: string): void {
    const t = this.owner(id);
    if (t) this.engine.streamAudio(t, id, payloadBase64);
  }

  /** A transcript.final frame the stream sent: it becomes a transcript turn. */
  final(id: string, frame: { sequence: number; speaker: string; language: string; text: string; translation?: { language: string; text: string }; timestamp?: string }): void {
    const t = this.owner(id);
    if (t) this.engine.streamFinal(t, id, frame);
  }

  endSession(id: string, reason: string): MockSession | undefined {
    const f = this.engine.findSession(id);
    if (!f) return undefined;
    this.engine.streamEnded(f.tenant, id, reason);
    return view(f.tenant, f.session);
  }
}
