// Streams a WAV file to a Kallglot session in real time and prints the transcripts.
//   node examples/stream-wav.mjs [file.wav] [stream URL]
// With no file it streams the sample call that ships with this package (examples/call.wav). It creates a
// session with @kallglot/client (key: KALLGLOT_API_KEY; REST: KALLGLOT_BASE_URL, default the local sandbox on
// http://127.0.0.1:4010), so it runs any number of times. To stream to a session you already have, pass its
// stream URL with the token: wss://api.kallglot.com/v1/sessions/sess_…/connect?token=kst_…
import { readFile } from 'node:fs/promises';
import { Kallglot } from '@kallglot/client';
import { connectStream, chunkFrames, wavToMulaw8k } from '@kallglot/stream';

async function sessionStream(streamUrl) {
  if (streamUrl) {
    const url = new URL(streamUrl);
    const token = url.searchParams.get('token');
    url.search = '';
    return { url: url.href, token };
  }
  const kallglot = new Kallglot({ baseUrl: process.env.KALLGLOT_BASE_URL ?? 'http://127.0.0.1:4010' });
  const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' });
  console.log(`session ${session.id}`);
  return session.stream;
}

const file = process.argv[2] ?? new URL('examples/call.wav', import.meta.resolve('@kallglot/stream/package.json'));
try {
  const stream = connectStream({ stream: await sessionStream(process.argv[3]) });
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
