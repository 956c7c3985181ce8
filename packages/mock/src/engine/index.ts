// The sandbox engine: pure state + a virtual clock, no sockets and no timers. Adapters (node:http, ws, MSW)
// call `handle` with a parsed, validated request and get a response plus the events it caused.
import { createAgent, deleteAgent, insertAgent, listAgents, retrieveAgent, updateAgent } from './agents.js';
import { createAnalysis, finishAnalysis, retrieveAnalysis } from './analyses.js';
import { Clock, type ClockOptions } from './clock.js';
import type { Ctx, EngineSettings } from './context.js';
import { ApiFailure } from './errors.js';
import { EventLog, type EngineEvent } from './events.js';
import { guardTenant, Journal } from './journal.js';
import { RealTimeWindows } from './rate-window.js';
import { encodeMp3 } from './mp3.js';
import { finishRecording, listSessionRecordings, recordingAudio, retrieveRecording } from './recordings.js';
import { getSession } from './session-lookup.js';
import { createSession, dialSession, endSession, hangupSession, insertSession, progressCall, retrieveSessionBody, type SessionInit } from './sessions.js';
import { onConnect, onFinal, onStreamEnd, recordAudio, type ConnectResult } from './stream.js';
import { DEFAULT_LIMITS, Tenant, tenantId, type Limits } from './tenants.js';
import { TokenStore } from './tokens.js';
import { renderTranscript, retrieveTranscript } from './transcripts.js';
import { dumpState, loadState, type StateFile } from './persist.js';
import type { EngineRequest, EngineResponse, JsonObject, SessionRecord, Turn } from './types.js';

export { ApiFailure } from './errors.js';
export { Clock } from './clock.js';
export { canonicalJson } from './idempotency.js';
export type { EngineEvent } from './events.js';
export type { EngineRequest, EngineResponse, JsonObject } from './types.js';
export type { StateFile } from './persist.js';

export interface EngineOptions extends Partial<Omit<EngineSettings, 'encodeMp3'>> {
  clock?: Clock | ClockOptions;
  /** Credits each API key starts with (1 per session create and per analysis). Default 1000. */
  credits?: number;
  /** Requests per key per window; 0 = headers only. Default 1000 per 60 s. */
  rateLimit?: number;
  rateWindowMs?: number;
  /** How long a stored idempotent answer is replayed. Default 24 h. */
  idempotencyTtlMs?: number;
  tokenTtlMs?: number;
  limits?: Partial<Limits>;
  encodeMp3?: (mulaw: Uint8Array) => Uint8Array;
}

/** Operations that write nothing (no journal needed: a failure leaves nothing to undo). */
const READ_OPS = new Set(['retrieveSession', 'retrieveSessionTranscript', 'listSessionRecordings', 'retrieveRecording', 'downloadRecordingAudio', 'retrieveAnalysis', 'listAgents', 'retrieveAgent']);

/** Operations that honour Idempotency-Key (the docs' list). */
export const IDEMPOTENT_OPS = new Set(['createSession', 'endSession', 'dialSession', 'createSessionAnalysis', 'createAgent']);

export class Engine {
  readonly clock: Clock;
  readonly events: EventLog;
  readonly tokens: TokenStore;
  readonly settings: EngineSettings;
  readonly limits: Limits;
  private tenants: Map<string, Tenant> = new Map();
  tenantsEvicted = 0;
  /** The open request's changes (see journal.ts). */
  private readonly journal = new Journal();
  private readonly rateWindows = new RealTimeWindows();

  constructor(readonly options: EngineOptions = {}) {
    this.clock = options.clock instanceof Clock ? options.clock : new Clock(options.clock);
    this.clock.journal = this.journal;
    this.limits = { ...DEFAULT_LIMITS, ...(options.limits ?? {}) };
    this.events = new EventLog(this.limits.events);
    this.tokens = new TokenStore(this.limits.tokens, options.tokenTtlMs ?? 300_000);
    this.tokens.map.journal = this.journal; // a token issued by a request that fails is withdrawn with it
    this.settings = {
      streamBaseUrl: (options.streamBaseUrl ?? 'ws://127.0.0.1:4011').replace(/\/$/, ''),
      recordingDelayMs: options.recordingDelayMs ?? 3000,
      analysisDelayMs: options.analysisDelayMs ?? 2000,
      callRingMs: options.callRingMs ?? 1000,
      callConnectMs: options.callConnectMs ?? 2000,
      maxAudioBytes: options.maxAudioBytes ?? 8000 * 60 * 30,
      recordingRetentionMs: options.recordingRetentionMs ?? 30 * 86_400_000,
      encodeMp3: options.encodeMp3 ?? encodeMp3,
    };
    this.clock.on('recording.finish', (a) => this.withTenant(a, (ctx) => finishRecording(ctx, String(a.recordingId))));
    this.clock.on('analysis.finish', (a) => this.withTenant(a, (ctx) => finishAnalysis(ctx, String(a.analysisId))));
    this.clock.on('call.progress', (a) => this.withTenant(a, (ctx) => progressCall(ctx, String(a.sessionId), String(a.callId), a.to as 'ringing' | 'connected')));
  }

  private withTenant(args: Record<string, unknown>, fn: (ctx: Ctx) => void) {
    const t = this.tenants.get(String(args.tenant));
    if (t) fn(this.ctx(t));
  }

  /** The tenant for an API key, created on first use; past the cap the least recently seen one is dropped. */
  tenant(key: string): Tenant {
    let t = this.tenants.get(key);
    if (t) {
      // Refresh recency (Map order = LRU order), unless it is already the most recent.
      if (key !== this.lastKey) {
        this.tenants.delete(key);
        this.tenants.set(key, t);
      }
    } else {
      t = this.newTenant(key);
      if (this.tenants.size >= this.limits.tenants) {
        this.tenants.delete(this.tenants.keys().next().value!);
        this.tenantsEvicted++;
      }
      this.tenants.set(key, t);
    }
    this.lastKey = key;
    t.lastSeen = this.clock.now();
    return t;
  }

  private lastKey: string | undefined;
  private ctxs = new WeakMap<Tenant, Ctx>();

  /** The context resource functions get (one per tenant, reused). */
  ctx(t: Tenant): Ctx {
    let c = this.ctxs.get(t);
    if (!c) this.ctxs.set(t, (c = this.makeCtx(t)));
    return c;
  }

  private makeCtx(t: Tenant): Ctx {
    return {
      tenant: t,
      clock: this.clock,
      tokens: this.tokens,
      settings: this.settings,
      emit: (type, data, sessionId) => {
        const now = this.clock.now();
        // Emitted (and delivered) only once the request's answer is built and its changes are kept.
        this.journal.defer(() => void this.events.emit(t.key, type, data, now, sessionId));
      },
    };
  }

  /** Count a request against the key's rate window (429 past it). Returns the rate-limit headers. */
  admit(key: string): Record<string, string> {
    return this.rateWindows.admit(this.tenant(key), this.clock, this.options.rateLimit ?? 1000, this.options.rateWindowMs ?? 60_000);
  }

  idempotencySlot(req: Pick<EngineRequest, 'operationId' | 'params' | 'idempotencyKey'>): string | undefined {
    if (!req.idempotencyKey || !IDEMPOTENT_OPS.has(req.operationId)) return undefined;
    return `${req.operationId}|${req.params.session_id ?? ''}|${req.idempotencyKey}`;
  }

  /** Adapters call this before reading the body: false means the same key is in flight (answer 409). */
  claimIdempotency(key: string, req: Pick<EngineRequest, 'operationId' | 'params' | 'idempotencyKey'>): { ok: boolean; release(): void } {
    const slot = this.idempotencySlot(req);
    if (!slot) return { ok: true, release() {} };
    const store = this.tenant(key).idempotency;
    if (!store.claim(slot, this.clock.now(), this.clock.realTime())) return { ok: false, release() {} };
    return { ok: true, release: () => store.release(slot) };
  }

  /** One API operation (failures: a thrown ApiFailure). A write is kept only once its answer is built (journal.ts). */
  handle(req: EngineRequest): EngineResponse {
    const t = this.tenant(req.tenant);
    if (READ_OPS.has(req.operationId)) return this.answer(t, req); // nothing to undo: the hot path skips the journal
    return this.journal.run(() => {
      guardTenant(this.journal, t, req.params);
      return this.answer(t, req);
    });
  }

  /** The response with its JSON text built (serialising is the last step that can fail). */
  private answer(t: Tenant, req: EngineRequest): EngineResponse {
    const res = this.handleIn(t, req);
    if (!res.bytes) res.text = JSON.stringify(res.body);
    return res;
  }

  private handleIn(t: Tenant, req: EngineRequest): EngineResponse {
    const ctx = this.ctx(t);
    const slot = this.idempotencySlot(req);
    let hash = '';
    if (slot) {
      const now = this.clock.now();
      t.idempotency.sweep(now);
      const found = t.idempotency.lookup(slot, req.body, now);
      if (found.replay) return withCredits(t, found.replay);
      hash = found.hash;
    }
    const res = this.dispatch(ctx, req);
    if (slot) t.idempotency.store(slot, hash, res, this.clock.now());
    return withCredits(t, res);
  }

  private dispatch(ctx: Ctx, req: EngineRequest): EngineResponse {
    const p = req.params;
    const body = (req.body ?? {}) as JsonObject;
    switch (req.operationId) {
      case 'createSession':
        return { status: 201, body: createSession(ctx, body as SessionInit) };
      case 'retrieveSession':
        return { status: 200, body: retrieveSessionBody(ctx, p.session_id!) };
      case 'endSession':
        return { status: 200, body: endSession(ctx, p.session_id!) };
      case 'dialSession':
        return { status: 200, body: dialSession(ctx, p.session_id!, body) };
      case 'hangupSession':
        return { status: 200, body: hangupSession(ctx, p.session_id!) };
      case 'retrieveSessionTranscript':
        return { status: 200, body: retrieveTranscript(ctx, p.session_id!) };
      case 'listSessionRecordings':
        return { status: 200, body: listSessionRecordings(ctx, p.session_id!) };
      case 'retrieveRecording':
        return { status: 200, body: retrieveRecording(ctx, p.recording_id!) };
      case 'downloadRecordingAudio': {
        const a = recordingAudio(ctx, p.recording_id!);
        return { status: 200, body: undefined, bytes: a.bytes, contentType: 'audio/mpeg', headers: { 'Content-Disposition': `attachment; filename="${a.filename}"` } };
      }
      case 'createSessionAnalysis':
        return { status: 202, body: createAnalysis(ctx, p.session_id!, req.body as JsonObject | undefined) };
      case 'retrieveAnalysis':
        return { status: 200, body: retrieveAnalysis(ctx, p.analysis_id!) };
      case 'listAgents':
        return { status: 200, body: listAgents(ctx, req.query ?? {}) };
      case 'createAgent':
        return { status: 201, body: createAgent(ctx, body) };
      case 'retrieveAgent':
        return { status: 200, body: retrieveAgent(ctx, p.agent_id!) };
      case 'updateAgent':
        return { status: 200, body: updateAgent(ctx, p.agent_id!, body) };
      case 'deleteAgent':
        return { status: 200, body: deleteAgent(ctx, p.agent_id!) };
      default:
        throw new ApiFailure(404, 'not_found_error', 'invalid_request', `The sandbox does not implement ${req.operationId}.`);
    }
  }

  // ---- the stream's side (called by the ws adapter, or directly by tests) ----

  /** Look a token up; decides whether a socket may connect to a session. */
  streamConnect(sessionId: string, token: string): ConnectResult {
    const entry = this.tokens.get(token);
    if (!entry) return {};
    if (entry.sessionId !== sessionId) return { refused: 'token_invalid' };
    if (entry.expiresAt <= this.clock.now()) return { refused: 'token_expired' };
    const t = this.tenants.get(entry.tenant);
    const s = t?.sessions.get(sessionId);
    // A token minted under another key for this id opens nothing: it is the token that is wrong.
    if (!t || !s) return { refused: this.findSession(sessionId) ? 'token_invalid' : 'session_not_found' };
    if (s.status === 'ended') return { refused: 'session_ended', tenant: t.key, session: s };
    return { tenant: t.key, session: s };
  }

  /** A session by id in any tenant (the stream knows sessions by id and token only). */
  findSession(sessionId: string): { tenant: string; session: SessionRecord } | undefined {
    for (const t of this.tenants.values()) {
      const s = t.sessions.get(sessionId);
      if (s) return { tenant: t.key, session: s };
    }
    return undefined;
  }

  private streamCtx(tenant: string, sessionId: string): { ctx: Ctx; s: SessionRecord } | undefined {
    const t = this.tenants.get(tenant);
    const s = t?.sessions.get(sessionId);
    return t && s ? { ctx: this.ctx(t), s } : undefined;
  }

  streamOpened(tenant: string, sessionId: string): void {
    const x = this.streamCtx(tenant, sessionId);
    if (x) onConnect(x.ctx, x.s);
  }

  streamAudio(tenant: string, sessionId: string, payload: string | Uint8Array): void {
    const x = this.streamCtx(tenant, sessionId);
    if (x) recordAudio(x.ctx, x.s, payload);
  }

  streamFinal(tenant: string, sessionId: string, turn: Omit<Turn, 'timestamp'> & { timestamp?: string }): void {
    const x = this.streamCtx(tenant, sessionId);
    if (x) onFinal(x.ctx, x.s, turn);
  }

  streamEnded(tenant: string, sessionId: string, reason: string): void {
    const x = this.streamCtx(tenant, sessionId);
    if (x) onStreamEnd(x.ctx, x.s, reason);
  }

  /** Store a session directly (seeding, the stand-alone stream mock) and issue its token. */
  insertSession(tenant: string, init: SessionInit, opts: { scenario?: string; tokenTtlMs?: number } = {}): { session: SessionRecord; token: string; expiresAt: number } {
    const t = this.tenant(tenant);
    const ctx = this.ctx(t);
    const s = t.sessions.get(init.id ?? '') ?? insertSession(ctx, init, opts.scenario);
    const e = this.tokens.issue(t.key, s.id, this.clock.now(), opts.tokenTtlMs ?? this.tokens.ttlMs, s);
    return { session: s, token: e.token, expiresAt: e.expiresAt };
  }

  // ---- control plane ----

  reset(): void {
    this.tenants.clear();
    this.lastKey = undefined;
    this.tokens.map.clear();
    this.events.clear();
    this.clock.clear();
  }

  /** Seed from a fixture: `{ tenants: { "<api key>": { credits?, agents?: [...], sessions?: [...] } } }`. */
  seed(fixture: SeedFixture): { agents: number; sessions: number } {
    let agents = 0;
    let sessions = 0;
    for (const [key, f] of Object.entries(fixture.tenants ?? {})) {
      const t = this.tenant(key);
      const ctx = this.ctx(t);
      if (typeof f.credits === 'number') t.creditsRemaining = f.credits;
      for (const a of f.agents ?? []) {
        insertAgent(ctx, a as JsonObject, typeof a.id === 'string' ? a.id : undefined);
        agents++;
      }
      for (const s of f.sessions ?? []) {
        insertSession(ctx, s as SessionInit);
        sessions++;
      }
    }
    return { agents, sessions };
  }

  snapshot(opts: { full?: boolean } = {}): JsonObject {
    const tenants: JsonObject = {};
    let totals = { sessions: 0, agents: 0, recordings: 0, analyses: 0, idempotency_records: 0, idempotency_in_flight: 0 };
    for (const t of this.tenants.values()) {
      const sizes = t.sizes();
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += sizes[k];
      const entry: JsonObject = { ...sizes, credits_remaining: t.creditsRemaining, credits_used: t.creditsUsed, rate_window: { start: new Date(t.window.start).toISOString(), count: t.window.count } };
      if (opts.full) {
        const ctx = this.ctx(t);
        entry.session_ids = [...t.sessions.keys()];
        entry.agents = [...t.agents.values()].map((a) => retrieveAgent(ctx, a.id));
      }
      tenants[tenantId(t.key)] = { key_hint: maskKey(t.key), ...entry };
    }
    return {
      clock: this.clock.snapshot() as unknown as JsonObject,
      sizes: { tenants: this.tenants.size, tokens: this.tokens.map.size, events: this.events.size, pending_tasks: this.clock.pending, ...totals },
      caps: { ...this.limits } as unknown as JsonObject,
      tenants,
    };
  }

  dump(): StateFile {
    return dumpState(this.tenants, this.tokens, this.events, this.clock);
  }

  load(state: StateFile): void {
    this.reset();
    loadState(state, this, this.tokens, this.events, this.clock);
  }

  /** Internal: used by persist.ts to rebuild tenants. */
  putTenant(t: Tenant): void {
    this.lastKey = undefined;
    this.journalled(t);
    this.tenants.set(t.key, t);
  }

  newTenant(key: string): Tenant {
    return this.journalled(new Tenant(key, this.options.credits ?? 1000, this.limits, this.options.idempotencyTtlMs ?? 86_400_000));
  }

  /** The tenant's stores record their writes in the engine's journal (undone when a request fails). */
  private journalled(t: Tenant): Tenant {
    for (const m of [t.sessions, t.agents, t.recordings, t.analyses, t.idempotency.done]) m.journal = this.journal;
    return t;
  }

  transcriptOf(tenant: string, sessionId: string): JsonObject | undefined {
    const x = this.streamCtx(tenant, sessionId);
    return x ? renderTranscript(x.ctx, x.s) : undefined;
  }

  sessionExists(tenant: string, sessionId: string): boolean {
    try {
      getSession(this.ctx(this.tenant(tenant)), sessionId);
      return true;
    } catch {
      return false;
    }
  }

  onEvent(fn: (e: EngineEvent) => void): () => void {
    return this.events.on(fn);
  }
}

export interface SeedFixture {
  tenants?: Record<string, { credits?: number; agents?: Record<string, unknown>[]; sessions?: Record<string, unknown>[] }>;
}

/** Keys are secrets: the snapshot shows their prefix and last four characters only. */
export function maskKey(key: string): string {
  return key.length <= 12 ? `${key.slice(0, 8)}…` : `${key.slice(0, 8)}…${key.slice(-4)}`;
}

function withCredits(t: Tenant, res: EngineResponse): EngineResponse {
  const h = res.headers ?? (res.headers = {});
  h['X-API-Credits-Remaining'] = String(t.creditsRemaining);
  h['X-API-Credits-Used'] = String(t.creditsUsed);
  return res;
}
