// The same done-when under @kallglot/mock/msw (setupServer intercepting the global WebSocket, no socket opened):
// turns follow the speech sample, silence gives none, a raw WAV is named (`handlers.diagnostics`) or refused
// (`strictAudio`), and every intercepted connection frees its voice detector when it ends.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDetectors } from '../src/audio/fvad.js';
import { createKallglotHandlers } from '../src/msw/index.js';
import { phrases, SPEECH, speechWav44kStereo } from './helpers/audio.js';
import { streamStamped, type FrameChannel } from './helpers/voice.js';

if (typeof globalThis.WebSocket === 'undefined') {
  const { WebSocket } = await import('undici');
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}

const KEY = 'sk_test_msw_voice';
const logs: string[] = [];
const handlers = createKallglotHandlers({ log: (l) => logs.push(l) });
const strict = createKallglotHandlers({ baseUrl: 'https://strict.example', streamUrl: 'wss://strict-stream.example', strictAudio: true, log: () => undefined });
const server = setupServer(...handlers, ...strict);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => {
  server.close();
  handlers.dispose();
  strict.dispose();
});

/** A recording channel over the (intercepted) global WebSocket. */
function channel(url: string): FrameChannel & { closed: Promise<number>; frames: any[]; close(): void } {
  const ws = new globalThis.WebSocket(url);
  const frames: any[] = [];
  const waiters: Array<() => void> = [];
  let cursor = 0;
  ws.addEventListener('message', (e) => {
    frames.push(JSON.parse(String(e.data)));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((r) => ws.addEventListener('close', (e) => r(e.code)));
  const opened = new Promise((r) => ws.addEventListener('open', r));
  return {
    frames,
    closed,
    close: () => ws.close(),
    send: (o) => void opened.then(() => ws.send(JSON.stringify(o))),
    async next(pred) {
      for (;;) {
        while (cursor < frames.length) {
          const f = frames[cursor++];
          if (pred(f)) return f;
        }
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}

async function opened(base: string) {
  const res = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' }) });
  const s = (await res.json()) as { id: string; stream: { url: string; token: string } };
  const ch = channel(`${s.stream.url}?token=${s.stream.token}`);
  await ch.next((f) => f.type === 'session.ready');
  return { id: s.id, ch };
}

describe('@kallglot/mock/msw hears what you send', () => {
  it('the speech sample: one final per phrase, each shortly after its phrase ends, none in the lead silence', async () => {
    const { ch } = await opened('https://api.kallglot.com');
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
    const { ch } = await opened('https://api.kallglot.com');
    expect(await streamStamped(ch, new Uint8Array(40_000).fill(0xff))).toEqual([]);
    ch.send({ type: 'session.end' });
    expect((await ch.next((f) => f.type !== 'pong')).type).toBe('session.ended');
    await ch.closed;
  });

  it('a raw 44.1 kHz stereo WAV: default mode streams on and leaves a diagnostic naming the problem', async () => {
    const { id, ch } = await opened('https://api.kallglot.com');
    const out = await streamStamped(ch, speechWav44kStereo().subarray(0, 40 * 1600), 200);
    expect(out.filter((f) => f.type === 'session.error')).toEqual([]);
    const list = handlers.diagnostics(id);
    expect(list[0]).toMatchObject({ code: 'wav_header', fatal: true, session_id: id, sequence: 0 });
    expect(list[0]!.message).toMatch(/RIFF\/WAVE header/);
    expect(logs.some((l) => l.includes(id) && l.includes('wav_header'))).toBe(true);
    ch.close();
    await ch.closed;
  });

  it('strictAudio: the WAV gets session.error invalid_audio_format on its first frame (within 2 s of audio)', async () => {
    const { ch } = await opened('https://strict.example');
    const out = await streamStamped(ch, speechWav44kStereo(), 200, (f) => f.type === 'session.error');
    const error = out.find((f) => f.type === 'session.error')!;
    expect(error).toMatchObject({ code: 'invalid_audio_format' });
    expect(error.atMs).toBeLessThanOrEqual(2000);
    ch.close();
    await ch.closed;
  });

  it('every ended connection freed its voice detector', async () => {
    for (let i = 0; i < 100 && liveDetectors() > 0; i++) await new Promise((r) => setTimeout(r, 0));
    expect(liveDetectors()).toBe(0);
  });
});
