// Errors name the fix: a refused client message says which value is allowed, in `send()` and in the
// `session.error` detail a server (the stream mock) answers with, both from the generated validators.
import { describe, expect, it } from 'vitest';
import { decodeClientFrame } from '../src/node.js';
import { behaveNormally } from './helpers/scripted-server.js';
import { useStreamFixture } from './helpers/stream-fixture.js';

const { server, connect } = useStreamFixture({ token: 'kst_test_errors' });
const audio = (over: Record<string, unknown>) => ({ type: 'audio.input', sequence: 1, timestamp_ms: 0, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: '/w==', ...over } });

describe('validation errors name the allowed value', () => {
  it('send() with a wrong encoding names mulaw', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url });
    await s.ready;
    await expect(s.send(audio({ encoding: 'pcm16' }) as never)).rejects.toThrow('send: invalid audio.input: /audio/encoding must be "mulaw"');
  });

  it('send() with a wrong speaker lists the speakers', async () => {
    const srv = await server((c) => behaveNormally(c));
    const s = connect({ url: srv.url });
    await s.ready;
    await expect(s.send({ ...audio({}), speaker: 'robot' } as never)).rejects.toThrow(/\/speaker must be one of "agent", "customer"/);
  });

  it('the server-side decoder says the same in its session.error detail', () => {
    const r = decodeClientFrame(JSON.stringify(audio({ encoding: 'pcm16' })));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('invalid_audio_format');
      expect(r.detail).toBe('Invalid audio.input: /audio/encoding must be "mulaw"');
    }
  });
});
