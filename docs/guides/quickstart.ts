// Quickstart against the local mock (`npm start`): REST on :4010, stream on :4011.
import { createKallglotClient } from '@kallglot/client';
import { connectStream } from '@kallglot/stream';

const REST = process.env.KALLGLOT_REST_URL ?? 'http://127.0.0.1:4010';
const STREAM = process.env.KALLGLOT_STREAM_URL ?? 'ws://127.0.0.1:4011';

const kallglot = createKallglotClient({ apiKey: 'sk_test_quickstart', baseUrl: REST });

const { data: session, error } = await kallglot.POST('/v1/sessions', {
  body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' },
});
if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
console.log('session', session.id);

// The mock's stream listens on its own port; in production use session.stream.url as is.
const stream = connectStream({
  url: `${STREAM}/v1/sessions/${session.id}/connect`,
  token: session.stream!.token,
});
await stream.ready;

stream.on('transcript.final', (msg) => console.log(msg.speaker, msg.text));
await stream.sendAudio(new Uint8Array(1600).fill(0xff)); // 200 ms of μ-law silence
await stream.end(); // sends session.end, resolves on session.ended
console.log('session ended');
