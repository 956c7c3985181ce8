// Compiled by test/package.test.ts (tsc --noEmit): the public types narrow the way the README promises.
import { connectStream, type ServerMessage, type ClientMessage, type AudioInput, type StreamClient } from '../src/index.js';
import { createKallglotClient } from '@kallglot/client';
import { sessionStreamProvider } from '../src/index.js';

declare const s: StreamClient;
s.on('transcript.final', (m) => {
  const text: string = m.text;
  const lang: string | undefined = m.translation?.language;
  // @ts-expect-error a final transcript has no session_id
  void m.session_id;
  void text, lang;
});
s.on('session.ended', (m) => {
  // The reason values beyond explicit_end are not confirmed by the public docs, so the field is optional.
  const reason: 'explicit_end' | 'api_end' | 'call_ended' | 'inactivity_timeout' | 'error' | undefined = m.reason;
  const id: string = m.session_id;
  void reason, id;
});
// @ts-expect-error not an event
s.on('transcript', () => {});
s.on('unknown', (m) => void m.type.toUpperCase());
s.on('error', (e) => void e.kind);
s.on('warning', (w) => {
  if (w.kind === 'schema') void w.errors[0]?.instancePath;
  // @ts-expect-error only overflow warnings carry a count
  else if (w.kind === 'overflow') void w.errors;
});
s.on('transcript.final', (m) => {
  // Fields the public docs do not show are optional.
  // @ts-expect-error sequence may be missing
  const n: number = m.sequence;
  void n;
});
connectStream({ url: 'wss://x/v1/sessions/sess_1/connect', token: 'kst_x', validate: 'strict', maxBufferedMessages: 100, reconnect: { stableAfterMs: 5000 } });
// @ts-expect-error not a validation mode
connectStream({ url: 'wss://x/v1/sessions/sess_1/connect', token: 'kst_x', validate: 'loose' });

async function iterate(stream: StreamClient) {
  for await (const m of stream) {
    if (m.type === 'pong') void m.session_id;
    // @ts-expect-error ServerMessage never has type "ping"
    if (m.type === 'ping') void m;
  }
}
void iterate;

const audio: AudioInput = { type: 'audio.input', sequence: 0, timestamp_ms: 0, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: 'AA==' } };
// @ts-expect-error the wire name is sample_rate_hz and the value is exactly 8000
const bad: AudioInput = { ...audio, audio: { encoding: 'mulaw', sample_rate_hz: 16000, payload: '' } };
const c: ClientMessage = audio;
const sm: ServerMessage = { type: 'session.error', code: 'invalid_audio_format', message: 'x' };
void bad, c, sm;

// The real @kallglot/client fits the structural type the helper accepts.
const client = createKallglotClient({ apiKey: 'sk_test_x' });
const stream = connectStream({ url: 'wss://api.kallglot.com/v1/sessions/sess_1/connect', token: 'kst_x', reconnect: { getStream: sessionStreamProvider(client, 'sess_1') } });
void stream;
