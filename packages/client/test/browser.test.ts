// The whole life of a session written with new Kallglot(), bundled for browsers (esbuild, platform browser)
// and run in headless Chromium against the real sandbox: agents, session, connect() on the browser's own
// WebSocket, the bundled WAV, transcript, waitUntilReady + MP3, createAndPoll, webhooks.unwrap (Web Crypto).
// The page is opened on the sandbox's own origin (the REST API sends no CORS headers for other sites, like the
// real API), and the pollers advance the sandbox's virtual clock through the control plane: no sleeps.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type TestSandbox } from './helpers/sandbox.js';

const pkgDir = new URL('..', import.meta.url).pathname;
const wav = [...readFileSync(new URL('../../stream/examples/call.wav', import.meta.url))];
let browser: Browser;
let page: Page;
let sandbox: TestSandbox;

const app = `
import { Kallglot } from '@kallglot/client';
import { chunkFrames, wavToMulaw8k } from '@kallglot/stream';

// Poll waits move the sandbox's virtual clock instead of sleeping.
const wait = (ms) => fetch('/_mock/clock/advance', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ms }) }).then((r) => r.json());

window.life = async (wavBytes) => {
  const kallglot = new Kallglot({ apiKey: 'sk_test_client_browser', baseUrl: location.origin, maxRetries: 0 });
  const agent = await kallglot.agents.create({ name: 'Browser', system_prompt: 'Be brief.' });
  const agents = [];
  for await (const a of kallglot.agents.list({ limit: 1 })) agents.push(a.id);
  const session = await kallglot.sessions.create({ mode: 'ai_agent', ai_agent: { agent_id: agent.id }, source_language: 'en', target_language: 'es', recording: { enabled: true } });
  const stream = await kallglot.sessions.connect(session, { keepalive: false });
  const finals = [];
  const first = new Promise((resolve) => stream.on('transcript.final', (m) => { finals.push(m.text); resolve(); }));
  await stream.ready;
  for (const frame of chunkFrames(wavToMulaw8k(new Uint8Array(wavBytes)), { ms: 100 })) await stream.sendAudio(frame);
  await first;
  const ended = await stream.end();
  const transcript = await kallglot.sessions.transcript.retrieve(session.id);
  const [recording] = (await kallglot.sessions.recordings.list(session.id)).data;
  const ready = await kallglot.recordings.waitUntilReady(recording.id, { wait });
  const mp3 = await kallglot.recordings.audio(ready.id);
  let bytes = 0;
  const reader = mp3.data.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
  const analysis = await kallglot.analyses.createAndPoll(session.id, { include: ['summary'] }, { wait });
  const hooks = await (await fetch('/_mock/webhooks?session_id=' + session.id)).json();
  const verified = [];
  for (const h of hooks.data) {
    // What the endpoint would have received: the signed bytes and the headers.
    const event = await kallglot.webhooks.unwrap(h.body ?? JSON.stringify(h.payload), h.headers, h.secret);
    verified.push(event.type);
  }
  const { requestId } = await kallglot.sessions.retrieve(session.id).withResponse();
  await kallglot.agents.delete(agent.id);
  const gone = await kallglot.agents.retrieve(agent.id).catch((e) => ({ name: e.name, status: e.status, code: e.code }));
  return {
    listed: agents.includes(agent.id), status: session.status, finals, reason: ended.reason,
    turns: transcript.turns.map((t) => t.text), recording: ready.status, mp3Type: mp3.contentType, bytes,
    analysis: analysis.status, verified, requestId, gone, hasBuffer: typeof Buffer !== 'undefined',
  };
};
`;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 0 });
  const bundle = await build({ stdin: { contents: app, resolveDir: pkgDir, loader: 'js' }, bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'silent' });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage();
  // Any document of the sandbox's origin will do: the app then calls the API same-origin.
  await page.goto(`${sandbox.rest}/_mock/clock`);
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

describe('new Kallglot() in Chromium', () => {
  it('runs the whole session life against the sandbox', async () => {
    const r = await page.evaluate((bytes) => (window as unknown as { life(b: number[]): Promise<any> }).life(bytes), wav);
    expect(r.hasBuffer).toBe(false);
    expect(r.listed).toBe(true);
    expect(r.status).toBe('created');
    expect(r.finals.length).toBeGreaterThan(0);
    expect(r.turns).toEqual(expect.arrayContaining(r.finals));
    expect(r.reason).toBe('explicit_end');
    expect(r).toMatchObject({ recording: 'ready', mp3Type: 'audio/mpeg', analysis: 'completed' });
    expect(r.bytes).toBeGreaterThan(1000);
    expect(r.verified).toEqual(expect.arrayContaining(['session.created', 'session.ended', 'recording.ready', 'analysis.complete']));
    expect(r.requestId).toMatch(/^req_/);
    expect(r.gone).toEqual({ name: 'KallglotApiError', status: 404, code: 'agent_not_found' });
  }, 60_000);
});
