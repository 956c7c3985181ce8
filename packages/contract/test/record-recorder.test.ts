// The recorder: plain observer events in, one redacted HAR 1.2 cassette out, checked by npm's har-validator.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signWebhook } from '@kallglot/client';
import harValidator from 'har-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecorder, hashAudioFrame, type Recorder } from '../src/record/index.js';

const API_KEY = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';
const LIVE_KEY = 'sk_live_51HxYzQwErTyUiOp';
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIK2mn';
const TOKEN_A = 'kst_test_01HXYZTOKENAAAAAAAAAAAAAA';
const TOKEN_B = 'kst_live_01HXYZTOKENBBBBBBBBBBBBBB';
const SESSION = 'sess_01HXYZ123456789';
const T0 = Date.parse('2026-03-26T11:00:00Z');
const AUDIO = Buffer.alloc(800, 0xff);

function sessionBody(token: string): string {
  return JSON.stringify({
    id: SESSION, object: 'session', status: 'created', mode: 'bidirectional_translation',
    stream: { url: `ws://127.0.0.1:4011/v1/sessions/${SESSION}/connect`, token, expires_at: '2026-03-26T11:05:00Z' },
  });
}

async function recordSession(rec: Recorder): Promise<void> {
  rec.onHttpExchange({
    request: { method: 'POST', url: 'http://127.0.0.1:4010/v1/sessions', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: '{"mode":"bidirectional_translation"}' },
    response: { status: 201, headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' }, body: sessionBody(TOKEN_A) },
    startedAt: T0, durationMs: 12,
  });
  rec.onHttpExchange({
    request: { method: 'GET', url: `http://127.0.0.1:4010/v1/sessions/${SESSION}?api_key=${LIVE_KEY}`, headers: { 'x-api-key': LIVE_KEY }, body: undefined },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(sessionBody(TOKEN_B)) },
    startedAt: new Date(T0 + 100), durationMs: 3,
  });
  rec.onHttpExchange({
    request: { method: 'GET', url: 'http://127.0.0.1:4010/v1/recordings/rec_1/audio', headers: { authorization: `Bearer ${API_KEY}` } },
    response: { status: 200, headers: { 'content-type': 'audio/mpeg' }, body: new Uint8Array([0xff, 0xfb, 0x90, 0x00, 0xc3]) },
    startedAt: T0 + 150, durationMs: 2,
  });
  rec.onWebSocketOpen({ url: `ws://127.0.0.1:4011/v1/sessions/${SESSION}/connect?token=${TOKEN_A}`, headers: { 'sec-websocket-version': '13' }, time: T0 + 200 });
  rec.onWebSocketMessage({ direction: 'receive', opcode: 1, data: JSON.stringify({ type: 'session.ready', session_id: SESSION }), time: T0 + 210 });
  const frame = { type: 'audio.input', sequence: 0, timestamp_ms: T0 + 300, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: AUDIO.toString('base64') } };
  rec.onWebSocketMessage({ direction: 'send', opcode: 1, data: JSON.stringify(frame), time: T0 + 300 });
  rec.onWebSocketMessage({ direction: 'send', opcode: 2, data: new Uint8Array([1, 2, 3]), time: T0 + 350 });
  rec.onWebSocketMessage({ direction: 'receive', opcode: 1, data: JSON.stringify({ type: 'transcript.final', speaker: 'customer', text: `my key is ${API_KEY}` }), time: T0 + 1400 });
  rec.onWebSocketClose({ code: 1000, reason: 'normal_closure', time: T0 + 1500 });
  const body = JSON.stringify({ id: 'evt_1', type: 'session.ended', api_version: 'v1', created_at: '2026-03-26T11:00:02Z', data: { id: SESSION, object: 'session', secret_echo: WEBHOOK_SECRET } });
  const signature = await signWebhook({ payload: body, secret: WEBHOOK_SECRET, timestamp: 1774522802 });
  rec.onWebhook({ headers: { 'Content-Type': 'application/json', 'Kallglot-Signature': signature, 'Kallglot-Webhook-Id': 'wh_del_1' }, body, url: 'http://127.0.0.1:9000/hooks', status: 200, time: T0 + 2000 });
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function writeCassette(rec: Recorder): Promise<{ path: string; text: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kallglot-record-'));
  dirs.push(dir);
  const path = join(dir, 'call.har');
  await rec.write(path);
  return { path, text: await readFile(path, 'utf8') };
}

describe('recorder', () => {
  it('writes a HAR 1.2 file that an npm HAR validator accepts, with the WebSocket convention', async () => {
    const rec = createRecorder({ apiKeys: [API_KEY, LIVE_KEY], webhookSecrets: [WEBHOOK_SECRET] });
    await recordSession(rec);
    const { text } = await writeCassette(rec);
    const har = JSON.parse(text);
    await expect(harValidator.har(har)).resolves.toBeTruthy();
    const entries = har.log.entries;
    expect(entries.map((e: { _kallglot: { kind: string } }) => e._kallglot.kind)).toEqual(['http', 'http', 'http', 'websocket', 'webhook']);
    const ws = entries[3];
    expect(ws._resourceType).toBe('websocket');
    expect(ws.response.status).toBe(101);
    expect(ws._webSocketMessages.map((m: { type: string; opcode: number }) => `${m.type}/${m.opcode}`)).toEqual(['receive/1', 'send/1', 'send/2', 'receive/1']);
    expect(ws._webSocketMessages[0].time).toBe((T0 + 210) / 1000);
    expect(ws._kallglot.close).toEqual({ code: 1000, reason: 'normal_closure', time: (T0 + 1500) / 1000 });
    expect(ws.time).toBe(1300);
    expect(entries[2].response.content).toMatchObject({ encoding: 'base64', mimeType: 'audio/mpeg', text: Buffer.from([0xff, 0xfb, 0x90, 0x00, 0xc3]).toString('base64'), size: 5 });
    expect(entries[4].request).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:9000/hooks' });
  });

  it('holds no secret of the run: keys, tokens, webhook secret and signatures are placeholders; ids stay', async () => {
    const rec = createRecorder({ apiKeys: [API_KEY], webhookSecrets: [WEBHOOK_SECRET] });
    await recordSession(rec);
    const { text } = await writeCassette(rec);
    const signature = await signWebhook({ payload: 'x', secret: WEBHOOK_SECRET, timestamp: 1 });
    for (const secret of [API_KEY, LIVE_KEY, WEBHOOK_SECRET, TOKEN_A, TOKEN_B, 'sk_live_', 'kst_test_', 'kst_live_', signature.slice(-64)]) {
      expect(text, `cassette holds ${secret}`).not.toContain(secret);
    }
    const realSig = JSON.parse(text).log.entries[4].request.headers.find((h: { name: string }) => h.name === 'Kallglot-Signature').value;
    expect(realSig).toBe('t=1774522802,v1=REDACTED');
    expect(text).toContain(`Bearer sk_test_REDACTED`);
    expect(text).toContain(`${SESSION}/connect?token=kst_REDACTED_1`);
    // The same token keeps its number everywhere; the second distinct token gets the next one.
    const har = JSON.parse(text);
    expect(JSON.parse(har.log.entries[0].response.content.text).stream.token).toBe('kst_REDACTED_1');
    expect(JSON.parse(har.log.entries[1].response.content.text).stream.token).toBe('kst_REDACTED_2');
    expect(har.log.entries[1].request.queryString).toEqual([{ name: 'api_key', value: 'sk_test_REDACTED' }]);
    expect(text).toContain(SESSION);
    expect(text).toContain('wh_del_1');
    expect(har.log._kallglot.redacted).toEqual(expect.arrayContaining(['sk_test_REDACTED', 'whsec_REDACTED', 'kst_REDACTED_1', 'kst_REDACTED_2']));
  });

  it('redacts secrets by field name whatever their shape, and makes relative URLs absolute', () => {
    const rec = createRecorder({ baseUrl: 'http://127.0.0.1:4010' });
    rec.onHttpExchange({
      request: { method: 'POST', url: '/v1/things?x=1', headers: { 'content-type': 'application/json' }, body: '{"api_key":"plainkey123","nested":{"token":"opaque-token-1"}}' },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"token":"opaque-token-1","signing_secret":"s3cr3t-value","other":"kept"}' },
      startedAt: T0, durationMs: 1,
    });
    rec.onWebSocketOpen({ url: '/v1/sessions/s/connect?token=opaque-token-1', time: T0 });
    const text = JSON.stringify(rec.toHar());
    for (const secret of ['plainkey123', 'opaque-token-1', 's3cr3t-value']) expect(text).not.toContain(secret);
    const [http, ws] = rec.toHar().log.entries;
    expect(http!.request.url).toBe('http://127.0.0.1:4010/v1/things?x=1');
    expect(http!.request.postData!.text).toBe('{"api_key":"sk_test_REDACTED","nested":{"token":"kst_REDACTED_1"}}');
    expect(http!.response.content.text).toBe('{"token":"kst_REDACTED_1","signing_secret":"REDACTED","other":"kept"}');
    expect(ws!.request.url).toBe('ws://127.0.0.1:4010/v1/sessions/s/connect?token=kst_REDACTED_1');
  });

  it('stores audio in full by default, or as hash and length behind the option', async () => {
    const full = createRecorder();
    await recordSession(full);
    const sent = JSON.parse(full.toHar().log.entries[3]!._webSocketMessages![1]!.data);
    expect(sent.audio.payload).toBe(AUDIO.toString('base64'));

    const hashed = createRecorder({ audio: 'hash' });
    await recordSession(hashed);
    const log = hashed.toHar().log;
    const msgs = log.entries[3]!._webSocketMessages!;
    expect(JSON.parse(msgs[1]!.data).audio.payload).toBe(hashAudioFrame(AUDIO));
    expect(hashAudioFrame(AUDIO)).toMatch(/^sha256:[0-9a-f]{64};bytes=800$/);
    expect(msgs[2]!.data).toBe(hashAudioFrame(new Uint8Array([1, 2, 3])));
    expect(log._kallglot.audio).toBe('hash');
    await expect(harValidator.har(hashed.toHar())).resolves.toBeTruthy();
  });

  it('is bounded: past maxBytes it drops entries and marks the cassette truncated', async () => {
    const rec = createRecorder({ maxBytes: 600 });
    await recordSession(rec);
    const log = rec.toHar().log;
    expect(log._kallglot.truncated).toBe(true);
    const stored = log.entries.reduce((n, e) => n + e.request.bodySize + e.response.bodySize + (e._webSocketMessages ?? []).reduce((m, x) => m + x.data.length, 0), 0);
    expect(stored).toBeLessThanOrEqual(600);
  });
});
