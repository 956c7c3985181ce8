// Open the stream of a new session and send 20 ms of audio.
import { createKallglotClient } from '@kallglot/client';
import { connectStream, encodeMulaw } from '@kallglot/stream';

const kallglot = createKallglotClient({ apiKey: process.env.KALLGLOT_API_KEY! });
const { data: session, error } = await kallglot.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } });
if (error) throw new Error(`${error.error.code}: ${error.error.message}`);

// session.stream = { url, token, expires_at }: connect before the token expires.
const stream = connectStream({ url: session.stream!.url, token: session.stream!.token });
await stream.ready; // resolves on session.ready

stream.on('transcript.partial', (msg) => console.log('…', msg.text));
stream.on('transcript.final', (msg) => console.log(msg.speaker, msg.text));

// 20 ms of 16-bit PCM at 8 kHz is 160 samples, 160 μ-law bytes.
await stream.sendAudio(encodeMulaw(new Int16Array(160)));
await stream.end(); // sends session.end, resolves on session.ended
