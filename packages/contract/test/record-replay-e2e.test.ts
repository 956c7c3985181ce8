// The "done when": record a whole session life through the proxy against kallglot-mock, stop both, then
// replay the cassette with kallglot-mock (startMock's --replay option) and with MSW: the same program gets the
// same REST bodies byte for byte (stream.url and the redacted token aside), the same server frames in the same
// order and the same webhooks, re-signed with the replay's secret. The cassette is HAR 1.2 for npm's
// har-validator and holds none of the run's secrets.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyWebhook } from '@kallglot/client';
import { startMock } from '@kallglot/mock';
import { createKallglotHandlers, type DeliveredWebhook } from '@kallglot/mock/msw';
import harValidator from 'har-validator';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, receiver, recordCassette, SECRET, WEBHOOKS, type Recording } from './record-helpers.js';
import { sessionLife, type LifeResult } from './session-life.js';

const dir = mkdtempSync(join(tmpdir(), 'kallglot-cassette-'));
const file = join(dir, 'call.har');
let recording: Recording;
let text: string;

beforeAll(async () => {
  recording = await recordCassette(file);
  text = readFileSync(file, 'utf8');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The session answer's stream object is the one part a replay changes (its address, the redacted token). */
function comparable(r: LifeResult) {
  return r.rest.map((x) => {
    if (x.call !== 'POST /v1/sessions') return x;
    const body = JSON.parse(x.body);
    body.stream.url = new URL(body.stream.url).pathname;
    body.stream.token = 'kst_…';
    return { ...x, body: JSON.stringify(body) };
  });
}

describe('record once through the proxy', () => {
  it('wrote one HAR 1.2 cassette on exit that npm’s har-validator accepts', async () => {
    expect(recording.proxyExit).toBe(0);
    expect(recording.out).toMatch(/cassette written to .*call\.har \(\d+ entries\)/);
    const har = JSON.parse(text);
    await expect(harValidator.har(har)).resolves.toBeTruthy();
    const kinds = har.log.entries.map((e: any) => e._kallglot.kind);
    expect(kinds.filter((k: string) => k === 'http')).toHaveLength(recording.life.rest.length);
    expect(kinds.filter((k: string) => k === 'websocket')).toHaveLength(1);
    expect(kinds.filter((k: string) => k === 'webhook')).toHaveLength(WEBHOOKS);
    const socket = har.log.entries.find((e: any) => e._resourceType === 'websocket');
    // Every frame both ways, with its direction and time; the server's in the order the client got them.
    const received = socket._webSocketMessages.filter((m: any) => m.type === 'receive').map((m: any) => m.data);
    expect(received).toEqual(recording.life.frames);
    expect(socket._webSocketMessages.filter((m: any) => m.type === 'send').length).toBeGreaterThan(5);
  });

  it('holds none of the secrets the run used', () => {
    const sigs = recording.deliveries.map((d) => /v1=([0-9a-f]+)/.exec(String(d.headers['kallglot-signature']))![1]!);
    const secrets = [KEY, SECRET, recording.life.token, ...sigs];
    expect(secrets.length).toBe(3 + WEBHOOKS);
    for (const s of secrets) expect(text.includes(s), `cassette holds ${s.slice(0, 12)}…`).toBe(false);
    expect(text).toContain('sk_test_REDACTED');
    expect(text).toContain('kst_REDACTED_1');
  });
});

/** A multiset as a sorted list: the same items, whatever order they came in. */
const unordered = (xs: string[]) => [...xs].sort();

describe('replay anywhere', () => {
  it('kallglot-mock --replay: same bodies, same frames in order, webhooks re-signed with the replay secret', async () => {
    const hooks = await receiver();
    const mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, replay: { cassette: file, strict: true }, webhookUrls: [hooks.url], webhookSecret: 'whsec_replay_secret', log: () => undefined });
    try {
      const life = await sessionLife({ baseUrl: mock.urls.rest, apiKey: 'sk_test_any_key_in_ci' });
      expect(comparable(life)).toEqual(comparable(recording.life));
      expect(life.frames).toEqual(recording.life.frames);
      expect(life.close).toEqual(recording.life.close);
      expect(life.token).toBe('kst_REDACTED_1');
      const deliveries = await hooks.waitFor(WEBHOOKS);
      // The same deliveries, byte for byte. Not in one order: deliveries go out concurrently (as the API's do, which
      // promise no order), so the order a receiver sees them in varies between runs, the recording's included.
      expect(unordered(deliveries.map((d) => d.raw))).toEqual(unordered(recording.deliveries.map((d) => d.raw)));
      for (const d of deliveries) await verifyWebhook({ payload: d.raw, header: d.headers['kallglot-signature'] as string, secret: 'whsec_replay_secret' });
      expect(await mock.replay!.finish()).toEqual([]);
    } finally {
      await mock.close();
      await hooks.close();
    }
  }, 60_000);

  it('createKallglotHandlers({ cassette }) in MSW: the same session life in-process', async () => {
    const got: DeliveredWebhook[] = [];
    const handlers = createKallglotHandlers({ cassette: text, replay: { strict: true, timeScale: 0 }, webhookSecret: 'whsec_msw_replay', onWebhook: (w) => void got.push(w) });
    const server = setupServer(...handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const life = await sessionLife({ baseUrl: 'https://api.kallglot.com', apiKey: 'sk_test_any_key_in_ci' });
      expect(comparable(life)).toEqual(comparable(recording.life));
      expect(life.frames).toEqual(recording.life.frames);
      expect(life.close).toEqual(recording.life.close);
      expect(new URL(JSON.parse(life.rest[1]!.body).stream.url).origin).toBe('wss://stream.kallglot.com');
      await handlers.replay!.webhooks.idle();
      expect(unordered(got.map((w) => w.body))).toEqual(unordered(recording.deliveries.map((d) => d.raw)));
      for (const w of got) await verifyWebhook({ payload: w.body, header: w.headers['Kallglot-Signature']!, secret: 'whsec_msw_replay' });
      expect(await handlers.replay!.finish()).toEqual([]);
    } finally {
      server.close();
      handlers.dispose();
    }
  }, 60_000);

  it('--record-audio hash: audio kept as sha256 and length, and strict replay still checks every frame', async () => {
    const hashedFile = join(dir, 'hashed.har');
    const hashed = await recordCassette(hashedFile, 'hash');
    const har = JSON.parse(readFileSync(hashedFile, 'utf8'));
    const sent = har.log.entries.find((e: any) => e._resourceType === 'websocket')._webSocketMessages.filter((m: any) => m.type === 'send').map((m: any) => JSON.parse(m.data));
    const audio = sent.filter((m: any) => m.type === 'audio.input');
    expect(audio.length).toBeGreaterThan(5);
    for (const m of audio) expect(m.audio.payload).toMatch(/^sha256:[0-9a-f]{64};bytes=\d+$/);
    expect(readFileSync(hashedFile).length).toBeLessThan(Buffer.byteLength(text));
    const handlers = createKallglotHandlers({ cassette: har, replay: { strict: true, timeScale: 0 } });
    const server = setupServer(...handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const life = await sessionLife({ baseUrl: 'https://api.kallglot.com', apiKey: 'sk_test_any_key_in_ci' });
      expect(life.frames).toEqual(hashed.life.frames);
      expect(await handlers.replay!.finish()).toEqual([]);
    } finally {
      server.close();
      handlers.dispose();
    }
  }, 120_000);
});
