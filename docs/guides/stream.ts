// Open the stream of a new session with @kallglot/stream, send the sample call, print the transcripts.
import { readFile } from 'node:fs/promises';
import { Kallglot } from '@kallglot/client';
import { chunkFrames, connectStream, wavToMulaw8k } from '@kallglot/stream';

const kallglot = new Kallglot({ baseUrl: 'http://127.0.0.1:4010' }); // KALLGLOT_API_KEY; leave baseUrl out for production
const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' });

// session.stream = { url, token, expires_at }: connect before the token expires.
const stream = connectStream({ stream: session.stream! });
stream.on('transcript.partial', (msg) => console.log('…', msg.text));
stream.on('transcript.final', (msg) => console.log(msg.speaker, msg.text));
await stream.ready; // resolves on session.ready

// 20 ms of 8 kHz μ-law is 160 bytes; chunkFrames cuts the converted WAV into such frames.
const wav = await readFile(new URL('examples/call.wav', import.meta.resolve('@kallglot/stream/package.json')));
for (const frame of chunkFrames(wavToMulaw8k(wav))) await stream.sendAudio(frame);
await stream.end(); // sends session.end, resolves on session.ended
