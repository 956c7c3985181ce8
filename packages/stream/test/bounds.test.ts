// Every inbound path is bounded: frame size (the spec's x-kallglot-max-payload-bytes), the `for await` buffer,
// and reconnect attempts against a server that accepts and then drops at once.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  connectStream,
  MAX_PAYLOAD_BYTES,
  StreamClosedError,
  type StateChange,
  type StreamClient,
  type StreamError,
  type StreamWarning,
  type WebSocketConstructor,
} from '../src/node.js';
import bundled from '../../spec/dist/asyncapi.json' with { type: 'json' };
import { behaveNormally } from './helpers/scripted-server.js';
import { collect, useStreamFixture } from './helpers/stream-fixture.js';

const { server, connect } = useStreamFixture({ token: 'kst_test_bounds' });
const closed = (s: StreamClient) => new Promise<StateChange>((resolve) => s.on('closed', resolve));

/** The WHATWG surface of `ws` only (no `.on`, no maxPayload): the code path browsers take. */
class BrowserLikeWebSocket {
  private ws: WebSocket;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.onopen = (e) => this.onopen?.(e);
    this.ws.onmessage = (e) => this.onmessage?.({ data: e.data });
    this.ws.onerror = (e) => this.onerror?.(e);
    this.ws.onclose = (e) => this.onclose?.({ code: e.code, reason: e.reason });
  }
  get readyState() {
    return this.ws.readyState;
  }
  get bufferedAmount() {
    return this.ws.bufferedAmount;
  }
  set binaryType(v: string) {
    this.ws.binaryType = v as 'arraybuffer';
  }
  send(d: string) {
    this.ws.send(d);
  }
  close(code?: number, reason?: string) {
    // Like a browser: a script may only send 1000 or 3000-4999.
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) throw new Error('InvalidAccessError');
    this.ws.close(code, reason);
  }
}

/** A valid transcript.final of exactly `bytes` bytes, padded in a field this version does not know (frames are open). */
const bigFinal = (bytes: number) => {
  const base = { type: 'transcript.final', sequence: 1, speaker: 'customer', language: 'de', text: 'Hallo', timestamp: '2026-03-26T11:00:15Z', padding: '' };
  const padding = 'x'.repeat(bytes - JSON.stringify(base).length);
  return JSON.stringify({ ...base, padding });
};

describe('inbound frame limit', () => {
  it('comes from the AsyncAPI document', () => {
    expect(MAX_PAYLOAD_BYTES).toBe((bundled as any).channels.sessionStream['x-kallglot-max-payload-bytes']);
    expect(MAX_PAYLOAD_BYTES).toBe(65536);
  });

  for (const [name, WS] of [
    ['Node (ws maxPayload)', undefined],
    ['a plain ws class passed in (no maxPayload)', WebSocket as unknown as WebSocketConstructor],
    ['browser path (length check)', BrowserLikeWebSocket as unknown as WebSocketConstructor],
  ] as const) {
    it(`${name}: a frame of exactly the limit is delivered; one byte more closes with 1009 and an error without the payload`, async () => {
      const srv = await server((c) => {
        behaveNormally(c);
        c.sendRaw(bigFinal(MAX_PAYLOAD_BYTES));
        c.sendRaw(bigFinal(MAX_PAYLOAD_BYTES + 1));
      });
      const s = connect({ url: srv.url, ...(WS ? { WebSocket: WS } : {}) });
      const errors = collect<StreamError>(s, 'error');
      const finals = collect<{ padding: string }>(s, 'transcript.final');
      const end = await closed(s);
      expect(finals.map((f) => f.padding.length)).toEqual([JSON.parse(bigFinal(MAX_PAYLOAD_BYTES)).padding.length]);
      expect(errors.map((e) => e.kind)).toEqual(['frame_too_big']);
      expect(JSON.stringify(errors[0]!.details)).not.toContain('xxxx');
      expect(JSON.stringify(errors[0]!.details).length).toBeLessThan(200);
      expect(end.code).toBe(1009);
      expect(end.error).toBeInstanceOf(StreamClosedError);
      expect(end.error!.closeName).toBe('message_too_big');
      if (!WS) expect((await srv.connections[0]!.closed).code).toBe(1009);
    });
  }

  it('a multi-byte frame over the limit in bytes (not in characters) is caught on the browser path', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      c.send({ type: 'transcript.final', speaker: 'customer', text: 'ü'.repeat(MAX_PAYLOAD_BYTES / 2) });
    });
    const s = connect({ url: srv.url, WebSocket: BrowserLikeWebSocket as unknown as WebSocketConstructor });
    const errors = collect<StreamError>(s, 'error');
    expect((await closed(s)).code).toBe(1009);
    expect(errors.map((e) => e.kind)).toEqual(['frame_too_big']);
  });
});

describe('for await buffer', () => {
  it('keeps the newest maxBufferedMessages, drops the oldest and reports the count', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      for (let i = 1; i <= 10; i++) c.send({ type: 'transcript.partial', speaker: 'customer', text: `t${i}` });
      c.send({ type: 'session.ended', session_id: 'sess_test123', reason: 'explicit_end' });
      c.close(1000, 'done');
    });
    const s = connect({ url: srv.url, maxBufferedMessages: 3 });
    const warnings = collect<StreamWarning>(s, 'warning');
    const it = s[Symbol.asyncIterator](); // registered, but nobody reads until the stream is over
    await closed(s);
    const got: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) got.push(r.value.type === 'transcript.partial' ? r.value.text : r.value.type);
    expect(got).toEqual(['t9', 't10', 'session.ended']);
    const overflow = warnings.filter((w): w is Extract<StreamWarning, { kind: 'overflow' }> => w.kind === 'overflow');
    // 12 messages (session.ready too) into 3 places: 9 dropped, reported on the first drop and then once per 3.
    expect(overflow.map((w) => [w.dropped, w.totalDropped])).toEqual([[1, 1], [3, 4], [3, 7]]);
    expect(overflow[0]!.limit).toBe(3);
  });

  it('a loop within the default cap never drops', async () => {
    const srv = await server((c) => {
      behaveNormally(c);
      for (let i = 1; i <= 200; i++) c.send({ type: 'transcript.partial', speaker: 'customer', text: `t${i}` });
      c.send({ type: 'session.ended', session_id: 'sess_test123', reason: 'explicit_end' });
      c.close(1000, 'done');
    });
    const s = connect({ url: srv.url }); // default cap: 1000
    const warnings = collect<StreamWarning>(s, 'warning');
    let n = 0;
    for await (const m of s) if (m.type === 'transcript.partial') n++;
    expect(n).toBe(200);
    expect(warnings.filter((w) => w.kind === 'overflow')).toEqual([]);
  });

  it('rejects a bad maxBufferedMessages', () => {
    expect(() => connectStream({ url: 'ws://127.0.0.1:1/v1/sessions/sess_1/connect', token: 'kst_x', maxBufferedMessages: 0 })).toThrow(/maxBufferedMessages/);
  });
});

describe('reconnect against a flapping server', () => {
  for (const code of [1006, 1001, 1011]) {
    it(`session.ready then ${code} every time: backoff grows and the stream gives up with reconnect_failed`, async () => {
      const srv = await server((c) => {
        c.send({ type: 'session.ready', session_id: c.sessionId });
        if (code === 1006) setImmediate(() => c.ws.terminate());
        else c.close(code, 'flap');
      });
      const s = connect({ url: srv.url, reconnect: { maxAttempts: 4, initialDelayMs: 2, maxDelayMs: 1000, random: () => 0.999 } });
      const reconnecting = collect<StateChange>(s, 'reconnecting');
      const errors = collect<StreamError>(s, 'error');
      const end = await closed(s);
      expect(reconnecting.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
      expect(reconnecting.map((r) => r.delayMs)).toEqual([2, 4, 8, 16]);
      expect(srv.connections).toHaveLength(5);
      expect(errors.map((e) => e.kind)).toEqual(['reconnect_failed']);
      expect(end.error).toBeInstanceOf(StreamClosedError);
    });
  }

  it('the backoff starts over once a connection has stayed up for stableAfterMs', async () => {
    let n = 0;
    const srv = await server((c) => {
      c.send({ type: 'session.ready', session_id: c.sessionId });
      const i = n++;
      // Connections 0 and 2 stay up far past stableAfterMs (100 ms) before dropping; 1 drops at once.
      if (i === 1) c.close(1011, 'flap');
      else if (i < 3) setTimeout(() => c.close(1011, 'after a while'), 500);
      else behaveNormally(c, { ready: false });
    });
    const s = connect({ url: srv.url, reconnect: { maxAttempts: 5, initialDelayMs: 2, maxDelayMs: 1000, random: () => 0.999, stableAfterMs: 100 } });
    const reconnecting = collect<StateChange>(s, 'reconnecting');
    await srv.connection(3);
    expect(reconnecting.map((r) => r.attempt)).toEqual([1, 2, 1]);
    expect(reconnecting.map((r) => r.delayMs)).toEqual([2, 4, 2]);
  });
});
