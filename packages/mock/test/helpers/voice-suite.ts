// The done-when of "the sandbox hears what you send", shared by the node adapter (real sockets) and the MSW adapter
// (the intercepted global WebSocket): turns follow the speech sample, silence gives none, a raw WAV is named in the
// diagnostics or refused in strict-audio mode. Each test file supplies how to open a session and read diagnostics.
import { expect, it } from 'vitest';
import { phrases, SPEECH, speechWav44kStereo } from './audio.js';
import { streamStamped, type FrameChannel } from './voice.js';

export interface VoiceChannel extends FrameChannel {
  /** The close code, once the socket has closed. */
  closed: Promise<number>;
  close(): void;
}

export interface VoiceAdapter {
  /** A session with languages, its socket open and past `session.ready`; `strict` is the strict-audio sandbox. */
  open(sandbox: 'default' | 'strict'): Promise<{ id: string; ch: VoiceChannel }>;
  diagnostics(id: string): unknown[] | Promise<unknown[]>;
  /** The default sandbox's log lines. */
  logs: string[];
  /** How strict audio is turned on, for the test name (`strictAudio`, `--strict-audio`). */
  strictOption: string;
}

/** POST /v1/sessions (bidirectional, en → es) on `restBase`; the stream URL with its token. */
export async function createVoiceSession(restBase: string, key: string): Promise<{ id: string; url: string }> {
  const res = await fetch(`${restBase}/v1/sessions`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' }) });
  const s = (await res.json()) as { id: string; stream: { url: string; token: string } };
  return { id: s.id, url: `${s.stream.url}?token=${s.stream.token}` };
}

/** The four shared tests, in the calling describe block. */
export function voiceDoneWhen(a: VoiceAdapter): void {
  it('the speech sample: one final per phrase, each shortly after its phrase ends, none in the lead silence', async () => {
    const { ch } = await a.open('default');
    const out = await streamStamped(ch, SPEECH);
    const spans = phrases();
    const finals = out.filter((f) => f.type === 'transcript.final');
    expect(finals.map((f) => f.sequence)).toEqual([1, 2, 3]);
    finals.forEach((f, i) => {
      expect(f.atMs).toBeGreaterThan(spans[i]!.endMs);
      expect(f.atMs - spans[i]!.endMs).toBeLessThanOrEqual(800);
    });
    expect(out[0]!.atMs).toBeGreaterThan(spans[0]!.startMs);
    ch.send({ type: 'session.end' });
    expect(await ch.closed).toBe(1000);
  });

  it('5 s of silence gives no transcript', async () => {
    const { ch } = await a.open('default');
    expect(await streamStamped(ch, new Uint8Array(40_000).fill(0xff))).toEqual([]);
    ch.send({ type: 'session.end' });
    expect((await ch.next((f) => f.type !== 'pong')).type).toBe('session.ended');
    await ch.closed;
  });

  it('a raw 44.1 kHz stereo WAV: default mode streams on and leaves a diagnostic naming the problem', async () => {
    const { id, ch } = await a.open('default');
    const out = await streamStamped(ch, speechWav44kStereo().subarray(0, 40 * 1600), 200);
    expect(out.filter((f) => f.type === 'session.error')).toEqual([]);
    const list = (await a.diagnostics(id)) as Array<{ message: string }>;
    expect(list[0]).toMatchObject({ code: 'wav_header', fatal: true, session_id: id, sequence: 0 });
    expect(list[0]!.message).toMatch(/RIFF\/WAVE header.*wavToMulaw8k/);
    expect(a.logs.some((l) => l.includes(id) && l.includes('wav_header'))).toBe(true);
    ch.close();
    await ch.closed;
  });

  it(`${a.strictOption}: the WAV gets session.error invalid_audio_format on its first frame (within 2 s of audio)`, async () => {
    const { ch } = await a.open('strict');
    const out = await streamStamped(ch, speechWav44kStereo(), 200, (f) => f.type === 'session.error');
    const error = out.find((f) => f.type === 'session.error')!;
    expect(error).toMatchObject({ code: 'invalid_audio_format' });
    expect(error.atMs).toBeLessThanOrEqual(2000);
    ch.close();
    await ch.closed;
  });
}
