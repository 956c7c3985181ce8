// What a REST reference sample creates before it calls its operation, so that it runs as shown against a fresh
// sandbox: an operation that reads an agent, a session, a recording or an analysis first makes one. The setup
// uses the same facade calls as the samples; with your own data, pass your ids instead.

const SESSION = [`const newSession = await kallglot.sessions.create({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', recording: { enabled: true } });`];
// Recordings and transcripts to analyse need speech (the sandbox transcribes voiced audio only, as the API does):
// the WAV bundled with @kallglot/stream, streamed into the session in real time (100 ms of audio every 100 ms, as a
// call sends it: the sandbox flags audio sent faster) until its first phrase is transcribed.
const STREAMED = [
  ...SESSION,
  'const stream = await kallglot.sessions.connect(newSession);',
  'let heard = false;',
  `stream.on('transcript.final', () => (heard = true));`,
  'await stream.ready;',
  `const wav = await readFile(new URL('examples/call.wav', import.meta.resolve('@kallglot/stream/package.json')));`,
  'for (const frame of chunkFrames(wavToMulaw8k(wav), { ms: 100 })) {',
  '  if (heard) break; // the first phrase is transcribed',
  '  await stream.sendAudio(frame); // speech, 100 ms of μ-law',
  '  await new Promise((r) => setTimeout(r, 100)); // in real time',
  '}',
  'await stream.end();',
];
const STREAM_IMPORTS = [`import { readFile } from 'node:fs/promises';`, `import { chunkFrames, wavToMulaw8k } from '@kallglot/stream';`];

/** @returns {{ imports: string[], lines: string[], ids: Record<string, string> } | undefined} */
export function sampleSetup(method, path) {
  if (path.includes('{agent_id}')) {
    return { imports: [], lines: [`const newAgent = await kallglot.agents.create({ name: 'Support', system_prompt: 'Be brief.' });`], ids: { agent_id: 'newAgent.id' } };
  }
  if (path.includes('{recording_id}')) {
    const lines = [
      ...STREAMED,
      'const [newRecording] = (await kallglot.sessions.recordings.list(newSession.id)).data;',
      `console.log('waiting for the recording (at most 60 s)…');`,
      'await kallglot.recordings.waitUntilReady(newRecording.id, { maxWaitMs: 60_000 });',
    ];
    return { imports: STREAM_IMPORTS, lines, ids: { recording_id: 'newRecording.id' } };
  }
  if (path.includes('{analysis_id}')) {
    return { imports: STREAM_IMPORTS, lines: [...STREAMED, `const started = await kallglot.sessions.analysis.create(newSession.id, { include: ['summary'] });`], ids: { analysis_id: 'started.id' } };
  }
  if (!path.includes('{session_id}')) return undefined;
  if ((method === 'post' && path.endsWith('/analysis')) || path.endsWith('/transcript')) return { imports: STREAM_IMPORTS, lines: STREAMED, ids: { session_id: 'newSession.id' } };
  if (method === 'post' && path.endsWith('/hangup')) {
    return { imports: [], lines: [...SESSION, `await kallglot.sessions.dial(newSession.id, { to: '+4930123456', from: '+14155551234' });`], ids: { session_id: 'newSession.id' } };
  }
  return { imports: [], lines: SESSION, ids: { session_id: 'newSession.id' } };
}

// The same setups for the curl samples, in shell: ids go into variables (read with `node -pe`: the reader has Node
// and may not have jq). Speech comes from a few lines of Node with @kallglot/stream, since curl cannot stream a
// WebSocket: in real time (as a call sends it) until the first phrase is transcribed, then the call ends.
const AUTH = '-H "Authorization: Bearer $KALLGLOT_API_KEY"';
const CURL = 'curl -sS --fail-with-body';
/** A JSON body as a single-quoted shell word, its top-level fields packed into lines of about 60 characters. */
function shellJson(body) {
  const lines = [''];
  for (const part of Object.entries(body).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + part.length > 56) lines.push(part);
    else lines[last] += lines[last] ? `, ${part}` : part;
  }
  return `'{${lines.join(',\n      ')}}'`;
}
const post = (path, body) => [`${CURL} -X POST \\`, `  "$KALLGLOT_BASE_URL${path}" \\`, `  ${AUTH} \\`, `  -H "Content-Type: application/json" \\`, ...`  -d ${shellJson(body)}`.split('\n')];
const get = (path) => [`${CURL} \\`, `  "$KALLGLOT_BASE_URL${path}" \\`, `  ${AUTH}`];
const field = (name) => `node -pe 'JSON.parse(fs.readFileSync(0)).${name}'`;
/** `NAME=$(curl … | node -pe …)` (or the whole answer without `read`), over continued lines. */
function capture(name, curl, read) {
  const lines = curl.map((l, i) => (i ? l : `${name}=$(${l}`));
  if (!read) return [...lines.slice(0, -1), `${lines.at(-1)})`];
  return [...lines.slice(0, -1), `${lines.at(-1).replace(/ \\$/, '')} \\`, `  | ${read})`];
}
const SESSION_BODY = { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' };
const SH_SESSION = capture('SESSION_ID', post('/v1/sessions', SESSION_BODY), field('id'));
const streamed = (body) => [
  ...capture('SESSION', post('/v1/sessions', body)),
  `SESSION_ID=$(node -pe 'JSON.parse(process.argv[1]).id' "$SESSION")`,
  '# Speech, since curl cannot stream a WebSocket: the call bundled',
  '# with @kallglot/stream (npm i @kallglot/stream), in real time',
  '# until its first phrase is transcribed; then the call ends.',
  `node --input-type=module -e '`,
  'import { readFile } from "node:fs/promises";',
  'import { chunkFrames, connectStream, wavToMulaw8k } from "@kallglot/stream";',
  'const stream = connectStream({ stream: JSON.parse(process.argv[1]).stream });',
  'let heard = false;',
  'stream.on("transcript.final", () => (heard = true));',
  'await stream.ready;',
  'const pkg = import.meta.resolve("@kallglot/stream/package.json");',
  'const wav = await readFile(new URL("examples/call.wav", pkg));',
  'for (const frame of chunkFrames(wavToMulaw8k(wav), { ms: 100 })) {',
  '  if (heard) break;',
  '  await stream.sendAudio(frame);',
  '  await new Promise((r) => setTimeout(r, 100));',
  '}',
  `await stream.end();' "$SESSION"`,
];
const SH_STREAMED = streamed(SESSION_BODY);
const SH_RECORDING = [
  ...streamed({ ...SESSION_BODY, recording: { enabled: true } }),
  ...capture('RECORDING_ID', get('/v1/sessions/$SESSION_ID/recordings'), field('data[0].id')),
  `echo 'waiting for the recording (at most 60 s)…'`,
  'for i in $(seq 60); do',
  ...capture('STATUS', get('/v1/recordings/$RECORDING_ID'), field('status')).map((l) => `  ${l}`),
  '  [ "$STATUS" != processing ] && break',
  '  sleep 1',
  'done',
];

/** Shell lines that make what a curl sample reads, and the variables that hold its ids (by path parameter). */
export function curlSetup(method, path) {
  if (path.includes('{agent_id}')) {
    return { lines: capture('AGENT_ID', post('/v1/agents', { name: 'Support', system_prompt: 'Be brief.' }), field('id')), ids: { agent_id: '$AGENT_ID' } };
  }
  if (path.includes('{recording_id}')) return { lines: SH_RECORDING, ids: { recording_id: '$RECORDING_ID' } };
  if (path.includes('{analysis_id}')) {
    const create = capture('ANALYSIS_ID', post('/v1/sessions/$SESSION_ID/analysis', { include: ['summary'] }), field('id'));
    return { lines: [...SH_STREAMED, ...create], ids: { analysis_id: '$ANALYSIS_ID' } };
  }
  if (!path.includes('{session_id}')) return undefined;
  const ids = { session_id: '$SESSION_ID' };
  // An analysis reads the transcript, and a transcript with turns needs speech.
  if ((method === 'post' && path.endsWith('/analysis')) || path.endsWith('/transcript')) return { lines: SH_STREAMED, ids };
  if (method === 'post' && path.endsWith('/hangup')) {
    const dial = post('/v1/sessions/$SESSION_ID/dial', { to: '+4930123456', from: '+14155551234' });
    return { lines: [...SH_SESSION, ...dial.slice(0, -1), `${dial.at(-1)} -o /dev/null`], ids };
  }
  return { lines: SH_SESSION, ids };
}
