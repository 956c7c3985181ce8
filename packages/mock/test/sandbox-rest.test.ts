// The stateful sandbox over real HTTP: every answer is checked against the spec with Ajv 2020.
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockControl, startMock, type MockControl, type RunningMock } from '../src/index.js';
import { expectValidWebhook, hasMp3FrameSync, makeApi } from './helpers/sandbox.js';

let mock: RunningMock;
let control: MockControl;
const api = makeApi(() => mock.urls.rest);
const B = 'sk_test_sandbox_b';

beforeAll(async () => {
  mock = await startMock({ restPort: 0, streamPort: 0, docsPort: 5139, docsDir: false, timeScale: 0, credits: 5, log: () => undefined });
  control = createMockControl(mock.urls.rest);
});
afterAll(async () => {
  await mock?.close();
});
beforeEach(async () => {
  await control.reset();
});

const ulaw = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i % 16 < 8 ? 0x10 : 0x90))).toString('base64');

describe('sessions', () => {
  it('create stores what was sent; GET returns it; unknown ids are 404 session_not_found', async () => {
    const c = await api('POST', '/v1/sessions', { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', routing: { phone_number: '+14155550100' }, recording: { enabled: true }, metadata: { ticket: '42' } });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ status: 'created', mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', provider: 'twilio', phone_number: '+14155550100', recording: { enabled: true }, metadata: { ticket: '42' }, started_at: null, ended_at: null });
    expect(c.body.stream.url).toBe(`${mock.urls.stream}/v1/sessions/${c.body.id}/connect`);
    const g = await api('GET', `/v1/sessions/${c.body.id}`);
    expect(g.body).toMatchObject({ id: c.body.id, metadata: { ticket: '42' } });
    // One live token per session: repeated GETs do not mint new ones.
    expect(g.body.stream.token).toBe(c.body.stream.token);
    const n = await api('GET', '/v1/sessions/sess_NeverCreated1');
    expect([n.status, n.body.error.code]).toEqual([404, 'session_not_found']);
  });

  it('created → active on first stream connect → ended, with coherent timestamps and duration', async () => {
    const c = await api('POST', '/v1/sessions', { mode: 'assistive_translation' });
    await control.advance(1000);
    mock.registry.markActive(c.body.id);
    expect((await api('GET', `/v1/sessions/${c.body.id}`)).body.status).toBe('active');
    await control.advance(12_500);
    const e = await api('POST', `/v1/sessions/${c.body.id}/end`);
    expect(e.body).toMatchObject({ status: 'ended', duration_seconds: 12.5 });
    const g = await api('GET', `/v1/sessions/${c.body.id}`);
    const { created_at, started_at, ended_at, duration_seconds } = g.body;
    expect(Date.parse(created_at)).toBeLessThanOrEqual(Date.parse(started_at));
    expect(Date.parse(started_at)).toBeLessThanOrEqual(Date.parse(ended_at));
    expect(duration_seconds).toBe((Date.parse(ended_at) - Date.parse(started_at)) / 1000);
    expect(ended_at).toBe(e.body.ended_at);
    expect(g.body.stream).toBeUndefined();
    // Ending again returns the same summary (naturally idempotent); dial on an ended session is 409 session_ended.
    expect((await api('POST', `/v1/sessions/${c.body.id}/end`)).body).toEqual(e.body);
    const d = await api('POST', `/v1/sessions/${c.body.id}/dial`, { to: '+14155550101' });
    expect([d.status, d.body.error.code]).toEqual([409, 'session_ended']);
  });

  it('dial and hangup drive a call leg dialing → ringing → connected → ended', async () => {
    const c = await api('POST', '/v1/sessions', { mode: 'bidirectional_translation', routing: { phone_number: '+14155550100' } });
    const id = c.body.id;
    expect((await api('POST', `/v1/sessions/${id}/hangup`)).body.error.code).toBe('no_active_call');
    const d = await api('POST', `/v1/sessions/${id}/dial`, { to: '+14155550101' });
    expect(d.body).toMatchObject({ object: 'call', status: 'dialing', direction: 'outbound', to: '+14155550101', from: '+14155550100' });
    expect((await api('POST', `/v1/sessions/${id}/dial`, { to: '+14155550102' })).body.error.code).toBe('call_already_active');
    await control.advance(1000);
    expect((await api('GET', `/v1/sessions/${id}`)).body.call.status).toBe('ringing');
    await control.advance(2000);
    expect((await api('GET', `/v1/sessions/${id}`)).body.call.status).toBe('connected');
    const h = await api('POST', `/v1/sessions/${id}/hangup`);
    expect(h.body.status).toBe('ended');
    expect((await control.webhooks({ sessionId: id })).map((w) => w.type)).toEqual(['session.created', 'session.provider.connected', 'session.provider.disconnected']);
    for (const w of await control.webhooks({ sessionId: id })) expectValidWebhook(w.payload);
  });
});

describe('agents', () => {
  it('CRUD from the body, PATCH merges and null clears, 404 after DELETE', async () => {
    const a = await api('POST', '/v1/agents', { name: 'Ada', system_prompt: 'Be kind.', voice: 'nova', temperature: 0.3, knowledge_base_id: 'kb_1', metadata: { team: 'x' } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: 'Ada', system_prompt: 'Be kind.', voice: 'nova', temperature: 0.3, knowledge_base_id: 'kb_1' });
    const p = await api('PATCH', `/v1/agents/${a.body.id}`, { temperature: 0.9, knowledge_base_id: null });
    expect(p.body).toMatchObject({ name: 'Ada', voice: 'nova', temperature: 0.9, knowledge_base_id: null, metadata: { team: 'x' } });
    expect((await api('GET', `/v1/agents/${a.body.id}`)).body).toEqual(p.body);
    expect((await api('DELETE', `/v1/agents/${a.body.id}`)).body).toEqual({ id: a.body.id, object: 'agent', deleted: true });
    for (const [m, b] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
      const r = await api(m, `/v1/agents/${a.body.id}`, b);
      expect([r.status, r.body.error.code]).toEqual([404, 'agent_not_found']);
    }
  });

  it('lists the real store newest first with cursors', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api('POST', '/v1/agents', { name: `A${i}`, system_prompt: 'p' })).body.id);
    const newest = [...ids].reverse();
    const p1 = await api('GET', '/v1/agents?limit=2');
    expect(p1.body.data.map((a: any) => a.id)).toEqual(newest.slice(0, 2));
    expect([p1.body.has_more, p1.body.next_cursor]).toEqual([true, newest[1]]);
    const p2 = await api('GET', `/v1/agents?limit=2&starting_after=${p1.body.next_cursor}`);
    expect(p2.body.data.map((a: any) => a.id)).toEqual(newest.slice(2, 4));
    const p3 = await api('GET', `/v1/agents?limit=2&starting_after=${p2.body.next_cursor}`);
    expect([p3.body.data.length, p3.body.has_more, p3.body.next_cursor]).toEqual([1, false, null]);
    const back = await api('GET', `/v1/agents?limit=2&ending_before=${newest[4]}`);
    expect(back.body.data.map((a: any) => a.id)).toEqual(newest.slice(2, 4));
    // Another key sees none of them.
    expect((await api('GET', '/v1/agents', undefined, { key: B })).body.data).toEqual([]);
  });

  it('ai_agent.agent_id must name an existing agent', async () => {
    const r = await api('POST', '/v1/sessions', { mode: 'ai_agent', ai_agent: { agent_id: 'agt_Missing1' } });
    expect([r.status, r.body.error.code]).toEqual([404, 'ai_agent_not_found']);
  });
});

describe('transcripts, recordings, analysis', () => {
  it('finals become turns; recording processing → ready with a real MP3; analysis 202 → completed', async () => {
    const c = await api('POST', '/v1/sessions', { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', recording: { enabled: true } });
    const id = c.body.id;
    expect((await api('POST', `/v1/sessions/${id}/analysis`)).body.error.code).toBe('transcript_not_available');
    mock.registry.markActive(id);
    mock.registry.audio(id, ulaw(16_000));
    mock.registry.final(id, { sequence: 1, speaker: 'customer', language: 'en', text: 'Thanks, my order is late.', translation: { language: 'es', text: 'Gracias, mi pedido llega tarde.' } });
    mock.registry.final(id, { sequence: 2, speaker: 'agent', language: 'en', text: 'Sorry, I will check the order.' });
    const t = await api('GET', `/v1/sessions/${id}/transcript`);
    expect(t.body.status).toBe('in_progress');
    expect(t.body.turns.map((x: any) => [x.sequence, x.speaker, x.text])).toEqual([
      [1, 'customer', 'Thanks, my order is late.'],
      [2, 'agent', 'Sorry, I will check the order.'],
    ]);
    expect(t.body.turns[0].translation).toEqual({ language: 'es', text: 'Gracias, mi pedido llega tarde.' });
    await api('POST', `/v1/sessions/${id}/end`);
    expect((await api('GET', `/v1/sessions/${id}/transcript`)).body.status).toBe('completed');
    const list = await api('GET', `/v1/sessions/${id}/recordings`);
    const rec = list.body.data[0];
    expect(rec.status).toBe('processing');
    const early = await api('GET', `/v1/recordings/${rec.id}/audio`);
    expect([early.status, early.body.error.code]).toEqual([409, 'recording_not_ready']);
    await control.advance(3000);
    const r = await api('GET', `/v1/recordings/${rec.id}`);
    expect(r.body).toMatchObject({ status: 'ready', duration: 2, format: 'mp3', download_url: `/v1/recordings/${rec.id}/audio` });
    const audio = await api('GET', r.body.download_url);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect(Number(audio.headers.get('content-length'))).toBe(audio.bytes!.length);
    expect(audio.bytes!.length).toBe(r.body.size);
    expect(audio.headers.get('content-disposition')).toBe(`attachment; filename="recording-${id}.mp3"`);
    expect(hasMp3FrameSync(audio.bytes!)).toBe(true);

    const an = await api('POST', `/v1/sessions/${id}/analysis`, { include: ['summary', 'sentiment', 'keywords'] });
    expect([an.status, an.body.status]).toEqual([202, 'processing']);
    await control.advance(2000);
    const done = await api('GET', `/v1/analyses/${an.body.id}`);
    expect(done.body.status).toBe('completed');
    expect(done.body.keywords).toContain('order');
    expect(done.body.sentiment).toEqual({ customer: 'neutral', agent: 'neutral' });
    const types = (await control.webhooks({ sessionId: id })).map((w) => w.type);
    expect(types).toEqual(['session.created', 'session.started', 'transcript.segment', 'transcript.segment', 'session.ended', 'transcript.ready', 'recording.ready', 'analysis.complete']);
    for (const w of await control.webhooks({ sessionId: id })) expectValidWebhook(w.payload);
  });

  it('a recorded session with no audio gives recording.failed; a failing analysis gives analysis.failed', async () => {
    const c = await api('POST', '/v1/sessions', { mode: 'assistive_translation', recording: { enabled: true }, metadata: { kallglot_mock_analysis: 'fail' } });
    mock.registry.final(c.body.id, { sequence: 1, speaker: 'customer', language: 'en', text: 'Hello' });
    await api('POST', `/v1/sessions/${c.body.id}/end`);
    await api('POST', `/v1/sessions/${c.body.id}/analysis`);
    await control.advance(5000);
    const types = (await control.webhooks({ sessionId: c.body.id })).map((w) => w.type);
    expect(types).toContain('recording.failed');
    expect(types).toContain('analysis.failed');
    for (const w of await control.webhooks({ sessionId: c.body.id })) expectValidWebhook(w.payload);
  });
});

describe('idempotency and tenancy', () => {
  it('replays the same JSON whatever its key order; another body is a mismatch; keys are per API key', async () => {
    const first = await api('POST', '/v1/agents', undefined, { idem: 'k1', raw: '{"name":"A","system_prompt":"p"}' });
    const again = await api('POST', '/v1/agents', undefined, { idem: 'k1', raw: '{ "system_prompt" : "p",\n "name": "A" }' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await api('POST', '/v1/agents', { name: 'B', system_prompt: 'p' }, { idem: 'k1' });
    expect([other.status, other.body.error.code, other.body.error.type]).toEqual([400, 'idempotency_mismatch', 'invalid_request_error']);
    const b = await api('POST', '/v1/agents', { name: 'B', system_prompt: 'p' }, { idem: 'k1', key: B });
    expect(b.status).toBe(201);
    expect((await api('GET', '/v1/agents')).body.data).toHaveLength(1);
    // The TTL runs on the virtual clock: after 24 h the key acts as new.
    await control.advance(86_400_001);
    expect((await api('POST', '/v1/agents', { name: 'C', system_prompt: 'p' }, { idem: 'k1' })).status).toBe(201);
  });

  it('a request still in flight gets 409 idempotency_conflict with Retry-After', async () => {
    const url = new URL(mock.urls.rest);
    const body = JSON.stringify({ name: 'Slow', system_prompt: 'p' });
    const slow = request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/agents', headers: { Authorization: 'Bearer sk_test_sandbox_a', 'Content-Type': 'application/json', 'Content-Length': body.length, 'Idempotency-Key': 'slow-1' } });
    const slowDone = new Promise<number>((resolve) => slow.on('response', (r) => (r.resume(), resolve(r.statusCode!))));
    slow.write(body.slice(0, 5));
    await new Promise((r) => setTimeout(r, 100));
    const dup = await api('POST', '/v1/agents', JSON.parse(body), { idem: 'slow-1' });
    expect([dup.status, dup.body.error.code, dup.headers.get('retry-after')]).toEqual([409, 'idempotency_conflict', '1']);
    slow.end(body.slice(5));
    expect(await slowDone).toBe(201);
    expect((await api('POST', '/v1/agents', JSON.parse(body), { idem: 'slow-1' })).headers.get('idempotent-replayed')).toBe('true');
  });

  it('credits and rate headers come from the key; exhausted credits answer 402', async () => {
    for (let i = 0; i < 5; i++) expect((await api('POST', '/v1/sessions', { mode: 'assistive_translation' })).status).toBe(201);
    const out = await api('POST', '/v1/sessions', { mode: 'assistive_translation' });
    expect([out.status, out.body.error.code]).toEqual([402, 'insufficient_api_credits']);
    expect(out.headers.get('x-api-credits-remaining')).toBe('0');
    const b = await api('POST', '/v1/sessions', { mode: 'assistive_translation' }, { key: B });
    expect(b.status).toBe(201);
    expect(b.headers.get('x-api-credits-remaining')).toBe('4');
    expect(b.headers.get('x-ratelimit-remaining')).toBe('999');
    expect((await api('GET', `/v1/sessions/${b.body.id}`)).status).toBe(404);
  });
});

describe('edges', () => {
  it('an unauthenticated 50 MB upload gets 401 before its body is read', async () => {
    const url = new URL(mock.urls.rest);
    const status = await new Promise<number>((resolve, reject) => {
      const r = request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/sessions', headers: { 'Content-Type': 'application/json', 'Content-Length': 50 * 1024 * 1024 } });
      r.on('response', (res) => (res.resume(), resolve(res.statusCode!)));
      r.on('error', reject);
      r.write(Buffer.alloc(64 * 1024, 0x20)); // a small part only: the answer must not wait for the rest
    });
    expect(status).toBe(401);
  });

  it('a declared body above the limit is refused before it is read; a non-UTF-8 charset is 415', async () => {
    const big = await fetch(`${mock.urls.rest}/v1/sessions`, { method: 'POST', headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 * 1024) }, body: Buffer.alloc(2 * 1024 * 1024, 0x20), duplex: 'half' } as RequestInit).catch(() => undefined);
    if (big) expect(big.status).toBe(413);
    const r = await fetch(`${mock.urls.rest}/v1/sessions`, { method: 'POST', headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/json; charset=utf-16' }, body: '{"mode":"ai_agent"}' });
    expect(r.status).toBe(415);
    expect((await r.json()).error.param).toBe('Content-Type');
  });

  it('answers CORS for the docs origin only', async () => {
    const ok = await fetch(`${mock.urls.rest}/v1/agents`, { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:5139', 'Access-Control-Request-Method': 'POST' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5139');
    const no = await fetch(`${mock.urls.rest}/v1/agents`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
    const g = await api('GET', '/v1/agents', undefined, { headers: { Origin: 'http://localhost:5139' } });
    expect(g.headers.get('access-control-allow-origin')).toBe('http://localhost:5139');
    expect(g.headers.get('access-control-expose-headers')).toContain('X-Request-ID');
  });
});
