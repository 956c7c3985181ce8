// The consumer programs of the ecosystem matrix, written only with `new Kallglot()`. Each one does the whole
// flow against the installed mock: create and list agents, create a session, connect() its stream, stream the
// WAV bundled with @kallglot/stream until a transcript.final arrives, end it, read the transcript, wait for
// the recording and download the MP3, createAndPoll the analysis, and unwrap the signed session.ended webhook
// (the test collects the deliveries and serves them, and the WAV, from `hooks`).
export const FLOW_TS = `import { Kallglot } from '@kallglot/client';
import { chunkFrames, wavToMulaw8k, type TranscriptFinal } from '@kallglot/stream';

export type FlowConfig = { rest: string; hooks: string; secret: string };
type Delivery = { body: string; signature: string };

export async function flow(cfg: FlowConfig): Promise<string> {
  const kallglot = new Kallglot({ apiKey: 'sk_test_release_matrix', baseUrl: cfg.rest });
  const agent = await kallglot.agents.create({ name: 'Release check', system_prompt: 'Be brief.' });
  const agents: string[] = [];
  for await (const a of kallglot.agents.list({ limit: 10 })) agents.push(a.id);
  if (!agents.includes(agent.id)) throw new Error(\`agents.list() did not return \${agent.id}\`);

  const session = await kallglot.sessions.create({
    mode: 'ai_agent', ai_agent: { agent_id: agent.id }, source_language: 'en', target_language: 'es', recording: { enabled: true },
  });
  const stream = await kallglot.sessions.connect(session);
  const final = new Promise<TranscriptFinal>((resolve) => stream.on('transcript.final', resolve));
  await stream.ready;
  // The WAV bundled with @kallglot/stream (examples/call.wav), served by the test next to the webhook log.
  const wav = new Uint8Array(await (await fetch(new URL('/call.wav', cfg.hooks))).arrayBuffer());
  for (const frame of chunkFrames(wavToMulaw8k(wav), { ms: 100 })) await stream.sendAudio(frame);
  const transcript = await final;
  const ended = await stream.end();

  const { turns } = await kallglot.sessions.transcript.retrieve(session.id);
  if (!turns.some((t) => t.text === transcript.text)) throw new Error('the transcript does not hold the streamed turn');
  const [recording] = (await kallglot.sessions.recordings.list(session.id)).data;
  if (!recording) throw new Error('no recording for ' + session.id);
  const ready = await kallglot.recordings.waitUntilReady(recording.id, { maxWaitMs: 30_000 });
  const mp3 = await kallglot.recordings.audio(ready.id, { as: 'arrayBuffer' });
  if (mp3.contentType !== 'audio/mpeg' || mp3.data.byteLength === 0) throw new Error('no MP3 for ' + ready.id);
  const analysis = await kallglot.analyses.createAndPoll(session.id, { include: ['summary'] }, { maxWaitMs: 30_000 });

  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(\`\${cfg.hooks}?session_id=\${encodeURIComponent(session.id)}\`);
    const deliveries = (await res.json()) as Delivery[];
    for (const d of deliveries) {
      const event = await kallglot.webhooks.unwrap(d.body, { 'kallglot-signature': d.signature }, cfg.secret);
      if (event.type === 'session.ended') {
        return \`\${session.id} "\${transcript.text}" \${ended.reason} webhook \${event.type} mp3 \${mp3.data.byteLength > 0} analysis \${analysis.status}\`;
      }
    }
    if (Date.now() > deadline) throw new Error(\`no verified session.ended webhook for \${session.id}\`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
`;

export const MAIN_TS = `import { flow } from './flow.js';

const result = await flow({
  rest: process.env.KALLGLOT_BASE_URL ?? '',
  hooks: process.env.KALLGLOT_HOOKS ?? '',
  secret: process.env.KALLGLOT_WEBHOOK_SECRET ?? '',
});
console.log(\`FLOW OK \${result}\`);
`;

// CommonJS: require() of the ESM-only packages (Node >= 20.19 / 22.12 load ESM synchronously).
export const MAIN_CJS = `'use strict';
const { Kallglot } = require('@kallglot/client');
const { chunkFrames, wavToMulaw8k } = require('@kallglot/stream');
const spec = require('@kallglot/spec/openapi.json');

async function main() {
  if (!String(spec.openapi).startsWith('3.1')) throw new Error('@kallglot/spec/openapi.json is not OpenAPI 3.1');
  const kallglot = new Kallglot({ apiKey: 'sk_test_release_cjs', baseUrl: process.env.KALLGLOT_BASE_URL });
  const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'de' });
  const stream = await kallglot.sessions.connect(session.id);
  const final = new Promise((resolve) => stream.on('transcript.final', resolve));
  await stream.ready;
  // The WAV bundled with @kallglot/stream (speech: the mock answers voiced audio only), served by the test.
  const wav = new Uint8Array(await (await fetch(new URL('/call.wav', process.env.KALLGLOT_HOOKS))).arrayBuffer());
  for (const frame of chunkFrames(wavToMulaw8k(wav), { ms: 100 })) await stream.sendAudio(frame);
  const transcript = await final;
  const ended = await stream.end();
  const deadline = Date.now() + 20000;
  for (;;) {
    const deliveries = await (await fetch(process.env.KALLGLOT_HOOKS + '?session_id=' + encodeURIComponent(session.id))).json();
    for (const d of deliveries) {
      const event = await kallglot.webhooks.unwrap(d.body, { 'Kallglot-Signature': d.signature }, process.env.KALLGLOT_WEBHOOK_SECRET);
      if (event.type === 'session.ended') return session.id + ' "' + transcript.text + '" ' + ended.reason + ' webhook ' + event.type;
    }
    if (Date.now() > deadline) throw new Error('no verified session.ended webhook for ' + session.id);
    await new Promise((r) => setTimeout(r, 200));
  }
}
main().then((r) => console.log('FLOW OK ' + r), (err) => { console.error(err); process.exit(1); });
`;

export const tsconfig = (module: string, moduleResolution: string, emit: boolean) =>
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module,
        moduleResolution,
        lib: ['ES2022', 'DOM'],
        types: ['node'],
        strict: true,
        skipLibCheck: false,
        ...(emit ? { outDir: 'out', rootDir: 'src' } : { noEmit: true }),
      },
      include: ['src/**/*.ts'],
    },
    null,
    2,
  );
