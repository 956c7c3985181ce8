// Transcripts: every transcript.final the stream sent becomes a turn; in_progress until the session ends.
import { iso, type Ctx } from './context.js';
import { durationSeconds, getSession } from './session-lookup.js';
import type { JsonObject, SessionRecord, Turn } from './types.js';

const MAX_TURNS = 100_000;

export function renderTranscript(ctx: Ctx, s: SessionRecord): JsonObject {
  const langs: string[] = [];
  for (const t of s.turns) {
    if (!langs.includes(t.language)) langs.push(t.language);
    if (t.translation && !langs.includes(t.translation.language)) langs.push(t.translation.language);
    if (langs.length >= 50) break;
  }
  return {
    id: `trn_${s.id}`,
    object: 'transcript',
    session_id: s.id,
    status: s.status === 'ended' ? 'completed' : 'in_progress',
    turns: s.turns.map((t) => ({ ...t }) as unknown as JsonObject),
    metadata: { total_turns: s.turns.length, duration_seconds: durationSeconds(s, ctx.clock.now()), languages_detected: langs },
  };
}

export function retrieveTranscript(ctx: Ctx, id: string): JsonObject {
  return renderTranscript(ctx, getSession(ctx, id));
}

/** A transcript.final frame went out on the stream: keep it as a turn and announce the segment. */
export function addTurn(ctx: Ctx, s: SessionRecord, turn: Omit<Turn, 'timestamp'> & { timestamp?: string }): Turn | undefined {
  if (s.status === 'ended' || s.turns.length >= MAX_TURNS) return undefined;
  const t: Turn = { sequence: turn.sequence, speaker: turn.speaker, language: turn.language, text: turn.text, timestamp: turn.timestamp ?? iso(ctx.clock.now()) };
  if (turn.translation) t.translation = { language: turn.translation.language, text: turn.translation.text };
  s.turns.push(t);
  ctx.emit('transcript.segment', { session_id: s.id, turn: { ...t } as unknown as JsonObject }, s.id);
  return t;
}
