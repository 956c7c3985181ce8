// Streams a WAV file to a Kallglot session in real time and prints the transcripts.
// Creates a fresh session with @kallglot/client (so it runs any number of times):
//   KALLGLOT_API_KEY=sk_test_… [KALLGLOT_BASE_URL=http://127.0.0.1:4010] node examples/stream-wav.mjs examples/call.wav
// or streams to a session you already have:
//   KALLGLOT_STREAM_URL=wss://api.kallglot.com/v1/sessions/sess_…/connect KALLGLOT_STREAM_TOKEN=kst_… node examples/stream-wav.mjs call.wav
import { readFile } from 'node:fs/promises';
import { createKallglotClient } from '@kallglot/client';
import { connectStream, chunkFrames, wavToMulaw8k } from '@kallglot/stream';

async function sessionStream() {
  if (process.env.KALLGLOT_STREAM_URL) return { url: process.env.KALLGLOT_STREAM_URL, token: process.env.KALLGLOT_STREAM_TOKEN };
  const api = createKallglotClient({ apiKey: process.env.KALLGLOT_API_KEY, baseUrl: process.env.KALLGLOT_BASE_URL });
  const { data: session, error } = await api.POST('/v1/sessions', {
    body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' },
  });
  if (error) throw new Error(`could not create a session: ${error.error.message}`);
  console.log(`session ${session.id}`);
  return session.stream;
}

const file = process.argv[2] ?? new URL('call.wav', import.meta.url);
try {
  const stream = connectStream({ stream: await sessionStream() });
  stream.on('transcript.final', (m) => {
    console.log(`${m.speaker}: ${m.text}${m.translation ? `  →  ${m.translation.text}` : ''}`);
  });
  stream.on('session.error', (m) => console.error(`session.error ${m.code}: ${m.message}`));
  stream.on('error', (e) => console.error(`stream error (${e.kind}): ${e.message}`));
  // A frame that differs from the schema only where the public docs are silent is still delivered, with a warning.
  stream.on('warning', (w) => console.error(`stream warning (${w.kind}): ${w.message}`));

  await stream.ready;
  // Any 16-bit PCM or μ-law WAV, any rate: converted to what the stream accepts (μ-law, 8 kHz, mono).
  const audio = wavToMulaw8k(await readFile(file));
  for (const frame of chunkFrames(audio, { ms: 100 })) {
    await stream.sendAudio(frame); // resolves once the socket has room (backpressure)
    await new Promise((r) => setTimeout(r, 100)); // real time, like a live call
  }
  const ended = await stream.end();
  console.log(`session ended: ${ended.reason}`);
} catch (err) {
  console.error(`stream-wav: ${err.message}`); // e.g. 4009 session_ended for a session that is over
  process.exitCode = 1;
}
