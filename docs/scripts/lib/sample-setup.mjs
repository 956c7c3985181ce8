// What a REST reference sample creates before it calls its operation, so that it runs as shown against a fresh
// sandbox: an operation that reads an agent, a session, a recording or an analysis first makes one. The setup
// uses the same facade calls as the samples; with your own data, pass your ids instead.

const SESSION = [`const newSession = await kallglot.sessions.create({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', recording: { enabled: true } });`];
// Recordings and transcripts to analyse need speech (the sandbox transcribes voiced audio only, as the API does):
// the WAV bundled with @kallglot/stream, streamed into the session as the Quickstart does.
const STREAMED = [
  ...SESSION,
  'const stream = await kallglot.sessions.connect(newSession);',
  'await stream.ready;',
  `const wav = await readFile(new URL('examples/call.wav', import.meta.resolve('@kallglot/stream/package.json')));`,
  'for (const frame of chunkFrames(wavToMulaw8k(wav), { ms: 100 })) await stream.sendAudio(frame); // speech, in 100 ms frames of μ-law',
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
  if (method === 'post' && path.endsWith('/analysis')) return { imports: STREAM_IMPORTS, lines: STREAMED, ids: { session_id: 'newSession.id' } };
  if (method === 'post' && path.endsWith('/hangup')) {
    return { imports: [], lines: [...SESSION, `await kallglot.sessions.dial(newSession.id, { to: '+4930123456', from: '+14155551234' });`], ids: { session_id: 'newSession.id' } };
  }
  return { imports: [], lines: SESSION, ids: { session_id: 'newSession.id' } };
}
