// The consumer programs of the ecosystem matrix. Each one does the whole flow against the installed mock:
// create a session (REST), stream audio until a transcript.final arrives, end the session, and verify the
// signed session.ended webhook the mock sent (the test collects the deliveries and serves them at `hooks`).
export const FLOW_TS = `import { createKallglotClient, verifyWebhook } from '@kallglot/client';
import { connectStream, encodeMulaw, type TranscriptFinal } from '@kallglot/stream';

export type FlowConfig = { rest: string; hooks: string; secret: string };
type Delivery = { body: string; signature: string };

// 1.5 s of a synthetic vowel (140 Hz harmonics under formants at 700 and 1200 Hz), then 0.6 s of silence: one
// voiced segment, so the mock (whose transcript turns follow voice activity) answers with one transcript.final.
function voice(): Uint8Array {
  const pcm = Int16Array.from({ length: 16800 }, (_, i) => {
    if (i >= 12000) return 0;
    let v = 0;
    for (let h = 1; h * 140 < 3500; h++) v += Math.sin((2 * Math.PI * 140 * h * i) / 8000) / (1 + ((h * 140 - 700) / 300) ** 2 + ((h * 140 - 1200) / 400) ** 2 * 0.5);
    return Math.round(v * 3000);
  });
  return encodeMulaw(pcm);
}

export async function flow(cfg: FlowConfig): Promise<string> {
  const api = createKallglotClient({ apiKey: 'sk_test_release_matrix', baseUrl: cfg.rest });
  const created = await api.POST('/v1/sessions', {
    body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' },
  });
  const session = created.data;
  if (!session) throw new Error(\`createSession answered \${created.response.status}\`);
  const stream = connectStream({ stream: session.stream });
  const final = new Promise<TranscriptFinal>((resolve) => stream.on('transcript.final', resolve));
  await stream.ready;
  const audio = voice();
  for (let i = 0; i < audio.length; i += 800) await stream.sendAudio(audio.subarray(i, i + 800)); // 100 ms frames
  const transcript = await final;
  const ended = await stream.end();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(\`\${cfg.hooks}?session_id=\${encodeURIComponent(session.id)}\`);
    const deliveries = (await res.json()) as Delivery[];
    for (const d of deliveries) {
      const event = await verifyWebhook({ payload: d.body, header: d.signature, secret: cfg.secret });
      if (event.type === 'session.ended') return \`\${session.id} "\${transcript.text}" \${ended.reason} webhook \${event.type}\`;
    }
    if (Date.now() > deadline) throw new Error(\`no verified session.ended webhook for \${session.id}\`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
`;

export const MAIN_TS = `import { flow } from './flow.js';

const result = await flow({
  rest: process.env.KALLGLOT_REST ?? '',
  hooks: process.env.KALLGLOT_HOOKS ?? '',
  secret: process.env.KALLGLOT_WEBHOOK_SECRET ?? '',
});
console.log(\`FLOW OK \${result}\`);
`;

// CommonJS: require() of the ESM-only packages (Node >= 20.19 / 22.12 load ESM synchronously).
export const MAIN_CJS = `'use strict';
const { createKallglotClient, verifyWebhook } = require('@kallglot/client');
const { connectStream, encodeMulaw } = require('@kallglot/stream');

// 1.5 s of a synthetic vowel, then 0.6 s of silence: one voiced segment, so one transcript.final from the mock.
function voice() {
  const pcm = Int16Array.from({ length: 16800 }, (_, i) => {
    if (i >= 12000) return 0;
    let v = 0;
    for (let h = 1; h * 140 < 3500; h++) v += Math.sin((2 * Math.PI * 140 * h * i) / 8000) / (1 + ((h * 140 - 700) / 300) ** 2 + ((h * 140 - 1200) / 400) ** 2 * 0.5);
    return Math.round(v * 3000);
  });
  return encodeMulaw(pcm);
}
const spec = require('@kallglot/spec/openapi.json');

async function main() {
  if (!String(spec.openapi).startsWith('3.1')) throw new Error('@kallglot/spec/openapi.json is not OpenAPI 3.1');
  const api = createKallglotClient({ apiKey: 'sk_test_release_cjs', baseUrl: process.env.KALLGLOT_REST });
  const created = await api.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'de' } });
  if (!created.data) throw new Error('createSession answered ' + created.response.status);
  const session = created.data;
  const stream = connectStream({ stream: session.stream });
  const final = new Promise((resolve) => stream.on('transcript.final', resolve));
  await stream.ready;
  const audio = voice();
  for (let i = 0; i < audio.length; i += 800) await stream.sendAudio(audio.subarray(i, i + 800));
  const transcript = await final;
  const ended = await stream.end();
  const deadline = Date.now() + 20000;
  for (;;) {
    const deliveries = await (await fetch(process.env.KALLGLOT_HOOKS + '?session_id=' + encodeURIComponent(session.id))).json();
    for (const d of deliveries) {
      const event = await verifyWebhook({ payload: d.body, header: d.signature, secret: process.env.KALLGLOT_WEBHOOK_SECRET });
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
