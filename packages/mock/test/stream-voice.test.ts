// Turns follow the caller's voice, broken audio is named, one duration, test keys only: the stream protocol with no
// socket (a fake port), the engine's frozen virtual clock as the only time. Audio is the bundled espeak-ng sample.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { liveDetectors, loadVad } from '../src/audio/fvad.js';
import { diagnosticsStoreFor } from '../src/audio/diagnostics-store.js';
import { Clock } from '../src/engine/clock.js';
import { Engine } from '../src/engine/index.js';
import { durationSeconds } from '../src/engine/session-lookup.js';
import { buildAsyncApiModel } from '../src/internal/asyncapi-model.js';
import { readJson, resolveSpecPath } from '../src/internal/specs.js';
import { SessionRegistry } from '../src/registry.js';
import { loadScenarios, resolveScenario } from '../src/scenario.js';
import { createStreamProtocol } from '../src/stream/protocol.js';
import { clockTimers } from '../src/stream/timers.js';
import type { StreamConnection, StreamPort, StreamProtocolOptions } from '../src/stream/types.js';
import { frames, phrases, SPEECH, speechWav44kStereo } from './helpers/audio.js';

const model = buildAsyncApiModel(readJson(resolveSpecPath('asyncapi.json')));
const scenarios = loadScenarios();
const script = resolveScenario(undefined, scenarios).utterances.map((u) => u.text);

type Frame = Record<string, unknown> & { type: string; atMs: number };

/** Records every frame with the audio (ms) the client had sent when it came out. */
class FakePort implements StreamPort {
  readonly frames: Frame[] = [];
  sentMs = 0;
  closed: { code: number; reason: string } | undefined;
  get open() {
    return !this.closed;
  }
  send(data: string | Uint8Array) {
    this.frames.push({ ...(JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data)) as Record<string, unknown>), atMs: this.sentMs } as Frame);
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
  }
  terminate() {}
  of(type: string) {
    return this.frames.filter((f) => f.type === type);
  }
}

let clock: Clock;
let registry: SessionRegistry;
const logs: string[] = [];

function protocol(extra: Partial<StreamProtocolOptions> = {}) {
  return createStreamProtocol({ model, registry, resolveScenario: (n) => resolveScenario(n, scenarios), defaultScenario: resolveScenario(undefined, scenarios), timers: clockTimers(clock), idleTimeoutMs: 0, log: (l) => logs.push(l), ...extra });
}

function open(p = protocol(), tenant?: string) {
  const s = registry.createSession({ sourceLanguage: 'en', targetLanguage: 'es', ...(tenant ? { tenant } : {}) });
  const t = registry.issueToken(s.id);
  const port = new FakePort();
  const c = p.connect(new URL(`ws://x/v1/sessions/${s.id}/connect?token=${t.token}`), port);
  return { id: s.id, port, c: c as StreamConnection };
}

/** Sends `audio` in frames of `ms`, moving the virtual clock with it (real-time pacing). */
function stream(conn: { port: FakePort; c: StreamConnection }, audio: Uint8Array, ms = 100) {
  frames(audio, ms).forEach((f, i) => {
    conn.port.sentMs += f.length / 8;
    conn.c.onText(JSON.stringify({ type: 'audio.input', sequence: i, timestamp_ms: 1000 + i * ms, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: Buffer.from(f).toString('base64') } }));
    clock.advance(f.length / 8);
  });
}

beforeAll(async () => {
  await loadVad();
});

beforeEach(() => {
  clock = new Clock({ scale: 0, start: Date.parse('2026-03-26T11:00:00Z') });
  registry = new SessionRegistry(new Engine({ clock }));
  logs.length = 0;
});

describe('turns follow voice activity', () => {
  it('the speech sample gives one final per phrase, each shortly after its phrase ends, none in the lead silence', () => {
    const spans = phrases();
    expect(spans).toHaveLength(3);
    for (const ms of [100, 20]) {
      const conn = open();
      stream(conn, SPEECH, ms);
      const finals = conn.port.of('transcript.final');
      expect(finals.map((f) => f.text)).toEqual(script);
      expect(finals.map((f) => f.sequence)).toEqual([1, 2, 3]);
      finals.forEach((f, i) => {
        expect(f.atMs).toBeGreaterThan(spans[i]!.endMs);
        expect(f.atMs - spans[i]!.endMs).toBeLessThanOrEqual(800); // the 500 ms hangover, plus a frame and the tail
        if (i + 1 < spans.length) expect(f.atMs).toBeLessThan(spans[i + 1]!.startMs);
      });
      const turns = conn.port.frames.filter((f) => f.type.startsWith('transcript.'));
      expect(turns[0]!.atMs).toBeGreaterThan(spans[0]!.startMs); // nothing during the lead silence
      // partials come while a phrase lasts, with its sequence, before its final
      const partials = conn.port.of('transcript.partial');
      expect(partials.length).toBeGreaterThanOrEqual(3);
      for (const p of partials) {
        const span = spans[(p.sequence as number) - 1]!;
        expect(p.atMs).toBeGreaterThan(span.startMs);
        expect(p.atMs).toBeLessThanOrEqual(span.endMs + 500);
      }
      expect(logs.filter((l) => l.includes('audio '))).toEqual([]); // no diagnostic on the shipped sample
      conn.c.onClose();
    }
  });

  it('5 s of silence, constant bytes or quiet noise give no turn', () => {
    const quiet = Uint8Array.from({ length: 40_000 }, (_, i) => 0xf8 + ((i * 7919) % 7)); // a few LSBs of noise
    for (const audio of [new Uint8Array(40_000).fill(0xff), new Uint8Array(40_000).fill(0x55), quiet]) {
      const conn = open();
      stream(conn, audio);
      conn.c.onText('{"type":"session.end"}');
      expect(conn.port.frames.map((f) => f.type)).toEqual(['session.ready', 'session.ended']);
    }
  });

  it('a stream that ends mid-phrase gets that phrase\'s final before session.ended', () => {
    const conn = open();
    stream(conn, SPEECH.subarray(0, (phrases()[0]!.endMs - 200) * 8));
    conn.c.onText('{"type":"session.end"}');
    expect(conn.port.frames.map((f) => f.type).slice(-2)).toEqual(['transcript.final', 'session.ended']);
  });

  it('every connection end disposes its detector', () => {
    const before = liveDetectors();
    const conns = [open(), open(), open()];
    expect(liveDetectors()).toBe(before + 3);
    stream(conns[0]!, SPEECH.subarray(0, 16_000));
    conns[0]!.c.onText('{"type":"session.end"}');
    for (const c of conns) c.c.onClose();
    expect(liveDetectors()).toBe(before);
  });
});

describe('broken audio is named', () => {
  const wav = speechWav44kStereo();

  it('strict audio: a raw 44.1 kHz stereo WAV gets session.error invalid_audio_format on its first frame', () => {
    const conn = open(protocol({ strictAudio: true }));
    stream(conn, wav.subarray(0, 16_000 * 8), 200);
    const errors = conn.port.of('session.error');
    expect(errors[0]).toMatchObject({ code: 'invalid_audio_format', param: 'audio.payload' });
    expect(errors[0]!.message).toMatch(/RIFF\/WAVE header/);
    expect(errors[0]!.atMs).toBeLessThanOrEqual(2000); // within 2 s of audio
    expect(conn.port.of('transcript.final')).toEqual([]);
  });

  it('default mode: the WAV streams on, and the session keeps a diagnostic naming the problem (one per code)', () => {
    const conn = open();
    stream(conn, wav, 200);
    expect(conn.port.of('session.error')).toEqual([]);
    const list = diagnosticsStoreFor(registry.engine).list(conn.id);
    expect(list.map((d) => d.code)).toEqual(expect.arrayContaining(['wav_header', 'pcm16_bytes']));
    expect(new Set(list.map((d) => d.code)).size).toBe(list.length);
    expect(list[0]).toMatchObject({ code: 'wav_header', fatal: true, sequence: 0, session_id: conn.id });
    expect(logs.some((l) => l.includes(conn.id) && l.includes('wav_header'))).toBe(true);
  });

  it('strict audio never fires on the shipped sample or on 20 ms carrier frames, paced in real time', () => {
    for (const ms of [100, 20]) {
      const conn = open(protocol({ strictAudio: true }));
      stream(conn, SPEECH, ms);
      expect(conn.port.of('session.error')).toEqual([]);
      expect(conn.port.of('transcript.final')).toHaveLength(3);
      expect(diagnosticsStoreFor(registry.engine).list(conn.id)).toEqual([]);
    }
  });

  it('strict audio: μ-law sent 10× faster than real time is refused once 2 s of allowance are used up', () => {
    const conn = open(protocol({ strictAudio: true }));
    frames(SPEECH, 100).forEach((f, i) => {
      conn.port.sentMs += 100;
      conn.c.onText(JSON.stringify({ type: 'audio.input', sequence: i, timestamp_ms: i, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: Buffer.from(f).toString('base64') } }));
      clock.advance(10);
    });
    expect(conn.port.of('session.error')[0]).toMatchObject({ code: 'invalid_audio_format' });
    expect(conn.port.of('session.error')[0]!.message).toMatch(/faster than real time/);
  });
});

describe('one duration, test keys only', () => {
  it('session.ended carries the duration REST and the webhook carry, to the millisecond', () => {
    const events: Array<{ type: string; payload: Record<string, unknown> }> = [];
    registry.engine.onEvent((e) => events.push(e as never));
    const conn = open();
    clock.advance(12_122);
    conn.c.onText('{"type":"session.end"}');
    const ended = conn.port.of('session.ended')[0]!;
    const record = registry.engine.findSession(conn.id)!.session;
    expect(ended.duration_seconds).toBe(12.122);
    expect(durationSeconds(record, clock.now())).toBe(12.122);
    const hook = events.find((e) => e.type === 'session.ended')!;
    expect(JSON.stringify(hook.payload)).toContain('"duration_seconds":12.122');
  });

  it('refuses a token minted under a live key, saying the sandbox takes sk_test_ keys', () => {
    for (const make of [() => open(protocol(), 'sk_live_51Habcdef'), () => {
      const port = new FakePort();
      protocol().connect(new URL('ws://x/v1/sessions/sess_abc1/connect?token=kst_live_0123'), port);
      return { port };
    }]) {
      const { port } = make();
      expect(port.closed?.code).toBe(4001);
      expect(port.closed?.reason).toMatch(/^token_invalid: .*sk_test_… keys only/);
      expect(port.frames.map((f) => f.type)).toEqual(['session.error']);
      expect(port.frames[0]!.message).toMatch(/sk_test_… keys only/);
    }
  });
});
