// The same done-when under @kallglot/mock/msw (setupServer intercepting the global WebSocket, no socket opened):
// turns follow the speech sample, silence gives none, a raw WAV is named (`handlers.diagnostics`) or refused
// (`strictAudio`), and every intercepted connection frees its voice detector when it ends.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDetectors } from '../src/audio/fvad.js';
import { createKallglotHandlers } from '../src/msw/index.js';
import { createVoiceSession, voiceDoneWhen, type VoiceChannel } from './helpers/voice-suite.js';

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
function channel(url: string): VoiceChannel {
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

const bases = { default: 'https://api.kallglot.com', strict: 'https://strict.example' };

describe('@kallglot/mock/msw hears what you send', () => {
  voiceDoneWhen({
    async open(sandbox) {
      const s = await createVoiceSession(bases[sandbox], KEY);
      const ch = channel(s.url);
      await ch.next((f) => f.type === 'session.ready');
      return { id: s.id, ch };
    },
    diagnostics: (id) => handlers.diagnostics(id),
    logs,
    strictOption: 'strictAudio',
  });

  it('every ended connection freed its voice detector', async () => {
    for (let i = 0; i < 100 && liveDetectors() > 0; i++) await new Promise((r) => setTimeout(r, 0));
    expect(liveDetectors()).toBe(0);
  });
});
