import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamMock, type StreamMock } from '../src/index.js';
import { closeCodes, validateServerFrame } from './helpers/spec.js';
import { phrases, SPEECH } from './helpers/audio.js';
import { audioFrame, connect, speechFrames } from './helpers/ws.js';

let mock: StreamMock;
beforeAll(async () => {
  mock = await startStreamMock({ port: 0, selfCheck: true, allowUrlFaults: true, log: () => undefined });
});
afterAll(async () => {
  await mock?.close();
});

function expectAllValid(frames: string[]) {
  for (const f of frames) expect(validateServerFrame(f), f).toEqual({ ok: true });
}

describe('handshake', () => {
  it.each([
    ['missing token', (u: string) => u, 'token_invalid'],
    ['empty token', (u: string) => `${u}?token=`, 'token_invalid'],
    ['malformed token', (u: string) => `${u}?token=sk_test_notastreamtoken`, 'token_invalid'],
    ['token with bad characters', (u: string) => `${u}?token=kst_test_a%20b`, 'token_invalid'],
  ])('%s → close %s', async (_name, build, codeName) => {
    const t = mock.issueToken();
    const c = connect(build(t.url));
    const closed = await c.closed;
    expect(closed.code).toBe(closeCodes.get(codeName));
    expect(closed.code).toBe(4001);
    expect(c.frames).toEqual([]);
  });

  it('refuses an expired token with 4002 token_expired', async () => {
    const t = mock.issueToken({ ttlSeconds: -1 });
    const c = connect(`${t.url}?token=${t.token}`);
    expect((await c.closed).code).toBe(closeCodes.get('token_expired'));
  });

  it('refuses a token issued for another session with 4001', async () => {
    const a = mock.issueToken();
    const b = mock.issueToken();
    const c = connect(`${a.url}?token=${b.token}`);
    expect((await c.closed).code).toBe(4001);
  });

  it('refuses an unknown path or bad session id with 4004 session_not_found', async () => {
    const t = mock.issueToken();
    const base = mock.url;
    expect((await connect(`${base}/v1/sessions/not-a-session/connect?token=${t.token}`).closed).code).toBe(closeCodes.get('session_not_found'));
    expect((await connect(`${base}/v1/elsewhere?token=${t.token}`).closed).code).toBe(4004);
  });

  it('refuses a well-formed kst_ token it did not issue (default) with 4001 and a reason naming the fix', async () => {
    const c = connect(`${mock.url}/v1/sessions/sess_standalone1/connect?token=kst_test_anything`);
    const closed = await c.closed;
    expect(closed.code).toBe(4001);
    expect(closed.reason).toMatch(/stream\.token/);
    expect(c.frames).toEqual([]);
  });

  it('acceptUnknownTokens: true (opt-in) accepts hand-made tokens for sessions no API key created', async () => {
    const loose = await startStreamMock({ port: 0, acceptUnknownTokens: true, log: () => undefined });
    try {
      const c = connect(`${loose.url}/v1/sessions/sess_standalone1/connect?token=kst_test_anything`);
      expect(await c.next()).toEqual({ type: 'session.ready', session_id: 'sess_standalone1' });
      c.ws.close();
      const t = loose.issueToken();
      const ok = connect(`${t.url}?token=${t.token}`);
      expect((await ok.next()).type).toBe('session.ready');
      ok.ws.close();
    } finally {
      await loose.close();
    }
  });
});

describe('protocol', () => {
  it('answers ping with pong, and session.end with session.ended then a normal close', async () => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}`);
    await c.next((f) => f.type === 'session.ready');
    c.send({ type: 'ping' });
    expect(await c.next()).toEqual({ type: 'pong', session_id: t.sessionId });
    c.send({ type: 'session.end' });
    const ended = await c.next();
    expect(ended.type).toBe('session.ended');
    expect(ended.reason).toBe('explicit_end');
    expect(ended.session_id).toBe(t.sessionId);
    const closed = await c.closed;
    expect(closed.code).toBe(closeCodes.get('normal_closure'));
    expectAllValid(c.frames);
    // The session is over: a reconnect with the same token is refused with 4009 session_ended.
    const again = connect(`${t.url}?token=${t.token}`);
    expect((await again.closed).code).toBe(closeCodes.get('session_ended'));
  });

  it.each([
    ['invalid JSON', '{"type": "ping"', 'invalid_json'],
    ['a JSON array', '[1,2,3]', 'invalid_message'],
    ['no type', { sequence: 1 }, 'unknown_message_type'],
    ['an unknown type', { type: 'control', action: 'mute' }, 'unknown_message_type'],
    ['the retired audio message', { type: 'audio', data: 'AAAA', encoding: 'pcm_16' }, 'unknown_message_type'],
    ['a server type sent by the client', { type: 'pong', session_id: 'sess_1' }, 'unknown_message_type'],
    ['wrong encoding', audioFrame(800, 0, { audio: { encoding: 'pcm_16', sample_rate_hz: 8000, payload: 'AAAA' } }), 'invalid_audio_format'],
    ['wrong sample rate', audioFrame(800, 0, { audio: { encoding: 'mulaw', sample_rate_hz: 16000, payload: 'AAAA' } }), 'invalid_audio_format'],
    ['bad base64', audioFrame(800, 0, { audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: 'not base64!' } }), 'invalid_audio_format'],
    ['truncated base64', audioFrame(800, 0, { audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: 'AAA' } }), 'invalid_audio_format'],
    ['missing audio object', { type: 'audio.input', sequence: 0, timestamp_ms: 1, speaker: 'customer' }, 'invalid_message'],
    ['negative sequence', audioFrame(800, -1), 'invalid_message'],
    ['unknown speaker', audioFrame(800, 0, { speaker: 'robot' }), 'invalid_message'],
    ['extra field on ping', { type: 'ping', extra: true }, 'invalid_message'],
    ['JSON nested 5,000 levels deep', `{"type":"ping","x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`, 'invalid_json', /deeper than 64 levels .*depth of 64/],
  ])('%s → session.error %s, and the socket keeps working', async (_name, frame, expected, message?: RegExp) => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}`);
    await c.next((f) => f.type === 'session.ready');
    c.send(frame);
    const err = await c.next();
    expect(err.type).toBe('session.error');
    expect(err.code).toBe(expected);
    if (message) expect(err.message).toMatch(message);
    c.send({ type: 'ping' });
    expect((await c.next()).type).toBe('pong');
    expectAllValid(c.frames);
    c.ws.close();
  });

  it('answers a binary frame with session.error', async () => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}`);
    await c.next((f) => f.type === 'session.ready');
    c.ws.send(Buffer.from([1, 2, 3]));
    const err = await c.next();
    expect(err.type).toBe('session.error');
    expectAllValid(c.frames);
    c.ws.close();
  });

  it('closes with 1009 message_too_big on a frame over 64 KiB', async () => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}`);
    await c.next((f) => f.type === 'session.ready');
    c.send(audioFrame(60_000));
    expect((await c.closed).code).toBe(closeCodes.get('message_too_big'));
  });

  it('paces transcripts by the voice in the audio received and translates when languages are set', async () => {
    const t = mock.issueToken({ sourceLanguage: 'en', targetLanguage: 'es' });
    const c = connect(`${t.url}?token=${t.token}`);
    await c.next((f) => f.type === 'session.ready');
    // The sample's first phrase: partials while it lasts, the final once 500 ms of silence follow it.
    const end = Math.ceil(phrases()[0]!.endMs / 100) * 100;
    for (const f of speechFrames(SPEECH, 0, end)) c.send(f);
    c.send({ type: 'ping' });
    await c.next((f) => f.type === 'pong');
    const before = c.frames.map((f) => JSON.parse(f));
    expect(before.filter((f) => f.type === 'transcript.partial').length).toBe(2);
    expect(before.some((f) => f.type === 'transcript.final')).toBe(false);
    for (const f of speechFrames(SPEECH, end, end + 600)) c.send(f);
    const final = await c.next((f) => f.type === 'transcript.final');
    expect(final.text).toBe('Hello, I need help with my order.');
    expect(final.translation).toEqual({ language: 'es', text: 'Hola, necesito ayuda con mi pedido.' });
    expect(final.sequence).toBe(1);
    expectAllValid(c.frames);
    c.ws.close();
  });

  it('omits translation when the session has no languages', async () => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}`);
    await c.next((f) => f.type === 'session.ready');
    for (const f of speechFrames(SPEECH, 0, 4000)) c.send(f);
    const final = await c.next((f) => f.type === 'transcript.final');
    expect(final).not.toHaveProperty('translation');
    c.ws.close();
  });
});

describe('faults', () => {
  it('latency: frames arrive no earlier than the injected delay', async () => {
    const t = mock.issueToken();
    const start = Date.now();
    const c = connect(`${t.url}?token=${t.token}&mock_latency_ms=300`);
    await c.next((f) => f.type === 'session.ready');
    // A lower bound only (never an upper bound): the delay was really applied.
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    c.ws.close();
  });

  it('drop: the TCP connection ends without a close frame (1006)', async () => {
    const t = mock.issueToken({ scenario: 'drop-connection' });
    const c = connect(`${t.url}?token=${t.token}`);
    await c.next((f) => f.type === 'session.ready');
    for (let i = 0; i < 10; i++) c.send(audioFrame(800, i));
    expect((await c.closed).code).toBe(1006);
    expect(c.frames.length).toBe(3);
  });

  it.each([1001, 1011, 1013, 4008, 4029])('close code %i on request', async (code) => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}&mock_close_code=${code}&mock_close_after_ms=50`);
    expect((await c.closed).code).toBe(code);
  });

  it('refuse_with: upgrade completes, then the given close code', async () => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}&mock_refuse_with=4029`);
    expect((await c.closed).code).toBe(closeCodes.get('rate_limited'));
    expect(c.frames).toEqual([]);
  });

  it('malformed server frames: every Nth frame is broken, the rest stay valid', async () => {
    const t = mock.issueToken({ scenario: 'malformed-frames' });
    const c = connect(`${t.url}?token=${t.token}`);
    await new Promise((r) => c.ws.once('open', r));
    for (let i = 0; i < 8; i++) c.send({ type: 'ping' });
    await c.next((f) => f.__raw !== undefined || f.type === 42);
    await new Promise((r) => setTimeout(r, 100));
    const bad = c.frames.filter((f) => !validateServerFrame(f).ok);
    expect(bad.length).toBeGreaterThan(0);
    c.frames.forEach((f, i) => expect(validateServerFrame(f).ok, `frame ${i + 1}`).toBe((i + 1) % 3 !== 0));
    c.ws.close();
  });

  it('canonical and non-canonical pings get the identical pong; lookalikes still go through validation', async () => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}`);
    await c.next((f) => f.type === 'session.ready');
    // Exact canonical bytes (byte-level shortcut), then spellings that must take the JSON.parse + Ajv path.
    for (const raw of ['{"type":"ping"}', '{ "type" : "ping" }', '{"type":"ping"} ', '\n{"type":"ping"}', '{"type":"\u0070ing"}']) c.send(raw);
    for (let i = 0; i < 5; i++) await c.next((f) => f.type === 'pong');
    const pongs = c.frames.slice(1);
    expect(new Set(pongs).size).toBe(1);
    expect(JSON.parse(pongs[0]!)).toEqual({ type: 'pong', session_id: t.sessionId });
    // Same length as the canonical frame but not a ping: a one-byte difference is not taken for one.
    c.send('{"type":"pinG"}');
    expect((await c.next()).code).toBe('unknown_message_type');
    c.send('{"type":"ping"');
    expect((await c.next()).code).toBe('invalid_json');
    // The canonical bytes as a binary frame are still refused as binary.
    c.ws.send(Buffer.from('{"type":"ping"}'));
    const err = await c.next();
    expect(err.type).toBe('session.error');
    expect(['unsupported_frame', 'invalid_message']).toContain(err.code);
    expectAllValid(c.frames);
    c.ws.close();
  });

  it('keepalive: frames reset the idle window; silence afterwards closes with 4008', async () => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}&mock_idle_timeout_ms=300`);
    await c.next((f) => f.type === 'session.ready');
    let open = true;
    void c.closed.then(() => (open = false));
    // Ping every 100 ms for well past the idle window: the socket must stay open throughout.
    for (let i = 0; i < 9; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect(open).toBe(true);
      c.send({ type: 'ping' });
    }
    const lastPing = Date.now();
    expect((await c.closed).code).toBe(closeCodes.get('keepalive_timeout'));
    // Never before the window after the last frame (a few ms of timer slack allowed).
    expect(Date.now() - lastPing).toBeGreaterThanOrEqual(290);
  });

  it('keepalive: a silent client is closed with 4008', async () => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}&mock_idle_timeout_ms=200`);
    await c.next((f) => f.type === 'session.ready');
    expect((await c.closed).code).toBe(closeCodes.get('keepalive_timeout'));
  });

  it('a scenario file can be selected per connection and the server keeps serving others', async () => {
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}&mock_scenario=bilingual`);
    await c.next((f) => f.type === 'session.ready');
    for (const f of speechFrames(SPEECH, 0, 4000)) c.send(f);
    const final = await c.next((f) => f.type === 'transcript.final');
    expect(final.text).toBe('Where is my package?');
    expect(final.translation).toEqual({ language: 'es', text: '¿Dónde está mi paquete?' });
    c.ws.close();
    expect(mock.stats.selfCheckFailures).toBe(0);
  });
});
