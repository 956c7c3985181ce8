// Bundled by esbuild for the Chromium test: a page that talks only to https://api.kallglot.com and
// wss://stream.kallglot.com, both answered in the page by setupWorker + @kallglot/mock/msw.
import { createKallglotClient } from '@kallglot/client';
import { chunkFrames, connectStream, wavToMulaw8k } from '@kallglot/stream';
import { setupWorker } from 'msw/browser';
import { createKallglotHandlers } from '../../src/msw/index.js';

const out = document.getElementById('out')!;
const log = (line: string) => (out.textContent += `${line}\n`);

async function main() {
  // The bundled speech sample, fetched before the worker starts (the static server serves it next to the page).
  const speech = wavToMulaw8k(new Uint8Array(await (await fetch('/call.wav')).arrayBuffer()));
  const handlers = createKallglotHandlers();
  const worker = setupWorker(...handlers);
  await worker.start({ onUnhandledRequest: 'error', quiet: true, serviceWorker: { url: '/mockServiceWorker.js' } });
  const client = createKallglotClient({ apiKey: 'sk_test_browser', maxRetries: 0 });
  const created = await client.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' } });
  if (!created.data) throw new Error(`create failed: ${created.response.status}`);
  log(`session ${created.data.id} ${created.response.status}`);
  const stream = connectStream({ stream: created.data.stream!, keepalive: false });
  stream.on('message', (m) => {
    if (m.type === 'transcript.final') {
      const el = document.createElement('p');
      el.id = 'final';
      el.textContent = m.text;
      document.body.append(el);
    }
  });
  await stream.ready;
  log('stream ready');
  // Its first 4 s: the lead silence, the first phrase, and the 500 ms after it that ends the turn.
  for (const chunk of chunkFrames(speech.subarray(0, 8000 * 4), { ms: 100 })) await stream.sendAudio(chunk, { speaker: 'customer' });
  await new Promise<void>((resolve) => {
    const t = setInterval(() => document.getElementById('final') && (clearInterval(t), resolve()), 20);
  });
  await stream.end();
  const transcript = await client.GET('/v1/sessions/{session_id}/transcript', { params: { path: { session_id: created.data.id } } });
  log(`transcript ${transcript.data?.status} ${transcript.data?.turns.length}`);
  await handlers.webhooks.settled();
  log(`webhooks ${handlers.webhooks.delivered.map((w) => w.type).join(',')}`);
  log('done');
}

main().catch((e: Error) => log(`error ${e.message}`));
