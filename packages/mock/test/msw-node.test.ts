// @kallglot/mock/msw in Node: msw/node's setupServer intercepts fetch and WebSocket, and @kallglot/client plus
// @kallglot/stream run a whole session against the in-process sandbox engine — with no socket opened.
import { readFileSync } from 'node:fs';
import { createKallglotClient, verifyWebhook } from '@kallglot/client';
import { chunkFrames, connectStream, type WebSocketConstructor } from '@kallglot/stream';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKallglotHandlers, type DeliveredWebhook } from '../src/msw/index.js';
import { SPEECH } from './helpers/audio.js';
import { expectValid, expectValidWebhook } from './helpers/sandbox.js';
import { until } from './helpers/wait.js';

// Node 22+ has a global WebSocket, which MSW patches. Node 20 has none (MSW then has nothing to intercept), so
// the test installs undici's (the implementation Node itself ships) before MSW starts.
if (typeof globalThis.WebSocket === 'undefined') {
  const { WebSocket } = await import('undici');
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}

const API_KEY = 'sk_test_msw_node';
const SECRET = 'whsec_msw_node';
const received: DeliveredWebhook[] = [];
const handlers = createKallglotHandlers({ webhookSecret: SECRET, onWebhook: (w) => void received.push(w) });
const server = setupServer(...handlers);
const unhandled: string[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: (req) => void unhandled.push(`${req.method} ${req.url}`) }));
afterEach(() => {
  server.resetHandlers();
  handlers.reset();
  received.length = 0;
});
afterAll(() => {
  server.close();
  handlers.dispose();
});

/** Sockets the process holds: with everything intercepted there is no server socket and no outbound one. */
function openSockets(): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h) => h && typeof h === 'object' && h.constructor?.name === 'Socket' && !(h as { fd?: number }).fd?.toString().match(/^[012]$/) && (h as { remoteAddress?: string }).remoteAddress !== undefined).length
    + handles.filter((h) => h && typeof h === 'object' && h.constructor?.name === 'Server').length;
}

const client = () => createKallglotClient({ apiKey: API_KEY, maxRetries: 0 });
// @kallglot/stream's Node entry defaults to `ws`; MSW patches the global WebSocket, so hand that one over.
const WS = () => globalThis.WebSocket as unknown as WebSocketConstructor;


describe('@kallglot/mock/msw with setupServer', () => {
  it('runs the whole session flow in-process: create, stream audio, transcript.final, end, REST transcript, signed webhook', async () => {
    const socketsBefore = openSockets();
    const c = client();
    const created = await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' } });
    expect(created.response.status).toBe(201);
    expectValid('POST', '/v1/sessions', { status: 201, body: created.data });
    const session = created.data!;
    expect(session.stream!.url).toBe(`wss://stream.kallglot.com/v1/sessions/${session.id}/connect`);

    const stream = connectStream({ stream: session.stream!, keepalive: false, WebSocket: WS() });
    const frames: any[] = [];
    stream.on('message', (m) => frames.push(m));
    await stream.ready;
    expect((await c.GET('/v1/sessions/{session_id}', { params: { path: { session_id: session.id } } })).data!.status).toBe('active');

    // The speech sample's first 4 s (its first phrase and the hangover after it) in 100 ms frames.
    const mulaw = SPEECH.subarray(0, 8000 * 4);
    for (const chunk of chunkFrames(mulaw, { ms: 100 })) await stream.sendAudio(chunk, { speaker: 'customer' });
    const finals = await until('a final', () => {
      const f = frames.filter((x) => x.type === 'transcript.final');
      return f.length >= 1 ? f : undefined;
    });
    expect(finals[0]).toMatchObject({ type: 'transcript.final', sequence: 1, translation: { language: 'es' } });
    expect(frames.some((f) => f.type === 'transcript.partial')).toBe(true);

    const ended = await stream.end();
    expect(ended.reason).toBe('explicit_end');

    const transcript = await c.GET('/v1/sessions/{session_id}/transcript', { params: { path: { session_id: session.id } } });
    expectValid('GET', `/v1/sessions/${session.id}/transcript`, { status: 200, body: transcript.data });
    expect(transcript.data!.status).toBe('completed');
    expect(transcript.data!.turns.map((t) => [t.sequence, t.text])).toEqual(finals.map((f) => [f.sequence, f.text]));

    // Webhooks: delivered to the callback, signed with signWebhook, verified by verifyWebhook.
    await handlers.webhooks.settled();
    const types = received.map((w) => w.type);
    expect(types).toEqual(expect.arrayContaining(['session.created', 'session.started', 'transcript.segment', 'session.ended']));
    for (const w of received) {
      const ev = await verifyWebhook({ payload: w.body, header: w.headers['Kallglot-Signature']!, secret: SECRET });
      expectValidWebhook(ev as any);
    }
    const endedHook = await handlers.webhooks.next('session.ended');
    expect(JSON.parse(endedHook.body).data.id ?? JSON.parse(endedHook.body).data.session_id).toBe(session.id);

    // Nothing left the process: no request went unhandled and no socket was opened.
    expect(unhandled).toEqual([]);
    expect(openSockets()).toBe(socketsBefore);
  });

  it('answers bad input with the API error envelope, like kallglot-mock', async () => {
    const c = client();
    const missing = await c.GET('/v1/sessions/{session_id}', { params: { path: { session_id: 'sess_doesnotexist' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.response.headers.get('x-request-id')).toMatch(/^req_/);
    expectValid('GET', '/v1/sessions/sess_doesnotexist', { status: 404, body: missing.error });

    const invalid = await c.POST('/v1/sessions', { body: { mode: 'nonsense' } as any });
    expect([400, 422]).toContain(invalid.response.status);
    expect((invalid.error as any).error).toMatchObject({ param: 'mode' });

    const noKey = await fetch('https://api.kallglot.com/v1/sessions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as any).error.type).toBe('authentication_error');

    const route = await fetch('https://api.kallglot.com/v1/nowhere', { headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(route.status).toBe(404);
    expect(((await route.json()) as any).error.code).toBeTypeOf('string');
    expect(unhandled).toEqual([]);
  });

  it('replays an idempotent create and refuses a reused key with a different body', async () => {
    const c = client();
    const opts = { headers: { 'Idempotency-Key': 'idem-msw-1' } } as const;
    const a = await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' }, ...opts } as any);
    const b = await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' }, ...opts } as any);
    expect(b.data!.id).toBe(a.data!.id);
    const clash = await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', source_language: 'de' }, ...opts } as any);
    expect(clash.response.status).toBeGreaterThanOrEqual(400);
    expectValid('POST', '/v1/sessions', { status: clash.response.status, body: clash.error });
    expect((clash.error as any).error.param).toBe('Idempotency-Key');
  });

  it('closes with the taxonomy codes: an unknown token is 4001, a bad session path 4004, a frame over 64 KiB 1009', async () => {
    const c = client();
    const s = (await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } })).data!;
    const bad = connectStream({ stream: { url: s.stream!.url, token: 'kst_not_issued_by_anyone' }, keepalive: false, reconnect: false, WebSocket: WS() } as any);
    await expect(bad.ready).rejects.toMatchObject({ code: 4001 });
    const nowhere = connectStream({ stream: { url: 'wss://stream.kallglot.com/v1/sessions/not-a-session/connect', token: s.stream!.token }, keepalive: false, reconnect: false, WebSocket: WS() } as any);
    await expect(nowhere.ready).rejects.toMatchObject({ code: 4004 });
    // A raw socket (no client-side checks): the sandbox closes with 1009 message_too_big.
    const raw = new globalThis.WebSocket(`${s.stream!.url}?token=${s.stream!.token}`);
    const closed = new Promise<{ code: number }>((r) => raw.addEventListener('close', (e) => r({ code: e.code })));
    await new Promise((r) => raw.addEventListener('message', r, { once: true }));
    raw.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(70_000) }));
    expect((await closed).code).toBe(1009);
  });

  it('a per-test stream scenario: a scripted transcript, then { closeWith: 4002 }', async () => {
    const c = client();
    handlers.useStream({ transcript: [{ speaker: 'agent', language: 'en', text: 'Thanks for calling Acme.', audioMs: 200, partials: 0 }], timing: 'scripted' });
    const s = (await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } })).data!;
    const stream = connectStream({ stream: s.stream!, keepalive: false, WebSocket: WS() });
    const finals: any[] = [];
    stream.on('message', (m) => m.type === 'transcript.final' && finals.push(m));
    await stream.ready;
    for (const chunk of chunkFrames(new Uint8Array(8000 * 0.3).fill(0xff), { ms: 100 })) await stream.sendAudio(chunk);
    await until('scripted final', () => (finals.length ? finals : undefined));
    expect(finals[0]).toMatchObject({ speaker: 'agent', text: 'Thanks for calling Acme.' });
    await stream.end();

    handlers.useStream({ closeWith: 4002 });
    const s2 = (await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } })).data!;
    const closing = connectStream({ stream: s2.stream!, keepalive: false, reconnect: false, WebSocket: WS() } as any);
    const closed = new Promise<any>((r) => closing.on('close', (info: any) => r(info)));
    expect((await closed).code).toBe(4002);
  });

  it('a typed REST override wins for one request, then the sandbox answers again', async () => {
    const c = client();
    const s = (await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } })).data!;
    server.use(
      handlers.override('GET /v1/sessions/{session_id}', ({ params }) => ({ status: 404, body: { error: { type: 'not_found_error', code: 'session_not_found', message: `No session ${params.session_id}.` } } }), { once: true }),
    );
    const first = await c.GET('/v1/sessions/{session_id}', { params: { path: { session_id: s.id } } });
    expect(first.response.status).toBe(404);
    expect((first.error as any).error.message).toBe(`No session ${s.id}.`);
    const second = await c.GET('/v1/sessions/{session_id}', { params: { path: { session_id: s.id } } });
    expect(second.data!.id).toBe(s.id);
  });

  it('a frozen clock moves only when the test says: the recording is ready after clock.advance', async () => {
    const frozen = createKallglotHandlers({ baseUrl: 'https://frozen.example', streamUrl: 'wss://frozen-stream.example', clock: { scale: 0 } });
    server.use(...frozen);
    try {
      const c = createKallglotClient({ apiKey: API_KEY, baseUrl: 'https://frozen.example', maxRetries: 0 });
      const s = (await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', recording: { enabled: true } } as any })).data!;
      const stream = connectStream({ stream: s.stream!, keepalive: false, WebSocket: WS() });
      await stream.ready;
      for (const chunk of chunkFrames(new Uint8Array(8000).fill(0xff), { ms: 100 })) await stream.sendAudio(chunk);
      await stream.end();
      const recs = (await c.GET('/v1/sessions/{session_id}/recordings', { params: { path: { session_id: s.id } } })).data!;
      const id = recs.data[0]!.id;
      expect((await c.GET('/v1/recordings/{recording_id}', { params: { path: { recording_id: id } } })).data!.status).toBe('processing');
      frozen.clock.advance(60_000);
      expect((await c.GET('/v1/recordings/{recording_id}', { params: { path: { recording_id: id } } })).data!.status).toBe('ready');
    } finally {
      frozen.dispose();
    }
  });
  it('starts from a seed fixture, and streams webhooks as an async iterator', async () => {
    const seeded = createKallglotHandlers({ baseUrl: 'https://seeded.example', streamUrl: 'wss://seeded-stream.example', seed: { tenants: { [API_KEY]: { agents: [{ id: 'agt_seeded01', name: 'Seeded', system_prompt: 'Be brief.' }] } } } });
    server.use(...seeded);
    try {
      const c = createKallglotClient({ apiKey: API_KEY, baseUrl: 'https://seeded.example', maxRetries: 0 });
      const agent = await c.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_seeded01' } } });
      expect(agent.response.status).toBe(200);
      expect(agent.data).toMatchObject({ id: 'agt_seeded01', name: 'Seeded' });
      // Another key is another tenant: it does not see the seeded agent.
      const other = createKallglotClient({ apiKey: 'sk_test_someone_else', baseUrl: 'https://seeded.example', maxRetries: 0 });
      expect((await other.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_seeded01' } } })).response.status).toBe(404);
      const it = seeded.webhooks.events();
      const s = (await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } })).data!;
      const first = (await it.next()).value!;
      expect(first.type).toBe('session.created');
      expect(JSON.stringify(first.payload)).toContain(s.id);
    } finally {
      seeded.dispose();
    }
  });
  it('plays a built-in scenario picked by the session metadata, as kallglot-mock does', async () => {
    const bilingual = JSON.parse(readFileSync(new URL('../scenarios/bilingual.json', import.meta.url), 'utf8'));
    const c = client();
    const s = (await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', metadata: { kallglot_mock_scenario: 'bilingual' } } })).data!;
    const stream = connectStream({ stream: s.stream!, keepalive: false, WebSocket: WS() });
    const finals: any[] = [];
    stream.on('message', (m) => m.type === 'transcript.final' && finals.push(m));
    await stream.ready;
    // Its first turn comes with the first phrase of the speech sample.
    for (const chunk of chunkFrames(SPEECH.subarray(0, 8000 * 4), { ms: 100 })) await stream.sendAudio(chunk);
    await until('bilingual final', () => (finals.length ? finals : undefined));
    expect(finals[0].text).toBe(bilingual.utterances[0].text);
    await stream.end();
  });
  it('a URL fault with a close code no WebSocket may send gets a session.error and 1008 (shared protocol hardening)', async () => {
    const c = client();
    const s = (await c.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } })).data!;
    const raw = new globalThis.WebSocket(`${s.stream!.url}?token=${s.stream!.token}&mock_close_code=1005`);
    const frames: any[] = [];
    raw.addEventListener('message', (e) => frames.push(JSON.parse(String(e.data))));
    const closed = await new Promise<{ code: number }>((r) => raw.addEventListener('close', (e) => r({ code: e.code })));
    expect(closed.code).toBe(1008);
    expect(frames).toEqual([expect.objectContaining({ type: 'session.error' })]);
  });
});
