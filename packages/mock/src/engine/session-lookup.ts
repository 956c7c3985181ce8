// Finding a session and its running time: what sessions, recordings, analyses and transcripts all need.
// Kept apart from sessions.ts so those files import it without importing each other.
import type { Ctx } from './context.js';
import { notFound } from './errors.js';
import type { SessionRecord } from './types.js';

export function getSession(ctx: Ctx, id: string): SessionRecord {
  const s = ctx.tenant.sessions.get(id);
  if (!s) throw notFound('session_not_found', 'session', id, 'session_id');
  return s;
}

/**
 * The one duration: seconds from `fromMs` to `toMs`, to the millisecond. REST, the end summary, the webhook and the
 * stream's `session.ended` all compute it here, from the same two instants (started, or created, and ended).
 */
export function elapsedSeconds(fromMs: number, toMs: number): number {
  return Math.max(0, Math.round(toMs - fromMs)) / 1000;
}

export function durationSeconds(s: SessionRecord, now: number): number {
  return elapsedSeconds(s.startedAt ?? s.createdAt, s.endedAt ?? now);
}
