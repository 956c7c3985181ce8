// Suite area: the stream. With a fresh session: session.ready first, ping/pong, paced μ-law audio, a wrong
// format and a retired message type answered with session.error, session.end → session.ended and close 1000,
// then a malformed token refused with 4001. Read-only runs only try the refused token.
import type { Json } from '../contract.js';
import { describeErrors } from '../errors.js';
import type { SuiteContext } from './context.js';
import { openSocket, send, type Socket } from './socket.js';

const GROUP = 'Stream';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function streamArea(ctx: SuiteContext): Promise<void> {
  if (!ctx.streamSelected) return;
  const session = ctx.session;
  if (session?.stream?.url && session?.stream?.token) await runStream(ctx, session);
  else if (ctx.s.writes) ctx.check(GROUP, 'createSession returned stream.url and stream.token', false, 'no stream object in the createSession response; the stream flow could not run');
  else {
    ctx.skip('stream flow (session.ready, ping/pong, audio, errors, session.end)', 'needs a fresh session from createSession, which is a write; pass --allow-writes');
    if (ctx.s.streamUrl && ctx.contract.byId.has('createSession')) await refusedToken(ctx, new URL(`/v1/sessions/${ctx.s.sessionId ?? 'sess_ContractSuiteUnknown0'}/connect`, ctx.s.streamUrl.replace(/^http/, 'ws')));
  }
}

async function refusedToken(ctx: SuiteContext, streamUrl: URL) {
  const badUrl = new URL(streamUrl);
  badUrl.searchParams.set('token', 'not-a-stream-token');
  const refused = await openSocket(ctx, badUrl.toString());
  if (refused.ws) {
    const c = await refused.closed!;
    ctx.stream.closeCodes.push(c.code);
    ctx.check(GROUP, 'malformed token → close 4001', c.code === 4001, `close code ${c.code} ${c.reason}`);
  } else ctx.check(GROUP, 'malformed token → close 4001', false, `upgrade refused: ${refused.error}`);
}

async function runStream(ctx: SuiteContext, sess: Json) {
  const streamUrl = new URL(sess.stream.url);
  if (ctx.s.streamUrl) {
    const override = new URL(ctx.s.streamUrl);
    streamUrl.protocol = override.protocol;
    streamUrl.host = override.host;
  }
  const target = new URL(streamUrl);
  target.searchParams.set('token', sess.stream.token);
  const conn = await openSocket(ctx, target.toString());
  if (!ctx.check(GROUP, 'connect with the session token', conn.ws, conn.error)) return;
  await greeting(ctx, conn as Required<Socket>, sess);
  await audioAndErrors(ctx, conn as Required<Socket>);
  const { ws, next, closed } = conn as Required<Socket>;
  send(ws, { type: 'session.end' });
  const ended = await next((m) => m.type === 'session.ended');
  ctx.check(GROUP, 'session.end → session.ended (explicit_end)', ended?.reason === 'explicit_end', `got ${JSON.stringify(ended)}`);
  const close = await closed;
  ctx.stream.closeCodes.push(close.code);
  ctx.check(GROUP, 'server closes with 1000 after session.ended', close.code === 1000, `close code ${close.code} ${close.reason}`);
  await refusedToken(ctx, streamUrl);
  const unseen = [...ctx.contract.serverMessages.keys()].filter((t) => !ctx.stream.types[t]);
  if (unseen.length) ctx.notes.push(`server messages not observed in the stream flow: ${unseen.join(', ')}`);
  for (const code of ctx.stream.closeCodes) ctx.check(GROUP, `close code ${code} is documented`, ctx.contract.closeCodes.size === 0 || ctx.contract.closeCodes.has(code), `close code ${code} is not in x-kallglot-close-codes`);
}

async function greeting(ctx: SuiteContext, conn: Required<Socket>, sess: Json) {
  const { ws, next } = conn;
  const ready = await next((m) => m.type === 'session.ready');
  ctx.check(GROUP, 'first frame is session.ready', ready?.type === 'session.ready' && conn.first() === 'session.ready', `got ${ready ? JSON.stringify(ready).slice(0, 120) : 'nothing'} (first frame: ${conn.first() ?? 'none'})`);
  if (ready?.session_id !== undefined) ctx.check(GROUP, 'session.ready names this session', ready.session_id === sess.id, `session_id ${ready.session_id} ≠ ${sess.id}`);
  send(ws, { type: 'ping' });
  const pong = await next((m) => m.type === 'pong');
  ctx.check(GROUP, 'ping → pong for this session', pong?.type === 'pong' && (pong.session_id === undefined || pong.session_id === sess.id), `got ${JSON.stringify(pong)}`);
}

async function audioAndErrors(ctx: SuiteContext, conn: Required<Socket>) {
  const { ws, next } = conn;
  // ~2 s of μ-law silence, paced close to real time (the server may refuse audio faster than that).
  const silence = Buffer.alloc(800, 0xff).toString('base64');
  for (let i = 0; i < 20; i++) {
    const frame = { type: 'audio.input', sequence: i, timestamp_ms: Date.now(), speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: silence } };
    const v = ctx.contract.messageValidator(frame.type, 'client');
    if (i === 0) ctx.check(GROUP, `client frame ${frame.type} is valid (suite self-check)`, v && v(frame), v ? describeErrors(v.errors, frame) : `no client message ${frame.type}`);
    send(ws, frame);
    await sleep(90);
  }
  await next((m) => m.type === 'transcript.final', 3000);
  send(ws, { type: 'audio.input', sequence: 20, timestamp_ms: Date.now(), speaker: 'customer', audio: { encoding: 'pcm_16', sample_rate_hz: 16000, payload: silence } });
  const err = await next((m) => m.type === 'session.error');
  ctx.check(GROUP, 'wrong audio format → session.error invalid_audio_format', err?.code === 'invalid_audio_format', `got ${JSON.stringify(err)}`);
  send(ws, { type: 'control', action: 'mute' });
  const err2 = await next((m) => m.type === 'session.error');
  ctx.check(GROUP, 'retired message type → session.error', err2?.type === 'session.error', `got ${JSON.stringify(err2)}`);
}
