// Suite area: sessions. Before the stream: create (with idempotency replay and mismatch, and refused
// bodies), retrieve, dial, hang up. After it: end, transcript, recordings, analysis.
import { randomUUID } from 'node:crypto';
import type { Json } from '../contract.js';
import { placeholderId, SESSION_OPS, type SuiteContext } from './context.js';

export function sessionBodyOf(ctx: SuiteContext): Json {
  return ctx.s.sessionBody ?? (ctx.contract.byId.has('createSession') ? ctx.body('createSession') : undefined);
}

export async function sessionsArea(ctx: SuiteContext): Promise<void> {
  const { ids } = ctx;
  if (ctx.s.writes && ctx.contract.byId.has('createSession') && (SESSION_OPS.some(ctx.selected) || ctx.streamSelected)) await createSession(ctx);
  else if (ctx.selected('createSession')) await ctx.write('createSession', async () => {});
  if (!ctx.s.writes && ctx.s.sessionId) ids.session_id = ctx.s.sessionId;
  await ctx.read('retrieveSession', 'session_id', () => ctx.call('retrieveSession', { expect: ctx.successOf('retrieveSession') }));
  await ctx.write('dialSession', () => ctx.call('dialSession', { body: ctx.body('dialSession'), headers: ctx.idem() }));
  await ctx.write('hangupSession', () => ctx.call('hangupSession', { body: ctx.body('hangupSession') }));
}

async function createSession(ctx: SuiteContext): Promise<void> {
  const sessionBody = sessionBodyOf(ctx);
  const key = randomUUID();
  const r = await ctx.call('createSession', { body: sessionBody, headers: { 'Idempotency-Key': key }, expect: ctx.successOf('createSession') });
  const session = (ctx.session = r?.json);
  if (session?.id) ctx.ids.session_id = session.id;
  if (!ctx.selected('createSession')) return;
  // Idempotency: same key + same body replays; same key + another body is refused with idempotency_mismatch.
  const replay = await ctx.call('createSession', { label: 'idempotent replay', body: sessionBody, headers: { 'Idempotency-Key': key }, expect: ctx.successOf('createSession') });
  if (replay?.json && session) ctx.check('REST createSession', 'POST /v1/sessions [idempotent replay]: same body as the first response', replay.json.id === session.id, `replayed id ${replay.json.id} ≠ first id ${session.id}`, 'createSession');
  const mismatch = await ctx.call('createSession', { label: 'idempotency mismatch', body: { ...sessionBody, metadata: { contract_suite: 'different-body' } }, headers: { 'Idempotency-Key': key }, expect: 400 });
  if (mismatch?.json?.error) ctx.check('REST createSession', 'POST /v1/sessions [idempotency mismatch]: code idempotency_mismatch', mismatch.json.error.code === 'idempotency_mismatch', `got code ${mismatch.json.error.code}`, 'createSession');
  const refused = ctx.statusesOf('createSession', [400, 422]);
  await ctx.call('createSession', { label: 'missing mode', body: {}, expect: refused });
  await ctx.call('createSession', { label: 'forbidden provider object', body: { ...sessionBody, provider: { type: 'twilio' } }, expect: refused });
  await ctx.call('createSession', { label: 'body is not JSON', body: '{"mode":', expect: refused });
}

export async function sessionsAfterStream(ctx: SuiteContext): Promise<void> {
  const { ids, s } = ctx;
  await ctx.write('endSession', async () => {
    const r = await ctx.call('endSession', { headers: ctx.idem(), expect: ctx.successOf('endSession') });
    if (r?.json) ctx.check('REST endSession', 'end summary says ended', r.json.status === 'ended', `status ${r.json.status}`, 'endSession');
    await ctx.call('endSession', { label: 'already ended', expect: ctx.successOf('endSession') });
  });
  await ctx.read('retrieveSessionTranscript', 'session_id', () => ctx.call('retrieveSessionTranscript', { expect: s.writes ? ctx.successOf('retrieveSessionTranscript') : undefined }));
  if (ctx.selected('listSessionRecordings') || ctx.selected('retrieveRecording') || ctx.selected('downloadRecordingAudio')) {
    await ctx.read('listSessionRecordings', 'session_id', async () => {
      const r = await ctx.call('listSessionRecordings', { expect: s.writes ? ctx.successOf('listSessionRecordings') : undefined });
      if (r?.json?.data?.[0]?.id) ids.recording_id = r.json.data[0].id;
    });
    if (!ids.recording_id && s.writes) {
      // Nothing recorded: the recording routes still answer (a documented 404 for an id that does not exist).
      ids.recording_id = placeholderId('recording_id');
      ctx.notes.push('listSessionRecordings returned no recording; recording routes used an id that does not exist');
    }
  }
  await ctx.read('retrieveRecording', 'recording_id', () => ctx.call('retrieveRecording'));
  await ctx.read('downloadRecordingAudio', 'recording_id', () => ctx.call('downloadRecordingAudio', { headers: { Accept: 'audio/mpeg, application/json' } }));
  await ctx.write('createSessionAnalysis', async () => {
    const r = await ctx.call('createSessionAnalysis', { body: ctx.body('createSessionAnalysis'), headers: ctx.idem(), expect: ctx.successOf('createSessionAnalysis') });
    if (r?.json?.id) ids.analysis_id = r.json.id;
  });
  await ctx.read('retrieveAnalysis', 'analysis_id', () => ctx.call('retrieveAnalysis', { expect: ctx.successOf('retrieveAnalysis') }));
}
