// The stream protocol with no socket: a fake port takes the frames and close codes, the engine's virtual clock
// (frozen) drives every timer. Each test feeds frames to a Connection and asserts what comes out.
import { beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../src/engine/clock.js';
import { Engine } from '../src/engine/index.js';
import { buildAsyncApiModel } from '../src/internal/asyncapi-model.js';
import { readJson, resolveSpecPath } from '../src/internal/specs.js';
import { SessionRegistry } from '../src/registry.js';
import { loadScenarios, resolveScenario } from '../src/scenario.js';
import { INVALID_FRAME_BURST } from '../src/stream/backpressure.js';
import { createStreamProtocol } from '../src/stream/protocol.js';
import { clockTimers } from '../src/stream/timers.js';
import type { StreamPort, StreamProtocolOptions } from '../src/stream/types.js';

const model = buildAsyncApiModel(readJson(resolveSpecPath('asyncapi.json')));
const scenarios = loadScenarios();
const utf8 = new TextDecoder();

class FakePort implements StreamPort {
  readonly frames: Array<Record<string, unknown>> = [];
  closed: { code: number; reason: string } | undefined;
  terminated = false;
  bufferedAmount = 0;
  get open() {
    return !this.closed && !this.terminated;
  }
  send(data: string | Uint8Array) {
    this.frames.push(JSON.parse(typeof data === 'string' ? data : utf8.decode(data)) as Record<string, unknown>);
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
  }
  terminate() {
    this.terminated = true;
  }
  types() {
    return this.frames.map((f) => f.type);
  }
  last() {
    return this.frames[this.frames.length - 1]!;
  }
}

/** A canonical audio.input frame carrying `ms` of μ-law audio (8 bytes per ms). */
function audio(ms: number, sequence = 0): string {
  const payload = Buffer.alloc(ms * 8, 0xff).toString('base64');
  return `{"type":"audio.input","sequence":${sequence},"timestamp_ms":${1000 + sequence},"speaker":"customer","audio":{"encoding":"mulaw","sample_rate_hz":8000,"payload":"${payload}"}}`;
}

let clock: Clock;
let registry: SessionRegistry;

function protocol(extra: Partial<StreamProtocolOptions> = {}) {
  return createStreamProtocol({
    model,
    registry,
    resolveScenario: (name) => resolveScenario(name, scenarios),
    defaultScenario: resolveScenario(undefined, scenarios),
    timers: clockTimers(clock),
    idleTimeoutMs: 0,
    log: () => {},
    ...extra,
  });
}

function session(init: { sourceLanguage?: string; targetLanguage?: string } = {}) {
  const s = registry.createSession({ sourceLanguage: init.sourceLanguage ?? null, targetLanguage: init.targetLanguage ?? null });
  const t = registry.issueToken(s.id);
  return { id: s.id, url: (query = '') => new URL(`ws://stream.local/v1/sessions/${s.id}/connect?token=${t.token}${query}`) };
}

beforeEach(() => {
  clock = new Clock({ scale: 0, start: Date.parse('2026-03-26T11:00:00Z') });
  registry = new SessionRegistry(new Engine({ clock }));
});

describe('admission', () => {
  it('refuses with the taxonomy close codes', () => {
    const p = protocol({ acceptUnknownTokens: false });
    const s = session();
    const other = session();
    const expired = registry.issueToken(s.id, -1);
    const cases: Array<[string, number, string]> = [
      ['ws://x/v1/other', 4004, 'session_not_found'],
      [`ws://x/v1/sessions/${s.id}/connect`, 4001, 'token_invalid'],
      [`ws://x/v1/sessions/${s.id}/connect?token=bearer`, 4001, 'token_invalid'],
      [`ws://x/v1/sessions/${s.id}/connect?token=kst_test_neverissued`, 4001, 'token_invalid'],
      [`${other.url().href.replace(other.id, s.id)}`, 4001, 'token_invalid'],
      [`ws://x/v1/sessions/${s.id}/connect?token=${expired.token}`, 4002, 'token_expired'],
    ];
    for (const [url, code, reason] of cases) {
      const port = new FakePort();
      expect(p.connect(new URL(url), port), url).toBeUndefined();
      expect(port.closed, url).toEqual({ code, reason });
      expect(port.frames, url).toEqual([]);
    }
    expect(p.stats.connections).toBe(cases.length);
    // Ending a session revokes its tokens: a strict protocol refuses the token, a lenient one names the end.
    registry.endSession(s.id, 'api_end');
    const strict = new FakePort();
    p.connect(s.url(), strict);
    expect(strict.closed).toEqual({ code: 4001, reason: 'token_invalid' });
    const lenient = new FakePort();
    protocol().connect(s.url(), lenient);
    expect(lenient.closed).toEqual({ code: 4009, reason: 'session_ended' });
  });

  it('accepts an unknown well-formed token by default, and marks a known session active', () => {
    const p = protocol();
    const port = new FakePort();
    expect(p.connect(new URL('ws://x/v1/sessions/sess_unknown1/connect?token=kst_test_x'), port)).toBeDefined();
    expect(port.types()).toEqual(['session.ready']);
    const s = session();
    p.connect(s.url(), new FakePort());
    expect(registry.sessions.get(s.id)!.status).toBe('active');
  });

  it('refuses an unsendable URL fault with session.error + 1008, when URL faults are allowed', () => {
    const p = protocol({ allowUrlFaults: true });
    const port = new FakePort();
    p.connect(session().url('&mock_close_code=1006'), port);
    expect(port.last()).toMatchObject({ type: 'session.error', param: 'mock_close_code' });
    expect(port.closed).toEqual({ code: 1008, reason: 'invalid_fault' });
  });
});

describe('frames in, frames out', () => {
  it('answers ping with pong and invalid frames with session.error (the shared decoder)', () => {
    const p = protocol();
    const port = new FakePort();
    const c = p.connect(session().url(), port)!;
    c.onPing();
    c.onText('{"type": "ping"}');
    c.onText('{"type":"ping"');
    c.onText('[1]');
    c.onText('{"type":"pong"}');
    c.onText(audio(10).replace(/"payload":"[^"]*"/, '"payload":"AAA"'));
    c.onText(audio(10).replace('"speaker":"customer"', '"speaker":"robot"'));
    c.onBinary();
    expect(port.types()).toEqual(['session.ready', 'pong', 'pong', ...Array(6).fill('session.error')]);
    expect(port.frames.slice(3).map((f) => f.code)).toEqual(['invalid_json', 'invalid_message', 'unknown_message_type', 'invalid_audio_format', 'invalid_message', 'unsupported_frame'].map((c) => (model.errorCodes.includes(c) ? c : 'invalid_message')));
    expect(port.frames[6]).toMatchObject({ param: 'audio.payload' });
    expect(port.frames[7]).toMatchObject({ param: 'speaker' });
    expect(p.stats.framesIn).toBe(8);
    expect(port.closed).toBeUndefined();
  });

  it('paces partials and finals by the audio received and turns finals into transcript turns', () => {
    const p = protocol();
    const s = session({ sourceLanguage: 'en', targetLanguage: 'es' });
    const port = new FakePort();
    const c = p.connect(s.url(), port)!;
    c.onText(audio(499, 0));
    expect(port.types()).toEqual(['session.ready']);
    c.onText(audio(1, 1));
    expect(port.last()).toMatchObject({ type: 'transcript.partial', text: 'Hello, I need' });
    c.onText(audio(1000, 2));
    expect(port.types()).toEqual(['session.ready', 'transcript.partial', 'transcript.partial', 'transcript.final']);
    expect(port.last()).toMatchObject({ text: 'Hello, I need help with my order.', translation: { language: 'es', text: 'Hola, necesito ayuda con mi pedido.' } });
    c.onText('{"type":"session.end"}');
    expect(port.last()).toMatchObject({ type: 'session.ended', reason: 'explicit_end' });
    expect(port.closed).toEqual({ code: 1000, reason: 'normal_closure' });
    expect(registry.sessions.get(s.id)!.status).toBe('ended');
    const turns = registry.engine.findSession(s.id)!.session.turns;
    expect(turns.map((t) => t.text)).toEqual(['Hello, I need help with my order.']);
  });

  it('tells the client when the session ends elsewhere, then closes 1000', () => {
    const p = protocol();
    const s = session();
    const port = new FakePort();
    p.connect(s.url(), port);
    expect(p.live.get(s.id)?.size).toBe(1);
    registry.endSession(s.id, 'api_end');
    expect(port.last()).toMatchObject({ type: 'session.ended', reason: 'api_end' });
    expect(port.closed).toEqual({ code: 1000, reason: 'normal_closure' });
  });
});

describe('time, faults and bounds on the virtual clock', () => {
  it('closes a silent client with 4008 after the idle timeout; a frame restarts the window', () => {
    const p = protocol({ idleTimeoutMs: 1000 });
    const port = new FakePort();
    const c = p.connect(session().url(), port)!;
    clock.advance(600);
    c.onPing();
    clock.advance(999);
    expect(port.closed).toBeUndefined();
    clock.advance(1);
    expect(port.closed).toEqual({ code: 4008, reason: 'keepalive_timeout' });
    c.onClose();
    expect(clock.pending).toBe(0);
  });

  it('delays frames and closes by the fault latency, and drops after N frames', () => {
    const p = protocol({ allowUrlFaults: true });
    const port = new FakePort();
    p.connect(session().url('&mock_latency_ms=250'), port);
    expect(port.frames).toEqual([]);
    clock.advance(249);
    expect(port.frames).toEqual([]);
    clock.advance(1);
    expect(port.types()).toEqual(['session.ready']);
    const dropped = new FakePort();
    const c = p.connect(session().url('&mock_drop_after_frames=2'), dropped)!;
    c.onPing();
    expect(dropped.types()).toEqual(['session.ready', 'pong']);
    expect(dropped.terminated).toBe(true);
  });

  it('closes a client that does not read with 1013, and cuts it if even that is not read', () => {
    const p = protocol({ maxBufferedBytes: 100 });
    const port = new FakePort();
    const c = p.connect(session().url(), port)!;
    port.bufferedAmount = 101;
    c.onPing();
    expect(port.closed).toEqual({ code: 1013, reason: 'try_again_later' });
    port.closed = undefined; // the peer never takes the close frame
    clock.advance(4999);
    expect(port.terminated).toBe(false);
    clock.advance(1);
    expect(port.terminated).toBe(true);
  });

  it('answers a burst of invalid frames, then closes with 4029; the bucket refills with time', () => {
    const p = protocol();
    const port = new FakePort();
    const c = p.connect(session().url(), port)!;
    for (let i = 0; i < INVALID_FRAME_BURST; i++) c.onText('nope');
    expect(port.frames.length).toBe(1 + INVALID_FRAME_BURST);
    expect(port.closed).toBeUndefined();
    clock.advance(1000); // +64 answers
    for (let i = 0; i < 64; i++) c.onText('nope');
    expect(port.closed).toBeUndefined();
    c.onText('nope');
    expect(port.closed).toEqual({ code: 4029, reason: 'rate_limited' });
  });
});
