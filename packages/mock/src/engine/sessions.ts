// Sessions: create stores what was sent; created → active (first stream connect) → ended; a call leg per dial.
import { iso, type Ctx } from './context.js';
import { ApiFailure, conflict } from './errors.js';
import { newId } from './ids.js';
import { startRecording } from './recordings.js';
import { durationSeconds, getSession } from './session-lookup.js';
import { renderTranscript } from './transcripts.js';
import type { CallRecord, JsonObject, SessionRecord } from './types.js';

/** Routing → the carrier the session reports (`provider`) and its number. */
function resolveRouting(routing: JsonObject | undefined): { provider: string | null; phoneNumber: string | null } {
  if (!routing) return { provider: null, phoneNumber: null };
  if (routing.type === 'sip') return { provider: 'sip', phoneNumber: null };
  if (typeof routing.phone_number === 'string') return { provider: 'twilio', phoneNumber: routing.phone_number };
  if (typeof routing.connection_id === 'string') return { provider: 'telnyx', phoneNumber: null };
  return { provider: null, phoneNumber: null };
}

export function renderCall(s: SessionRecord, c: CallRecord): JsonObject {
  return {
    id: c.id,
    object: 'call',
    session_id: s.id,
    status: c.status,
    direction: c.direction,
    provider: c.provider,
    to: c.to,
    from: c.from,
    connected_at: c.connectedAt !== undefined ? iso(c.connectedAt) : null,
    ended_at: c.endedAt !== undefined ? iso(c.endedAt) : null,
  };
}

/** The Session object. A stream (with the session's one live token) only while it can still be streamed. */
export function renderSession(ctx: Ctx, s: SessionRecord, withStream = true): JsonObject {
  const now = ctx.clock.now();
  const out: JsonObject = {
    id: s.id,
    object: 'session',
    status: s.status,
    mode: s.mode,
    provider: s.provider,
    phone_number: s.phoneNumber,
    source_language: s.sourceLanguage,
    target_language: s.targetLanguage,
  };
  if (withStream && s.status !== 'ended') {
    const t = ctx.tokens.current(ctx.tenant.key, s, now);
    out.stream = { url: `${ctx.settings.streamBaseUrl}/v1/sessions/${s.id}/connect`, token: t.token, expires_at: iso(t.expiresAt) };
  }
  out.recording = { enabled: s.recording };
  out.call = s.call ? renderCall(s, s.call) : null;
  if (s.aiAgent) out.ai_agent = s.aiAgent;
  out.metadata = s.metadata;
  out.duration_seconds = s.status === 'ended' ? durationSeconds(s, now) : null;
  out.created_at = iso(s.createdAt);
  out.started_at = s.startedAt !== undefined ? iso(s.startedAt) : null;
  out.ended_at = s.endedAt !== undefined ? iso(s.endedAt) : null;
  return out;
}

export interface SessionInit {
  id?: string;
  mode?: string;
  source_language?: string | null;
  target_language?: string | null;
  routing?: JsonObject;
  recording?: JsonObject;
  metadata?: JsonObject | null;
  ai_agent?: JsonObject;
}

/** Store a session (no credit or agent checks: used by create, seeding and the stand-alone stream mock). */
export function insertSession(ctx: Ctx, body: SessionInit, scenario?: string): SessionRecord {
  const now = ctx.clock.now();
  const routing = resolveRouting(body.routing);
  const meta = body.metadata ?? null;
  const s: SessionRecord = {
    id: body.id ?? newId('sess', now),
    mode: body.mode ?? 'bidirectional_translation',
    provider: routing.provider,
    phoneNumber: routing.phoneNumber,
    sourceLanguage: body.source_language ?? null,
    targetLanguage: body.target_language ?? null,
    recording: body.recording?.enabled === true,
    metadata: meta,
    aiAgent: body.ai_agent,
    status: 'created',
    createdAt: now,
    call: null,
    turns: [],
    audio: [],
    audioBytes: 0,
    scenario: scenario ?? (typeof meta?.kallglot_mock_scenario === 'string' ? meta.kallglot_mock_scenario : undefined),
  };
  ctx.tenant.sessions.set(s.id, s);
  ctx.emit('session.created', renderSession(ctx, s, false), s.id);
  return s;
}

export function createSession(ctx: Ctx, body: SessionInit): JsonObject {
  ctx.tenant.requireCredit();
  const agentId = body.ai_agent?.agent_id;
  if (typeof agentId === 'string' && !ctx.tenant.agents.has(agentId)) {
    throw new ApiFailure(404, 'not_found_error', 'ai_agent_not_found', `No agent with id '${agentId}'.`, 'ai_agent.agent_id');
  }
  const s = insertSession(ctx, body);
  ctx.tenant.spendCredit();
  return renderSession(ctx, s);
}

export function markActive(ctx: Ctx, s: SessionRecord): void {
  if (s.status !== 'created') return;
  s.status = 'active';
  s.startedAt = ctx.clock.now();
  ctx.emit('session.started', renderSession(ctx, s, false), s.id);
}

export function endSummary(ctx: Ctx, s: SessionRecord): JsonObject {
  return { id: s.id, object: 'session', status: 'ended', duration_seconds: durationSeconds(s, ctx.clock.now()), ended_at: iso(s.endedAt!) };
}

/** End a session (naturally idempotent): hang up its call, finalise the transcript, start its recording. */
export function endSession(ctx: Ctx, id: string, reason = 'api_end'): JsonObject {
  const s = getSession(ctx, id);
  if (s.status !== 'ended') {
    const now = ctx.clock.now();
    if (s.call && (s.call.status === 'dialing' || s.call.status === 'ringing' || s.call.status === 'connected')) endCall(ctx, s, s.call);
    s.status = 'ended';
    s.endedAt = now;
    s.endReason = reason;
    ctx.tokens.dropSession(s.id, s);
    s.token = undefined;
    ctx.emit('session.ended', renderSession(ctx, s, false), s.id);
    ctx.emit('transcript.ready', renderTranscript(ctx, s), s.id);
    if (s.recording) startRecording(ctx, s);
    else s.audio = [];
  }
  return endSummary(ctx, s);
}

function endCall(ctx: Ctx, s: SessionRecord, c: CallRecord) {
  const wasConnected = c.status === 'connected';
  c.status = 'ended';
  c.endedAt = ctx.clock.now();
  ctx.clock.cancel((t) => t.kind === 'call.progress' && t.args.callId === c.id);
  if (wasConnected) ctx.emit('session.provider.disconnected', renderCall(s, c), s.id);
}

export function dialSession(ctx: Ctx, id: string, body: JsonObject): JsonObject {
  const s = getSession(ctx, id);
  if (s.status === 'ended') throw conflict('session_ended', 'The session has ended.');
  const c = s.call;
  if (c && (c.status === 'dialing' || c.status === 'ringing' || c.status === 'connected')) throw conflict('call_already_active', 'The session already has an active call. Hang up first.');
  const now = ctx.clock.now();
  const to = String(body.to);
  const call: CallRecord = {
    id: newId('call', now),
    status: 'dialing',
    direction: 'outbound',
    provider: s.provider ?? (to.startsWith('sip') ? 'sip' : 'twilio'),
    to,
    from: typeof body.from === 'string' ? body.from : s.phoneNumber,
  };
  s.call = call;
  ctx.clock.schedule(now + ctx.settings.callRingMs, 'call.progress', { tenant: ctx.tenant.key, sessionId: s.id, callId: call.id, to: 'ringing' });
  ctx.clock.schedule(now + ctx.settings.callRingMs + ctx.settings.callConnectMs, 'call.progress', { tenant: ctx.tenant.key, sessionId: s.id, callId: call.id, to: 'connected' });
  return renderCall(s, call);
}

/** Clock task: the call leg moves on (dialing → ringing → connected). */
export function progressCall(ctx: Ctx, sessionId: string, callId: string, to: 'ringing' | 'connected'): void {
  const s = ctx.tenant.sessions.get(sessionId);
  const c = s?.call;
  if (!s || !c || c.id !== callId || c.status === 'ended' || c.status === 'failed') return;
  c.status = to;
  if (to === 'connected') {
    c.connectedAt = ctx.clock.now();
    ctx.emit('session.provider.connected', renderCall(s, c), s.id);
  }
}

export function hangupSession(ctx: Ctx, id: string): JsonObject {
  const s = getSession(ctx, id);
  if (s.status === 'ended') throw conflict('session_ended', 'The session has ended.');
  const c = s.call;
  if (!c || c.status === 'ended' || c.status === 'failed') throw conflict('no_active_call', 'The session has no active call.');
  endCall(ctx, s, c);
  return renderCall(s, c);
}

export function retrieveSessionBody(ctx: Ctx, id: string): JsonObject {
  return renderSession(ctx, getSession(ctx, id));
}
