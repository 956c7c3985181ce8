// Recordings: with recording.enabled, ending a session makes one (processing); after the configured delay on
// the virtual clock it is encoded to MP3 from the audio actually streamed and becomes ready.
import { iso, type Ctx } from './context.js';
import { ApiFailure, conflict, notFound } from './errors.js';
import { concatBytes } from './audio.js';
import { newId } from './ids.js';
import { getSession } from './session-lookup.js';
import type { JsonObject, RecordingRecord, SessionRecord } from './types.js';

export function renderRecording(r: RecordingRecord, summary = false): JsonObject {
  const base: JsonObject = { id: r.id, object: 'recording', session_id: r.sessionId };
  if (!summary) base.channel = 'mixed';
  base.status = r.status;
  base.duration = r.durationSeconds;
  base.format = 'mp3';
  if (summary) {
    base.created_at = iso(r.createdAt);
    return base;
  }
  base.size = r.mp3?.length ?? 0;
  base.sample_rate = 8000;
  base.bit_depth = 16;
  base.download_url = r.status === 'ready' ? `/v1/recordings/${r.id}/audio` : null;
  base.created_at = iso(r.createdAt);
  base.expires_at = iso(r.expiresAt);
  return base;
}

export function startRecording(ctx: Ctx, s: SessionRecord): void {
  const now = ctx.clock.now();
  const r: RecordingRecord = {
    id: newId('rec', now),
    sessionId: s.id,
    status: 'processing',
    createdAt: now,
    durationSeconds: s.audioBytes / 8000,
    expiresAt: now + ctx.settings.recordingRetentionMs,
  };
  ctx.tenant.recordings.set(r.id, r);
  s.recordingId = r.id;
  ctx.clock.schedule(now + ctx.settings.recordingDelayMs, 'recording.finish', { tenant: ctx.tenant.key, recordingId: r.id });
}

/** Clock task: encode the session's audio. No audio streamed (or the encoder failing) gives recording.failed. */
export function finishRecording(ctx: Ctx, recordingId: string): void {
  const r = ctx.tenant.recordings.get(recordingId);
  if (!r || r.status !== 'processing') return;
  const s = ctx.tenant.sessions.get(r.sessionId);
  const bytes = s ? concatBytes(s.audio, s.audioBytes) : new Uint8Array(0);
  if (s) s.audio = [];
  let mp3: Uint8Array | undefined;
  if (bytes.length > 0) {
    try {
      mp3 = ctx.settings.encodeMp3(bytes);
    } catch {
      mp3 = undefined;
    }
  }
  if (mp3 && mp3.length) {
    r.mp3 = mp3;
    r.status = 'ready';
    ctx.emit('recording.ready', renderRecording(r), r.sessionId);
  } else {
    r.status = 'failed';
    ctx.emit('recording.failed', renderRecording(r), r.sessionId);
  }
}

export function listSessionRecordings(ctx: Ctx, sessionId: string): JsonObject {
  const s = getSession(ctx, sessionId);
  const r = s.recordingId ? ctx.tenant.recordings.get(s.recordingId) : undefined;
  return { object: 'list', data: r ? [renderRecording(r, true)] : [], has_more: false, next_cursor: null, url: `/v1/sessions/${s.id}/recordings` };
}

function getRecording(ctx: Ctx, id: string): RecordingRecord {
  const r = ctx.tenant.recordings.get(id);
  if (!r || r.expiresAt <= ctx.clock.now()) throw notFound('recording_not_found', 'recording', id, 'recording_id');
  return r;
}

export function retrieveRecording(ctx: Ctx, id: string): JsonObject {
  return renderRecording(getRecording(ctx, id));
}

export function recordingAudio(ctx: Ctx, id: string): { bytes: Uint8Array; filename: string } {
  const r = getRecording(ctx, id);
  if (r.status === 'processing') throw conflict('recording_not_ready', 'The recording is still processing. Retry when its status is ready.', Math.max(1, Math.ceil(ctx.settings.recordingDelayMs / 1000)));
  if (r.status === 'failed' || !r.mp3) throw new ApiFailure(409, 'conflict_error', 'recording_not_ready', 'The recording failed: no audio was streamed in this session.');
  return { bytes: r.mp3, filename: `recording-${r.sessionId}.mp3` };
}
