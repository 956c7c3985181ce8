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

export function durationSeconds(s: SessionRecord, now: number): number {
  const from = s.startedAt ?? s.createdAt;
  return Math.max(0, ((s.endedAt ?? now) - from) / 1000);
}
