// Stream replay with a hand-driven clock: recorded server frames in answer to the client's frames, on recorded
// (or scaled) timing, in recorded order; refusals; strict-mode differences.
import { describe, expect, it } from 'vitest';
import { createStreamReplayer, loadCassette, StrictLog, type StreamConnection, type StreamRefusal } from '../src/replay/index.js';
import { AUDIO_100MS, audioFrame, callHar, FakeScheduler, SESSION, TOKEN } from './helpers/cassette.js';

const PATH = `/v1/sessions/${SESSION}/connect`;

function setup(opts: { timeScale?: number; strict?: StrictLog; audio?: 'full' | 'hash' } = {}) {
  const clock = new FakeScheduler();
  const sent: { at: number; type: string }[] = [];
  const closed: { at: number; code: number; reason: string }[] = [];
  const hooks: { at: number; url: string; delay: number }[] = [];
  const cassette = loadCassette(callHar(opts.audio));
  const replayer = createStreamReplayer(cassette, {
    scheduler: clock, timeScale: opts.timeScale, strict: opts.strict,
    onWebhook: (w, delay) => hooks.push({ at: clock.now(), url: w.url, delay }),
  });
  const port = {
    send: (d: string | Uint8Array) => sent.push({ at: clock.now(), type: JSON.parse(String(d)).type }),
    close: (code: number, reason: string) => closed.push({ at: clock.now(), code, reason }),
  };
  const conn = replayer.connect({ path: PATH, token: TOKEN }, port) as StreamConnection;
  return { clock, sent, closed, hooks, conn, replayer, port };
}

/** The client of the recording: audio at 100, 200, 300, 800, 900 ms, session.end at 1100. */
function playClient(s: ReturnType<typeof setup>, times = [100, 200, 300, 800, 900, 1100], frames?: string[]) {
  const script = frames ?? [0, 1, 2, 3, 4].map((n) => audioFrame(n)).concat(JSON.stringify({ type: 'session.end' }));
  times.forEach((t, i) => {
    s.clock.advance(t - s.clock.now());
    s.conn.onClientFrame(script[i]!);
  });
}

describe('stream replay', () => {
  it('sends the recorded server frames at their recorded offsets, then closes as recorded', () => {
    const s = setup();
    expect(s.conn.recorded).toBe(0);
    playClient(s);
    s.clock.advance(1000);
    expect(s.sent).toEqual([
      { at: 10, type: 'session.ready' },
      { at: 250, type: 'transcript.partial' },
      { at: 700, type: 'transcript.final' },
      { at: 1000, type: 'transcript.final' },
      { at: 1120, type: 'session.ended' },
    ]);
    expect(s.closed).toEqual([{ at: 1150, code: 1000, reason: 'normal_closure' }]);
    expect(s.clock.pending).toBe(0);
  });

  it('answers the client, not the wall clock: nothing past a client frame the client has not sent', () => {
    const s = setup();
    s.clock.advance(5000);
    expect(s.sent.map((m) => m.type)).toEqual(['session.ready']);
    s.conn.onClientFrame(audioFrame(0));
    s.conn.onClientFrame(audioFrame(1));
    s.clock.advance(49);
    expect(s.sent).toHaveLength(1);
    s.clock.advance(1);
    expect(s.sent.at(-1)).toEqual({ at: 5050, type: 'transcript.partial' });
  });

  it('scales the recorded timing and keeps the recorded order when the client runs ahead', () => {
    const s = setup({ timeScale: 0.5 });
    playClient(s, [50, 100, 150, 400, 450, 550]);
    s.clock.advance(1000);
    expect(s.sent.map((m) => m.at)).toEqual([5, 125, 350, 500, 560]);
    expect(s.closed[0]!.at).toBe(575);

    // A client that sends everything at once still gets the frames in recorded order.
    const fast = setup();
    playClient(fast, [0, 0, 0, 0, 0, 0]);
    fast.clock.advance(2000);
    expect(fast.sent.map((m) => m.type)).toEqual(['session.ready', 'transcript.partial', 'transcript.final', 'transcript.final', 'session.ended']);
    expect(fast.sent.map((m) => m.at)).toEqual([10, 50, 400, 400, 400]);
  });

  it('stops on a client close, and refuses an unknown stream or another token with the sandbox close codes', () => {
    const s = setup();
    playClient(s, [100, 200]);
    s.conn.onClientClose();
    s.clock.advance(5000);
    // The partial was due at 250 ms: the close at 200 ms cancelled it.
    expect(s.sent.map((m) => m.type)).toEqual(['session.ready']);
    expect(s.closed).toEqual([]);
    const other = s.replayer.connect({ path: '/v1/sessions/sess_other/connect', token: TOKEN }, s.port) as StreamRefusal;
    expect(other).toMatchObject({ refused: true, code: 4004, reason: 'session_not_found' });
    expect(other.message).toContain(`Recorded streams: ${PATH}`);
    const badToken = s.replayer.connect({ path: PATH, token: 'kst_test_real' }, s.port) as StreamRefusal;
    expect(badToken).toMatchObject({ refused: true, code: 4001, reason: 'token_invalid' });
    expect(badToken.message).toContain(`takes the cassette's token ${TOKEN}`);
  });

  it('hands over a webhook delivery anchored on a server frame when that frame is sent', () => {
    const har = callHar() as { log: { entries: any[] } };
    har.log.entries[3].startedDateTime = new Date(Date.parse(har.log.entries[1].startedDateTime) + 1010).toISOString();
    har.log.entries[2].startedDateTime = new Date(Date.parse(har.log.entries[1].startedDateTime) + 1200).toISOString();
    const clock = new FakeScheduler();
    const hooks: number[] = [];
    const conn = createStreamReplayer(loadCassette(har), { scheduler: clock, timeScale: 2, onWebhook: (_w, delay) => hooks.push(clock.now(), delay) })
      .connect({ path: PATH, token: TOKEN }, { send: () => {}, close: () => {} }) as StreamConnection;
    [0, 1, 2, 3, 4].forEach((n) => conn.onClientFrame(audioFrame(n)));
    clock.advance(10_000);
    expect(hooks).toEqual([800, 20]);
  });

  it('answers pings live with the recorded pong and leaves recorded keepalive out of the timeline', () => {
    const har = callHar() as { log: { entries: any[] } };
    const msgs = har.log.entries[1]._webSocketMessages;
    const pong = JSON.stringify({ type: 'pong', session_id: SESSION });
    msgs.splice(2, 0, { type: 'send', time: msgs[1].time + 0.01, opcode: 1, data: '{"type":"ping"}' }, { type: 'receive', time: msgs[1].time + 0.02, opcode: 1, data: pong });
    const clock = new FakeScheduler();
    const got: string[] = [];
    const strict = new StrictLog();
    const conn = createStreamReplayer(loadCassette(har), { scheduler: clock, strict })
      .connect({ path: PATH, token: TOKEN }, { send: (d) => got.push(String(d)), close: () => {} }) as StreamConnection;
    clock.advance(100);
    conn.onClientFrame(audioFrame(0));
    conn.onClientFrame(audioFrame(1));
    clock.advance(40);
    conn.onClientFrame('{"type":"ping"}');
    expect(got.at(-1)).toBe(pong);
    clock.advance(10);
    expect(JSON.parse(got.at(-1)!).type).toBe('transcript.partial');
    expect(got.filter((f) => f === pong)).toHaveLength(1);
    expect(strict.first()).toBeUndefined();
  });
});

describe('stream replay, strict mode', () => {
  it('passes the recorded client, whatever its timestamps', () => {
    const strict = new StrictLog();
    const s = setup({ strict });
    const frames = [0, 1, 2, 3, 4].map((n) => audioFrame(n).replace(/"timestamp_ms":\d+/, '"timestamp_ms":1')).concat('{ "type" : "session.end" }');
    playClient(s, undefined, frames);
    s.clock.advance(1000);
    expect(strict.first()).toBeUndefined();
  });

  it('names another frame body and closes with 1008', () => {
    const strict = new StrictLog();
    const s = setup({ strict });
    playClient(s, [100, 200], [audioFrame(0), audioFrame(1).replace('"customer"', '"agent"')]);
    expect(strict.first()).toEqual({ kind: 'frame', message: `Stream ${PATH}: client frame 2 (audio.input sequence 1) differs at /speaker (recorded "customer", sent "agent").` });
    expect(s.closed).toEqual([{ at: 200, code: 1008, reason: 'replay_mismatch' }]);
  });

  it('a mismatch closes only after the server frames the recording sent before that client frame', () => {
    // A client that does not wait for session.ready: its second frame differs before the ready frame's recorded
    // offset has come. The ready frame still goes out first, then the 1008.
    const strict = new StrictLog();
    const s = setup({ strict, timeScale: 0 });
    s.conn.onClientFrame(audioFrame(0));
    s.conn.onClientFrame(audioFrame(7));
    expect(s.sent.map((m) => m.type)).toEqual(['session.ready']);
    expect(s.closed).toEqual([{ at: 0, code: 1008, reason: 'replay_mismatch' }]);
    s.clock.advance(2000);
    expect(s.sent).toHaveLength(1);
    expect(s.clock.pending).toBe(0);
  });

  it('names fewer audio frames when the client ends early', () => {
    const strict = new StrictLog();
    const s = setup({ strict });
    playClient(s, [100, 200, 300]);
    s.conn.onClientClose();
    expect(strict.first()).toEqual({ kind: 'missing-frames', message: `Stream ${PATH}: the client sent 3 frames, the recording has 6 (3 of 5 audio.input frames); the first missing one is audio.input sequence 3.` });
  });

  it('checks hashed audio by length at once and by hash once settled', async () => {
    const strict = new StrictLog();
    const s = setup({ strict, audio: 'hash' });
    s.clock.advance(100);
    s.conn.onClientFrame(audioFrame(0));
    await strict.settled();
    expect(strict.first()).toBeUndefined();
    s.conn.onClientFrame(audioFrame(1, Buffer.alloc(800, 0x00).toString('base64')));
    await strict.settled();
    expect(strict.first()?.message).toBe(`Stream ${PATH}: client frame 2 (audio.input sequence 1) differs at /audio/payload: same length (800 bytes), other audio.`);

    const short = new StrictLog();
    const t = setup({ strict: short, audio: 'hash' });
    t.conn.onClientFrame(audioFrame(0, AUDIO_100MS.slice(0, 400)));
    expect(short.first()?.message).toBe(`Stream ${PATH}: client frame 1 (audio.input sequence 0) differs at /audio/payload: 300 audio bytes, the recording has 800.`);
  });
});
