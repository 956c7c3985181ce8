// Quickstart: create a session on the local sandbox (`npx @kallglot/mock`: REST on :4010, stream on :4011),
// stream the sample call that ships with @kallglot/stream, and print the transcripts it gets back.
// The key comes from the environment: export KALLGLOT_API_KEY=sk_test_… (any sk_test_ key works on the sandbox).
import { readFile } from 'node:fs/promises';
import { Kallglot } from '@kallglot/client';
import { chunkFrames, wavToMulaw8k } from '@kallglot/stream';

const kallglot = new Kallglot({ baseUrl: 'http://127.0.0.1:4010' }); // leave baseUrl out for production

const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' });
console.log('session', session.id);

// connect() opens session.stream (its url and short-lived token) with @kallglot/stream.
const stream = await kallglot.sessions.connect(session);
stream.on('transcript.final', (m) => console.log(`${m.speaker}: ${m.text}${m.translation ? `  →  ${m.translation.text}` : ''}`));
await stream.ready; // resolves on session.ready

// Any 16-bit PCM or μ-law WAV: converted to 8 kHz μ-law and sent in 100 ms frames.
const wav = await readFile(new URL('examples/call.wav', import.meta.resolve('@kallglot/stream/package.json')));
for (const frame of chunkFrames(wavToMulaw8k(wav), { ms: 100 })) await stream.sendAudio(frame);
await stream.end(); // sends session.end, resolves on session.ended
console.log('session ended');
