import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import {
  StreamConnectError,
  StreamClosedError,
  StreamError,
  decodeMulaw,
  encodeMulaw,
  validateAudioInput,
  type StateChange,
  type ServerMessage,
  type UnknownMessage,
  type StreamWarning,
} from '../src/node.js';
import schemas from '../src/generated/schemas.json' with { type: 'json' };
import { behaveNormally, type Conn } from './helpers/scripted-server.js';
import { collect, until, useStreamFixture } from './helpers/stream-fixture.js';
import { arbitraryFor } from './helpers/arbitraries.js';

const { server, connect } = useStreamFixture();
const tick = () => new Promise((r) => setImmediate(r));
const TOKEN = 'kst_test_abc123';

/** A valid sample of every server message, generated from the schemas. */
const samples: ServerMessage[] = schemas.server.map((m) => fc.sample(arbitraryFor(m.schema), { numRuns: 1, seed: 42 })[0] as ServerMessage);

describe('handshake', () => {
  it('sends the token as ?token= and resolves ready on session.ready', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url, token: TOKEN });
    const ready = await s.ready;
    expect(ready).toEqual({ type: 'session.ready', session_id: 'sess_test123' });
    expect(srv.connections[0]!.token).toBe(TOKEN);
    expect(s.state).toBe('open');
  });

  it('accepts a session `stream` object', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ stream: { url: srv.url, token: TOKEN, expires_at: '2030-01-01T00:00:00Z' } });
    await s.ready;
    expect(srv.connections[0]!.token).toBe(TOKEN);
  });

  it('rejects a missing token before connecting', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url });
    const states = collect<StateChange>(s, 'state');
    const err = await s.ready.catch((e) => e);
    expect(err).toBeInstanceOf(StreamConnectError);
    expect(err.closeName).toBe('token_missing');
    expect(err.message).toMatch(/stream token is required/);
    expect(srv.connections).toHaveLength(0);
    expect(states.map((x) => x.state)).toEqual(['closed']);
  });

  it('rejects bad URLs clearly', async () => {
    for (const url of ['not a url', 'http://127.0.0.1:1/v1/sessions/sess_1/connect', '']) {
      const err = await connect({ url, token: TOKEN }).ready.catch((e) => e);
      expect(err).toBeInstanceOf(StreamConnectError);
      expect(err.closeName).toBe('invalid_url');
      expect(err.message).toMatch(/url|URL/);
    }
  });

  it('rejects a refused connection and never prints the token', async () => {
    const tmp = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => tmp.once('listening', r));
    const port = (tmp.address() as AddressInfo).port;
    await new Promise((r) => tmp.close(r));
    const s = connect({ url: `ws://127.0.0.1:${port}/v1/sessions/sess_1/connect`, token: TOKEN });
    const err = await s.ready.catch((e) => e);
    expect(err).toBeInstanceOf(StreamConnectError);
    expect(err.closeName).toBe('connection_failed');
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).not.toContain(TOKEN);
    expect(s.state).toBe('closed');
  });

  it('rejects an HTTP refusal of the upgrade', async () => {
    const srv = await server(() => {}, { verifyClient: (_info, cb) => cb(false, 401, 'Unauthorized') });
    const err = await connect({ url: srv.url, token: TOKEN }).ready.catch((e) => e);
    expect(err).toBeInstanceOf(StreamConnectError);
    expect(err.message).toMatch(/401/);
  });

  for (const [code, name, hint] of [
    [4001, 'token_invalid', /missing, malformed or unknown/],
    [4002, 'token_expired', /expired/],
    [4004, 'session_not_found', /no such session/],
    [4009, 'session_ended', /already over/],
    [4029, 'rate_limited', /too many/],
  ] as const) {
    it(`maps close ${code} after the upgrade to ${name}`, async () => {
      const srv = await server((c) => c.close(code, name));
      const s = connect({ url: srv.url, token: TOKEN });
      const closes = collect<{ code: number; name: string; willReconnect: boolean }>(s, 'close');
      const err = await s.ready.catch((e) => e);
      expect(err).toBeInstanceOf(StreamConnectError);
      expect(err).toMatchObject({ code, closeName: name });
      expect(err.message).toMatch(hint);
      expect(err.message).toContain(`${code} ${name}`);
      expect(closes[0]).toMatchObject({ code, name, willReconnect: false });
    });
  }

  it('times out when session.ready never comes', async () => {
    const srv = await server(() => {});
    const err = await connect({ url: srv.url, token: TOKEN, connectTimeoutMs: 100 }).ready.catch((e) => e);
    expect(err).toBeInstanceOf(StreamConnectError);
    expect(err.closeName).toBe('connect_timeout');
    expect(err.message).toMatch(/timed out: no session.ready within 100 ms/);
    expect(err.message).not.toContain(TOKEN);
    // With reconnect on, a silent server is retried like a busy one.
    const s = connect({ url: srv.url, token: TOKEN, connectTimeoutMs: 50, reconnect: { maxAttempts: 2, initialDelayMs: 1 } });
    const err2 = await s.ready.catch((e) => e);
    expect(err2.closeName).toBe('connect_timeout');
    expect(srv.connections.length).toBe(4);
  });
});

describe('messages', () => {
  it('delivers every server message type to on(type), on("message") and for await', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      for (const m of samples) c.send(m);
      c.send({ type: 'session.ended', session_id: 'sess_test123', reason: 'explicit_end' });
      c.close(1000);
    });
    const s = connect({ url: srv.url, token: TOKEN });
    const byType = new Map<string, unknown[]>();
    for (const m of schemas.server) s.on(m.type as 'pong', (msg) => byType.set(m.type, [...(byType.get(m.type) ?? []), msg]));
    const all = collect<ServerMessage>(s, 'message');
    const iterated: ServerMessage[] = [];
    for await (const msg of s) iterated.push(msg);
    const expected = [{ type: 'session.ready', session_id: 'sess_test123' }, ...samples, { type: 'session.ended', session_id: 'sess_test123', reason: 'explicit_end' }];
    expect(iterated).toEqual(expected);
    expect(all).toEqual(expected);
    for (const m of schemas.server) expect(byType.get(m.type), m.type).toEqual(expected.filter((x) => x.type === m.type));
    expect(s.state).toBe('closed');
  });

  it('sendAudio builds valid audio.input frames with increasing sequence', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url, token: TOKEN, speaker: 'agent' });
    await s.ready;
    const frames = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 1600 }), { numRuns: 20, seed: 7 });
    const before = Date.now();
    for (const f of frames) await s.sendAudio(f);
    const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    await s.sendAudio(pcm, { speaker: 'customer', timestampMs: 1234 });
    const conn = srv.connections[0]!;
    const last = await (async () => {
      while (conn.received.length < frames.length + 1) await tick();
      return conn.received;
    })();
    last.forEach((m, i) => {
      expect(validateAudioInput(m), JSON.stringify(validateAudioInput.errors)).toBe(true);
      expect(m.sequence).toBe(i);
    });
    for (let i = 0; i < frames.length; i++) {
      const m = last[i] as any;
      expect(m.speaker).toBe('agent');
      expect(m.timestamp_ms).toBeGreaterThanOrEqual(before);
      expect(new Uint8Array(Buffer.from(m.audio.payload, 'base64'))).toEqual(frames[i]);
    }
    const pcmMsg = last[frames.length] as any;
    expect(pcmMsg).toMatchObject({ speaker: 'customer', timestamp_ms: 1234, audio: { encoding: 'mulaw', sample_rate_hz: 8000 } });
    expect(new Uint8Array(Buffer.from(pcmMsg.audio.payload, 'base64'))).toEqual(encodeMulaw(pcm));
    expect(decodeMulaw(encodeMulaw(pcm)).length).toBe(160);
    expect(s.nextSequence).toBe(frames.length + 1);
    await expect(s.sendAudio(new Uint8Array(0))).rejects.toThrow(RangeError);
  });

  it('queues audio sent before session.ready and flushes it in order', async () => {
    let sendReady!: () => void;
    const srv = await server((c) => {
      behaveNormally(c, { ready: false });
      sendReady = () => c.send({ type: 'session.ready', session_id: c.sessionId });
    });
    const s = connect({ url: srv.url, token: TOKEN });
    await s.sendAudio(new Uint8Array(160).fill(1));
    await s.sendAudio(new Uint8Array(160).fill(2));
    await until(s, 'open');
    const conn = await srv.connection(0);
    expect(conn.received).toHaveLength(0);
    sendReady();
    await s.ready;
    const a = await conn.next('audio.input');
    const b = await conn.next('audio.input');
    expect([a.sequence, b.sequence]).toEqual([0, 1]);
  });

  it('send() validates client messages', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url, token: TOKEN });
    await s.ready;
    await expect(s.send({ type: 'end' } as never)).rejects.toThrow(/unknown client message type "end"/);
    await expect(
      s.send({ type: 'audio.input', sequence: 0, timestamp_ms: 0, speaker: 'customer', audio: { encoding: 'pcm_16', sample_rate_hz: 8000, payload: 'AA==' } } as never),
    ).rejects.toThrow(/invalid audio.input: \/audio\/encoding/);
    await s.send({ type: 'ping' });
    expect(await srv.connections[0]!.next('ping')).toEqual({ type: 'ping' });
  });

  it('supports several listeners, off(), and survives a throwing listener', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url, token: TOKEN });
    const a: unknown[] = [];
    const b: unknown[] = [];
    const fa = (m: unknown) => a.push(m);
    s.on('pong', fa);
    s.on('pong', (m) => b.push(m));
    s.on('pong', () => {
      throw new Error('boom');
    });
    const errors = collect<StreamError>(s, 'error');
    await s.ready;
    s.ping();
    await until(s, 'pong');
    s.off('pong', fa);
    s.ping();
    await until(s, 'pong');
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
    expect(errors.map((e) => e.kind)).toEqual(['listener', 'listener']);
    expect(s.state).toBe('open');
  });
});

describe('bad frames from the server', () => {
  it("reports malformed and invalid frames as error events and keeps going ('strict')", async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.sendRaw('{not json');
      c.sendRaw('[1,2]');
      c.sendRaw('{"no":"type"}');
      c.send({ type: 'transcript.final', speaker: 'robot', text: 'hi' });
      c.send({ type: 'pong' });
      c.sendRaw(Buffer.from([1, 2, 3]));
      c.send({ type: 'transcript.translated', text: 'from the future' });
      c.send({ type: 'pong', session_id: 'sess_test123' });
    });
    const s = connect({ url: srv.url, token: TOKEN, validate: 'strict' });
    const errors = collect<StreamError>(s, 'error');
    const unknown = collect<UnknownMessage>(s, 'unknown');
    await until(s, 'pong');
    expect(errors.map((e) => e.kind)).toEqual(['parse', 'validation', 'validation', 'validation', 'validation', 'binary_frame']);
    expect(errors.every((e) => e instanceof StreamError)).toBe(true);
    expect(errors[3]!.details).toMatchObject({ type: 'transcript.final' });
    expect((errors[3]!.details.errors as unknown[]).length).toBeGreaterThan(0);
    expect(errors[4]!.message).toMatch(/Invalid pong frame/);
    expect(unknown).toEqual([{ type: 'transcript.translated', data: { type: 'transcript.translated', text: 'from the future' } }]);
    expect(s.state).toBe('open');
  });

  it('by default refuses what breaks a documented field and delivers, with a warning, what breaks an unconfirmed one', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.sendRaw('{not json');
      c.send({ type: 'transcript.final', speaker: 'robot', text: 'hi' }); // speaker values are not confirmed
      c.send({ type: 'pong' }); // the docs show pong with session_id
      c.send({ type: 'pong', session_id: 'sess_test123' });
    });
    const s = connect({ url: srv.url, token: TOKEN });
    const errors = collect<StreamError>(s, 'error');
    const warnings = collect<StreamWarning>(s, 'warning');
    const finals = collect<ServerMessage>(s, 'transcript.final');
    await until(s, 'pong');
    expect(errors.map((e) => e.kind)).toEqual(['parse', 'validation']);
    expect(errors[1]!.message).toMatch(/Invalid pong frame/);
    expect(finals).toEqual([{ type: 'transcript.final', speaker: 'robot', text: 'hi' }]);
    expect(warnings.map((w) => w.kind === 'schema' && w.type)).toEqual(['transcript.final']);
  });

  it('delivers invalid frames when validation is off', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.send({ type: 'pong' });
    });
    const s = connect({ url: srv.url, token: TOKEN, validate: false });
    const errors = collect<StreamError>(s, 'error');
    expect(await until(s, 'pong')).toEqual({ type: 'pong' });
    expect(errors).toHaveLength(0);
  });
});

describe('keepalive', () => {
  it('pings when idle and stays open while pongs come back', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url, token: TOKEN, keepalive: { intervalMs: 30, timeoutMs: 500 } });
    const timeouts = collect(s, 'keepalive_timeout');
    await s.ready;
    const conn = srv.connections[0]!;
    await conn.next('ping');
    await conn.next('ping');
    await conn.next('ping');
    await until(s, 'pong');
    expect(timeouts).toHaveLength(0);
    expect(s.state).toBe('open');
  });

  it('raises keepalive_timeout and closes with 4008 when no pong arrives', async () => {
    const srv = await server((c) => behaveNormally(c, { answerPing: false }));
    const s = connect({ url: srv.url, token: TOKEN, keepalive: { intervalMs: 30, timeoutMs: 60 } });
    const errors = collect<StreamError>(s, 'error');
    const closed = until<StateChange>(s, 'closed');
    await s.ready;
    const timeout = await until<{ timeoutMs: number }>(s, 'keepalive_timeout');
    expect(timeout.timeoutMs).toBe(60);
    expect((await closed).error).toMatchObject({ code: 4008, closeName: 'keepalive_timeout' });
    expect(s.state).toBe('closed');
    expect(errors.map((e) => e.kind)).toContain('keepalive_timeout');
    expect((await srv.connections[0]!.closed).code).toBe(4008);
    await expect(s.sendAudio(new Uint8Array(160))).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('still pings when only the server talks (so the server idle timeout never closes a quiet client)', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      const t = setInterval(() => c.ws.readyState === 1 && c.send({ type: 'transcript.partial', sequence: 1, speaker: 'agent', language: 'en', text: '…', timestamp: '2026-01-01T00:00:00Z' }), 5);
      c.ws.on('close', () => clearInterval(t));
    });
    const s = connect({ url: srv.url, token: TOKEN, keepalive: { intervalMs: 40, timeoutMs: 1000 } });
    await s.ready;
    expect(await srv.connections[0]!.next('ping')).toEqual({ type: 'ping' });
  });

  it('does not ping while traffic flows both ways', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.ws.on('message', () => c.send({ type: 'pong', session_id: c.sessionId })); // any echo counts as traffic
    });
    // The interval is far above the gaps between sends, so a loaded machine does not make it ping.
    const s = connect({ url: srv.url, token: TOKEN, keepalive: { intervalMs: 2000, timeoutMs: 2000 } });
    await s.ready;
    for (let i = 0; i < 15; i++) {
      await s.sendAudio(new Uint8Array(160));
      await until(s, 'pong');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(srv.connections[0]!.received.filter((m) => m.type === 'ping')).toHaveLength(0);
  });
});

describe('reconnect', () => {
  it('is off by default: a retryable close ends the stream', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      setTimeout(() => c.close(1011, 'oops'), 20);
    });
    const s = connect({ url: srv.url, token: TOKEN });
    await s.ready;
    const closed = await until<StateChange>(s, 'closed');
    expect(closed.error).toBeInstanceOf(StreamClosedError);
    expect(closed.error!.message).toMatch(/1011 internal_error/);
    expect(srv.connections).toHaveLength(1);
  });

  it('reconnects with a fresh token after 4002, buffers audio in the gap and continues the sequence', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const srv = await server((c) => behaveNormally(c));
    let calls = 0;
    const s = connect({
      url: srv.url,
      token: TOKEN,
      reconnect: {
        initialDelayMs: 5,
        random: () => 0.5,
        getStream: async (ctx) => {
          calls++;
          expect(ctx).toMatchObject({ attempt: 1, code: 4002, action: 'new_token', previous: { token: TOKEN } });
          await gate;
          return { url: srv.url, token: 'kst_test_fresh2' };
        },
      },
    });
    const states = collect<StateChange>(s, 'state');
    await s.ready;
    await s.sendAudio(new Uint8Array(160).fill(1));
    await s.sendAudio(new Uint8Array(160).fill(2));
    const first = srv.connections[0]!;
    await first.next('audio.input');
    await first.next('audio.input');
    first.close(4002, 'token_expired');
    await until(s, 'reconnecting');
    await s.sendAudio(new Uint8Array(160).fill(3)); // buffered during the gap
    await s.sendAudio(new Uint8Array(160).fill(4));
    release();
    const second = await srv.connection(1);
    expect(second.token).toBe('kst_test_fresh2');
    await until(s, 'session.ready');
    await s.sendAudio(new Uint8Array(160).fill(5));
    const got = [await second.next('audio.input'), await second.next('audio.input'), await second.next('audio.input')];
    expect(got.map((m) => m.sequence)).toEqual([2, 3, 4]);
    expect(got.map((m) => Buffer.from((m as any).audio.payload, 'base64')[0])).toEqual([3, 4, 5]);
    expect(calls).toBe(1);
    expect(states.map((x) => x.state)).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'open']);
    expect(states[2]).toMatchObject({ attempt: 1, code: 4002 });
  });

  it('backs off with bounded jitter and gives up after maxAttempts', async () => {
    const srv = await server((c) => c.close(1013, 'busy'));
    const s = connect({ url: srv.url, token: TOKEN, reconnect: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 20, random: () => 0.999 } });
    const reconnecting = collect<StateChange>(s, 'reconnecting');
    const err = await s.ready.catch((e) => e);
    expect(err).toBeInstanceOf(StreamConnectError);
    expect(err.closeName).toBe('try_again_later');
    expect(srv.connections).toHaveLength(4);
    expect(reconnecting.map((r) => r.attempt)).toEqual([1, 2, 3]);
    // equal jitter: between half and all of min(cap, initial * 2^(n-1))
    expect(reconnecting.map((r) => r.delayMs)).toEqual([10, 20, 20]);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.9999999, noNaN: true }), fc.integer({ min: 1, max: 20 }), (rnd, attempt) => {
        const base = Math.min(8000, 250 * 2 ** (attempt - 1));
        const d = Math.round(base / 2 + (rnd * base) / 2);
        expect(d).toBeGreaterThanOrEqual(base / 2 - 0.5);
        expect(d).toBeLessThanOrEqual(8000);
      }),
    );
  });

  it('does not reconnect after 4009 session_ended or 4004', async () => {
    for (const code of [4009, 4004]) {
      let n = 0;
      const srv = await server((c) => {
        behaveNormally(c);
        if (n++ === 0) setTimeout(() => c.close(code), 10);
      });
      const s = connect({ url: srv.url, token: TOKEN, reconnect: { initialDelayMs: 1, getStream: () => 'kst_test_other' } });
      await s.ready;
      const closed = await until<StateChange>(s, 'closed');
      expect(closed.error?.code).toBe(code);
      expect(srv.connections).toHaveLength(1);
    }
  });

  it('stops on 4001 when the callback returns the same token, and without a callback', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      setTimeout(() => c.close(4001, 'token_invalid'), 10);
    });
    const s = connect({ url: srv.url, token: TOKEN, reconnect: { initialDelayMs: 1, getStream: () => TOKEN } });
    await s.ready;
    const closed = await until<StateChange>(s, 'closed');
    expect(closed.error?.message).toMatch(/same token/);
    expect(srv.connections).toHaveLength(1);

    const s2 = connect({ url: srv.url, token: TOKEN, reconnect: { initialDelayMs: 1 } });
    await s2.ready;
    const closed2 = await until<StateChange>(s2, 'closed');
    expect(closed2.error?.closeName).toBe('token_invalid');
    expect(srv.connections).toHaveLength(2);
  });

  it('reconnects after a network drop (1006) with the same token when no callback is given', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      if (srv.connections.length === 1) setTimeout(() => c.ws.terminate(), 10);
    });
    const s = connect({ url: srv.url, token: TOKEN, reconnect: { initialDelayMs: 1 } });
    await s.ready;
    await until(s, 'reconnecting', (x: StateChange) => x.code === 1006);
    await until(s, 'session.ready');
    expect(srv.connections).toHaveLength(2);
    expect(srv.connections[1]!.token).toBe(TOKEN);
  });

  it('bounds the gap buffer and reports dropped audio', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url, token: TOKEN, reconnect: { initialDelayMs: 1, maxBufferedAudioMs: 40, getStream: async () => (await gate, 'kst_test_new') } });
    const errors = collect<StreamError>(s, 'error');
    await s.ready;
    srv.connections[0]!.close(1001, 'restart');
    await until(s, 'reconnecting');
    for (let i = 0; i < 5; i++) await s.sendAudio(new Uint8Array(160).fill(i)); // 100 ms into a 40 ms buffer
    release();
    const second = await srv.connection(1);
    const got = [await second.next('audio.input'), await second.next('audio.input')];
    expect(got.map((m) => m.sequence)).toEqual([3, 4]);
    const dropped = errors.filter((e) => e.kind === 'audio_dropped');
    expect(dropped.flatMap((e) => e.details.sequences as number[])).toEqual([0, 1, 2]);
  });

  it('a keepalive timeout reconnects when reconnect is on', async () => {
    const srv = await server((c) => behaveNormally(c, { answerPing: srv.connections.length > 1 }));
    const s = connect({ url: srv.url, token: TOKEN, keepalive: { intervalMs: 20, timeoutMs: 40 }, reconnect: { initialDelayMs: 1 } });
    await s.ready;
    await until(s, 'keepalive_timeout');
    await until(s, 'session.ready');
    expect(srv.connections).toHaveLength(2);
    expect((await srv.connections[0]!.closed).code).toBe(4008);
  });
});

describe('backpressure', () => {
  it('sendAudio resolves only once bufferedAmount drops below the high-water mark', async () => {
    let conn!: Conn;
    const srv = await server((c) => {
      conn = c;
      behaveNormally(c);
    });
    const hwm = 256 * 1024;
    const s = connect({ url: srv.url, token: TOKEN, highWaterMark: hwm });
    await s.ready;
    const sock = (conn.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    sock.pause(); // the server stops reading; kernel buffers fill, then ws buffers
    const chunk = new Uint8Array(48 * 1024).fill(0x55);
    let pending: Promise<void> | undefined;
    let sent = 0;
    for (let i = 0; i < 5000 && !pending; i++) {
      const p = s.sendAudio(chunk);
      sent++;
      if (s.bufferedAmount > hwm) pending = p;
      else await p;
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(pending).toBeDefined();
    let resolved = false;
    void pending!.then(() => (resolved = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
    expect(resolved).toBe(false);
    expect(s.bufferedAmount).toBeGreaterThan(hwm);
    sock.resume();
    await pending;
    expect(s.bufferedAmount).toBeLessThanOrEqual(hwm);
    while (conn.received.length < sent) await new Promise((r) => setTimeout(r, 5));
    expect(conn.received.map((m) => m.sequence)).toEqual(Array.from({ length: sent }, (_, i) => i));
  });
});

describe('end and close', () => {
  it('end() sends session.end and resolves on session.ended; iteration completes', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url, token: TOKEN });
    await s.ready;
    const it = (async () => {
      const seen: string[] = [];
      for await (const m of s) seen.push(m.type);
      return seen;
    })();
    await s.sendAudio(new Uint8Array(160));
    const ended = await s.end();
    expect(ended).toEqual({ type: 'session.ended', session_id: 'sess_test123', reason: 'explicit_end' });
    expect(await it).toEqual(['session.ended']);
    expect(s.state).toBe('closed');
    const conn = srv.connections[0]!;
    expect(conn.received.map((m) => m.type)).toEqual(['audio.input', 'session.end']);
    expect((await conn.closed).code).toBe(1000);
    await expect(s.sendAudio(new Uint8Array(160))).rejects.toThrow(/closed/);
    expect(await s.end()).toBe(ended);
  });

  it('end() rejects when the socket closes without session.ended', async () => {
    const srv = await server((c) => {
      c.send({ type: 'session.ready', session_id: c.sessionId });
      c.ws.on('message', () => c.close(1011, 'crash'));
    });
    const s = connect({ url: srv.url, token: TOKEN });
    await s.ready;
    const err = await s.end().catch((e) => e);
    expect(err).toBeInstanceOf(StreamClosedError);
    expect(err.code).toBe(1011);
  });

  it('close() closes with 1000, ends iterators and rejects a pending ready', async () => {
    const srv = await server((c) => behaveNormally(c, { ready: false }));
    const s = connect({ url: srv.url, token: TOKEN });
    await until(s, 'open');
    const closes = collect(s, 'close');
    const iter = s[Symbol.asyncIterator]();
    const next = iter.next();
    await s.close();
    expect(closes).toEqual([{ code: 1000, reason: 'client closed', name: 'normal_closure', action: 'stop', willReconnect: false }]);
    expect(await next).toEqual({ value: undefined, done: true });
    await expect(s.ready).rejects.toThrow(/before session.ready/);
    expect((await srv.connections[0]!.closed).code).toBe(1000);
    expect(s.state).toBe('closed');
  });

  it('an abnormal close makes for-await throw the close error', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      setTimeout(() => c.close(4029, 'slow down'), 10);
    });
    const s = connect({ url: srv.url, token: TOKEN });
    const err = await (async () => {
      for await (const _ of s) void _;
    })().catch((e) => e);
    expect(err).toBeInstanceOf(StreamClosedError);
    expect(err.closeName).toBe('rate_limited');
  });
});
