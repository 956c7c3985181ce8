// What the recorder writes is what the mock's replay reads: record a call with real secrets, load the cassette
// with @kallglot/mock/replay, and get the same REST bodies and server frames back (stream.url aside), with the
// redacted token accepted by the replayed stream and the same client passing strict mode.
import { createRestReplayer, createStreamReplayer, loadCassette, StrictLog, type ReplayScheduler, type StreamConnection } from '@kallglot/mock/replay';
import { describe, expect, it } from 'vitest';
import { createRecorder } from '../src/record/index.js';

const KEY = 'sk_test_roundtripKEY0123456789';
const TOKEN = 'kst_test_01ROUNDTRIPTOKEN000000';
const SESSION = 'sess_01ROUNDTRIP0000000';
const T0 = Date.parse('2026-03-26T11:00:00Z');
const created = JSON.stringify({ id: SESSION, object: 'session', status: 'created', stream: { url: `ws://127.0.0.1:4011/v1/sessions/${SESSION}/connect`, token: TOKEN, expires_at: '2026-03-26T11:05:00Z' } });
const audio = (sequence: number) => JSON.stringify({ type: 'audio.input', sequence, timestamp_ms: T0 + sequence, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: Buffer.alloc(800, sequence).toString('base64') } });
const serverFrames = [JSON.stringify({ type: 'session.ready' }), JSON.stringify({ type: 'transcript.final', speaker: 'customer', text: 'Hello there.' })];

function record(mode: 'full' | 'hash') {
  const rec = createRecorder({ apiKeys: [KEY], audio: mode });
  rec.onHttpExchange({
    request: { method: 'POST', url: 'http://127.0.0.1:4010/v1/sessions', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{"mode":"assistive_translation"}' },
    response: { status: 201, headers: { 'content-type': 'application/json' }, body: created },
    startedAt: T0, durationMs: 4,
  });
  rec.onWebSocketOpen({ url: `ws://127.0.0.1:4011/v1/sessions/${SESSION}/connect?token=${TOKEN}`, time: T0 + 10 });
  rec.onWebSocketMessage({ direction: 'receive', opcode: 1, data: serverFrames[0]!, time: T0 + 20 });
  rec.onWebSocketMessage({ direction: 'send', opcode: 1, data: audio(0), time: T0 + 110 });
  rec.onWebSocketMessage({ direction: 'send', opcode: 1, data: audio(1), time: T0 + 210 });
  rec.onWebSocketMessage({ direction: 'receive', opcode: 1, data: serverFrames[1]!, time: T0 + 610 });
  rec.onWebSocketClose({ code: 1000, reason: 'normal_closure', time: T0 + 700 });
  return loadCassette(JSON.stringify(rec.toHar()));
}

function manualScheduler() {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  const scheduler: ReplayScheduler = {
    now: () => now,
    setTimer: (ms, run) => {
      const t = { at: now + ms, run };
      timers.push(t);
      return () => void timers.splice(timers.indexOf(t) >>> 0, 1);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (let t = timers.sort((a, b) => a.at - b.at)[0]; t && t.at <= end; t = timers.sort((a, b) => a.at - b.at)[0]) {
      timers.splice(timers.indexOf(t), 1);
      now = t.at;
      t.run();
    }
    now = end;
  };
  return { scheduler, advance };
}

describe('record → replay round trip', () => {
  for (const mode of ['full', 'hash'] as const) {
    it(`replays what was recorded (audio ${mode})`, async () => {
      const cassette = record(mode);
      const strict = new StrictLog();
      const rest = createRestReplayer(cassette, { streamUrl: 'ws://127.0.0.1:6001', strict });
      const res = rest.handle({ method: 'POST', path: '/v1/sessions', body: '{"mode":"assistive_translation"}' });
      expect(res.status).toBe(201);
      const body = JSON.parse(new TextDecoder().decode(res.body));
      expect(new TextDecoder().decode(res.body)).toBe(created.replace('ws://127.0.0.1:4011', 'ws://127.0.0.1:6001').replace(TOKEN, body.stream.token));
      expect(body.stream.token).toBe('kst_REDACTED_1');

      const { scheduler, advance } = manualScheduler();
      const got: string[] = [];
      const closes: number[] = [];
      const conn = createStreamReplayer(cassette, { scheduler, strict }).connect(
        { path: new URL(body.stream.url).pathname, token: body.stream.token },
        { send: (d) => got.push(String(d)), close: (code) => closes.push(code) },
      ) as StreamConnection;
      expect(conn.recorded).toBe(0);
      advance(100);
      conn.onClientFrame(audio(0));
      advance(100);
      conn.onClientFrame(audio(1));
      advance(1000);
      await strict.settled();
      expect(got).toEqual(serverFrames);
      expect(closes).toEqual([1000]);
      expect(strict.first()).toBeUndefined();
    });
  }
});
