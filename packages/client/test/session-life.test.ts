// The whole life of a session with the facade only, against the real sandbox on a frozen virtual clock:
// agents → session → connect() → the bundled WAV over the stream → transcript → end → waitUntilReady →
// MP3 → createAndPoll → webhooks.unwrap. The pollers wait by advancing the sandbox's clock: no sleeps.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chunkFrames, wavToMulaw8k } from '@kallglot/stream';
import { createMockControl, startMock, type MockControl, type RunningMock } from '@kallglot/mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Kallglot, KallglotPollError, WebhookVerificationError, type WebhookEvent } from '../src/index.js';

const SECRET = 'whsec_client_life';
const wav = readFileSync(new URL('../../stream/examples/call.wav', import.meta.url));
const hooks: { raw: string; headers: Record<string, string | string[] | undefined> }[] = [];
const hookListeners = new Set<() => void>();
/** Resolves once a delivered webhook body contains `text` (deliveries are asynchronous). */
const hookWith = (text: string) =>
  new Promise<void>((resolve) => {
    const check = () => {
      if (!hooks.some((h) => h.raw.includes(text))) return;
      hookListeners.delete(check);
      resolve();
    };
    hookListeners.add(check);
    check();
  });
let receiver: Server;
let mock: RunningMock;
let control: MockControl;
let kallglot: Kallglot;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ raw: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(204).end();
      for (const l of [...hookListeners]) l();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, timeScale: 0, webhookUrls: [hook], webhookSecret: SECRET, log: () => undefined });
  control = createMockControl(mock.urls.rest);
});
afterAll(async () => {
  await mock?.close();
  await new Promise<void>((r) => receiver?.close(() => r()));
});
beforeEach(async () => {
  await control.reset();
  kallglot = new Kallglot({ apiKey: 'sk_test_client_life', baseUrl: mock.urls.rest, maxRetries: 0 });
});

/** A poller wait that moves the sandbox's virtual clock instead of sleeping, and records the intervals. */
function virtualWait(waits: number[]) {
  return async (ms: number) => {
    waits.push(ms);
    await control.advance(ms);
  };
}

describe('a session from start to finish with new Kallglot()', () => {
  it('agents, session, connect, WAV, transcript, recording, MP3, analysis, webhooks', async () => {
    const agent = await kallglot.agents.create({ name: 'Concierge', system_prompt: 'Help callers with their orders.' });
    const agents = [];
    for await (const a of kallglot.agents.list({ limit: 10 })) agents.push(a.id);
    expect(agents).toEqual([agent.id]);

    const session = await kallglot.sessions.create({ mode: 'ai_agent', ai_agent: { agent_id: agent.id }, source_language: 'en', target_language: 'es', recording: { enabled: true } });
    const stream = await kallglot.sessions.connect(session, { keepalive: false });
    const finals: string[] = [];
    let gotFinal!: () => void;
    const firstFinal = new Promise<void>((r) => (gotFinal = r));
    stream.on('transcript.final', (m) => {
      finals.push(m.text);
      gotFinal();
    });
    await stream.ready;
    expect((await kallglot.sessions.retrieve(session.id)).status).toBe('active');
    for (const frame of chunkFrames(wavToMulaw8k(wav), { ms: 100 })) await stream.sendAudio(frame);
    await firstFinal;
    const live = await kallglot.sessions.transcript.retrieve(session.id);
    expect(live.turns.map((t) => t.text)).toEqual(finals);
    expect((await stream.end()).reason).toBe('explicit_end');

    const recordings = [];
    for await (const r of kallglot.sessions.recordings.list(session.id)) recordings.push(r);
    expect(recordings).toHaveLength(1);
    const waits: number[] = [];
    const ready = await kallglot.recordings.waitUntilReady(recordings[0]!.id, { wait: virtualWait(waits) });
    expect(ready.status).toBe('ready');
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((ms) => ms === 1000)).toBe(true);
    const mp3 = await kallglot.recordings.audio(ready.id, { as: 'arrayBuffer' });
    expect(mp3.contentType).toBe('audio/mpeg');
    expect(mp3.filename).toBe(`recording-${session.id}.mp3`);
    expect(mp3.data.byteLength).toBe(mp3.contentLength);
    expect(new Uint8Array(mp3.data)[0]).toBe(0xff); // MP3 frame sync

    const analysisWaits: number[] = [];
    const analysis = await kallglot.analyses.createAndPoll(session.id, { include: ['summary'] }, { wait: virtualWait(analysisWaits) });
    expect(analysis.status).toBe('completed');
    expect(analysisWaits.length).toBeGreaterThan(0);
    expect((await kallglot.analyses.retrieve(analysis.id)).status).toBe('completed');

    // Webhooks were delivered to our receiver; unwrap verifies each raw body and returns the typed event.
    await hookWith('"analysis.complete"');
    const mine = [];
    for (const h of hooks) {
      const event: WebhookEvent = await kallglot.webhooks.unwrap(h.raw, h.headers, SECRET);
      if (JSON.stringify(event).includes(session.id)) mine.push(event.type);
    }
    expect(mine).toEqual(expect.arrayContaining(['session.created', 'session.ended', 'recording.ready', 'analysis.complete']));
    await expect(kallglot.webhooks.unwrap(`${hooks[0]!.raw} `, hooks[0]!.headers, SECRET)).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(kallglot.webhooks.unwrap(hooks[0]!.raw, new Headers(), SECRET)).rejects.toMatchObject({ reason: 'missing_header' });

    await kallglot.agents.delete(agent.id);
    await expect(kallglot.agents.retrieve(agent.id)).rejects.toMatchObject({ status: 404 });
  }, 60_000);
});

describe('pollers', () => {
  it('waitUntilReady throws KallglotPollError(failed) for a recording of a session that streamed nothing', async () => {
    const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', recording: { enabled: true } });
    await kallglot.sessions.end(session.id);
    const [rec] = (await kallglot.sessions.recordings.list(session.id)).data;
    const err = await kallglot.recordings.waitUntilReady(rec!.id, { wait: virtualWait([]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotPollError);
    expect(err).toMatchObject({ reason: 'failed', last: { id: rec!.id, status: 'failed' } });
  });

  it('createAndPoll throws KallglotPollError(failed) for a failed analysis', async () => {
    const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', metadata: { kallglot_mock_analysis: 'fail' } });
    const stream = await kallglot.sessions.connect(session.id, { keepalive: false });
    const final = new Promise((r) => stream.on('transcript.final', r));
    await stream.ready;
    for (const frame of chunkFrames(wavToMulaw8k(wav), { ms: 100 })) await stream.sendAudio(frame);
    await final;
    await stream.end();
    const err = await kallglot.analyses.createAndPoll(session.id, undefined, { wait: virtualWait([]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotPollError);
    expect(err).toMatchObject({ reason: 'failed', last: { status: 'failed' } });
    expect((err as Error).message).toMatch(/failed: The analysis failed/);
  }, 30_000);

  it('the overall deadline (maxWaitMs) ends a poll that never finishes, with the bounded intervals it used', async () => {
    const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', recording: { enabled: true } });
    await kallglot.sessions.end(session.id);
    const [rec] = (await kallglot.sessions.recordings.list(session.id)).data;
    const waits: number[] = [];
    // The clock never moves (the wait does not advance it): the recording stays `processing`.
    const err = await kallglot.recordings
      .waitUntilReady(rec!.id, { pollIntervalMs: 5, maxWaitMs: 450, wait: async (ms) => void waits.push(ms) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'KallglotPollError', reason: 'timeout', last: { status: 'processing' } });
    expect(waits.every((ms) => ms === 100)).toBe(true); // 5 ms is raised to the 100 ms floor
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(waits.length).toBeLessThanOrEqual(4);
  });

  it('a signal aborts a poll', async () => {
    const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', recording: { enabled: true } });
    await kallglot.sessions.end(session.id);
    const [rec] = (await kallglot.sessions.recordings.list(session.id)).data;
    const controller = new AbortController();
    const err = await kallglot.recordings
      .waitUntilReady(rec!.id, { signal: controller.signal, wait: async () => controller.abort(new Error('user cancelled')) })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('user cancelled');
  });
});

describe('sessions.connect', () => {
  it('a stale token (4002) is healed by retrieving the session for a new one', async () => {
    const session = await kallglot.sessions.create({ mode: 'bidirectional_translation' });
    await control.advance(6 * 60_000); // the token minted at create (5 min) has expired
    const stream = await kallglot.sessions.connect(session, { keepalive: false, reconnect: { initialDelayMs: 1, maxDelayMs: 5 } });
    const closes: number[] = [];
    stream.on('close', (c) => closes.push(c.code));
    const ready = await stream.ready;
    expect(ready.session_id).toBe(session.id);
    expect(closes).toEqual([4002]);
    await stream.end();
  });

  it('connect(id) retrieves the session first; an ended session says so', async () => {
    const session = await kallglot.sessions.create({ mode: 'bidirectional_translation' });
    const stream = await kallglot.sessions.connect(session.id, { keepalive: false });
    await stream.ready;
    await stream.end();
    await expect(kallglot.sessions.connect(session.id)).rejects.toThrow(/has no stream \(status ended\)/);
  });
});
