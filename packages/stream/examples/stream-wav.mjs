// Streams a WAV file to a Kallglot session in real time and prints the transcripts.
//   KALLGLOT_STREAM_URL=wss://api.kallglot.com/v1/sessions/sess_…/connect KALLGLOT_STREAM_TOKEN=kst_… \
//     node examples/stream-wav.mjs call.wav
import { readFile } from 'node:fs/promises';
import { connectStream, chunkFrames, wavToMulaw8k } from '@kallglot/stream';

const file = process.argv[2] ?? 'call.wav';
const stream = connectStream({
  url: process.env.KALLGLOT_STREAM_URL,
  token: process.env.KALLGLOT_STREAM_TOKEN,
});

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
