// The stream's side of the engine, with no socket: who may connect, and what a connection feeds into state
// (first connect → active, audio → the recording, each transcript.final → a turn, session.end → ended).
import { base64ToBytes } from './audio.js';
import type { Ctx } from './context.js';
import { endSession, markActive } from './sessions.js';
import { addTurn } from './transcripts.js';
import type { SessionRecord, Turn } from './types.js';

export type ConnectRefusal = 'token_invalid' | 'token_expired' | 'session_ended' | 'session_not_found';

export interface ConnectResult {
  refused?: ConnectRefusal;
  /** Tenant that owns the session (undefined for tokens the engine did not issue). */
  tenant?: string;
  session?: SessionRecord;
}

export function recordAudio(ctx: Ctx, s: SessionRecord, payload: string | Uint8Array): void {
  // Audio is kept only for sessions that record it.
  if (s.status === 'ended' || !s.recording) return;
  const room = ctx.settings.maxAudioBytes - s.audioBytes;
  if (room <= 0) return;
  let bytes = typeof payload === 'string' ? base64ToBytes(payload) : payload;
  if (bytes.length > room) bytes = bytes.subarray(0, room);
  s.audio.push(bytes);
  s.audioBytes += bytes.length;
}

export function onConnect(ctx: Ctx, s: SessionRecord): void {
  markActive(ctx, s);
}

export function onFinal(ctx: Ctx, s: SessionRecord, turn: Omit<Turn, 'timestamp'> & { timestamp?: string }): void {
  addTurn(ctx, s, turn);
}

export function onStreamEnd(ctx: Ctx, s: SessionRecord, reason: string): void {
  endSession(ctx, s.id, reason);
}
