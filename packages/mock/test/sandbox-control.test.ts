// The control plane (/_mock/), the virtual clock, seeding, the state file, webhook retries on the clock,
// the stream feeding state (active on connect, 4009 once ended), and the bounds on every map.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockControl, startMock, startRestMock, type RunningMock } from '../src/index.js';
import { Engine } from '../src/engine-entry.js';
import { expectValidWebhook, makeApi } from './helpers/sandbox.js';
import { connect } from './helpers/ws.js';

const dir = mkdtempSync(join(tmpdir(), 'kallglot-sandbox-'));
const KEY = 'sk_test_control_a';

describe('control plane', () => {
  let mock: RunningMock;
  const api = makeApi(() => mock.urls.rest);
  beforeAll(async () => {
    mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, timeScale: 0, log: () => undefined });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('seeds from a fixture, snapshots with map sizes, and resets', async () => {
    const control = createMockControl(mock.urls.rest);
    await control.reset();
    const r = await control.seed({ tenants: { [KEY]: { credits: 7, agents: [{ id: 'agt_Seeded1', name: 'Seeded', system_prompt: 'p' }], sessions: [{ id: 'sess_Seeded1', mode: 'assistive_translation' }] } } });
    expect(r.seeded).toEqual({ agents: 1, sessions: 1 });
    expect((await api('GET', '/v1/agents/agt_Seeded1', undefined, { key: KEY })).body.name).toBe('Seeded');
    const s = await api('GET', '/v1/sessions/sess_Seeded1', undefined, { key: KEY });
    expect(s.headers.get('x-api-credits-remaining')).toBe('7');
    const snap = await control.state();
    expect(snap.sizes).toMatchObject({ tenants: 1, sessions: 1, agents: 1, tokens: 1, events: 1, webhook_records: 1 });
    expect(snap.caps.sessions).toBeGreaterThan(0);
    await control.reset();
    expect((await control.state()).sizes).toMatchObject({ tenants: 0, sessions: 0, tokens: 0, events: 0, webhook_records: 0 });
    expect((await api('GET', '/v1/agents/agt_Seeded1', undefined, { key: KEY })).status).toBe(404);
  });

  it('the clock: get, advance (runs due tasks), bad input in the envelope, unknown routes 404', async () => {
    const control = createMockControl(mock.urls.rest);
    const c0 = await control.clock();
    const c1 = await control.advance(90_000);
    expect(c1.now_ms - c0.now_ms).toBe(90_000);
    const bad = await fetch(`${mock.urls.rest}/_mock/clock/advance`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"ms":-1}' });
    expect([bad.status, (await bad.json()).error.param]).toEqual([400, 'ms']);
    expect((await fetch(`${mock.urls.rest}/_mock/nope`)).status).toBe(404);
  });

  it('the stream feeds state: first connect → active; once ended the stream is refused with 4009', async () => {
    const c = await api('POST', '/v1/sessions', { mode: 'assistive_translation' }, { key: KEY });
    const ws = connect(`${c.body.stream.url}?token=${c.body.stream.token}`);
    await ws.next();
    expect((await api('GET', `/v1/sessions/${c.body.id}`, undefined, { key: KEY })).body.status).toBe('active');
    await api('POST', `/v1/sessions/${c.body.id}/end`, undefined, { key: KEY });
    expect((await ws.closed).code).toBe(1000);
    const again = connect(`${c.body.stream.url}?token=${c.body.stream.token}`);
    expect((await again.closed).code).toBe(4009);
  });

  it('repeated GETs keep one stream token per session (150,000 GETs used to keep 150,000)', async () => {
    const control = createMockControl(mock.urls.rest);
    await control.reset();
    const c = await api('POST', '/v1/sessions', { mode: 'assistive_translation' }, { key: KEY });
    for (let i = 0; i < 300; i++) await fetch(`${mock.urls.rest}/v1/sessions/${c.body.id}`, { headers: { Authorization: `Bearer ${KEY}` } }).then((r) => r.arrayBuffer());
    expect((await control.state()).sizes.tokens).toBe(1);
  });
});

describe('webhooks on the virtual clock', () => {
  let receiverA: Server;
  let receiverB: Server;
  const got: { who: string; retry: string; body: any }[] = [];
  let failFirst = true;
  let mock: RunningMock;
  beforeAll(async () => {
    const make = (who: string) =>
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          got.push({ who, retry: String(req.headers['kallglot-retry-count']), body: JSON.parse(Buffer.concat(chunks).toString()) });
          // Receiver A fails each event's first attempt.
          const fail = who === 'A' && failFirst && req.headers['kallglot-retry-count'] === '0';
          res.writeHead(fail ? 500 : 204).end();
        });
      });
    receiverA = make('A');
    receiverB = make('B');
    await Promise.all([receiverA, receiverB].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
    const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
    mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, timeScale: 0, webhookUrls: [url(receiverA), url(receiverB)], log: () => undefined });
  });
  afterAll(async () => {
    await mock?.close();
    await Promise.all([receiverA, receiverB].map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it('every event goes to every target; a failed delivery is retried on the documented schedule as the clock advances', async () => {
    const api = makeApi(() => mock.urls.rest);
    const control = createMockControl(mock.urls.rest);
    const c = await api('POST', '/v1/sessions', { mode: 'assistive_translation' }, { key: KEY });
    let recs = await control.webhooks({ sessionId: c.body.id });
    expect(recs.map((r) => r.type)).toEqual(['session.created']);
    expectValidWebhook(recs[0]!.payload);
    expect(recs[0]!.headers['Kallglot-Signature']).toMatch(/^t=\d+,v1=/);
    expect(recs[0]!.headers['Kallglot-Webhook-Id']).toMatch(/^wh_del_[A-Za-z0-9]+$/);
    expect(recs[0]!.secret).toBe('whsec_kallglot_mock');
    expect(recs[0]!.deliveries.map((d) => [d.retry_count, d.status]).sort()).toEqual([
      [0, 204],
      [0, 500],
    ]);
    // Not yet: the second attempt is due ~1 min later.
    await control.advance(59_000);
    expect(got.filter((g) => g.retry === '1')).toHaveLength(0);
    await control.advance(1_000);
    recs = await control.webhooks({ sessionId: c.body.id });
    const a = recs[0]!.deliveries.filter((d) => d.url.endsWith(`:${(receiverA.address() as AddressInfo).port}/`));
    expect(a.map((d) => [d.retry_count, d.status])).toEqual([
      [0, 500],
      [1, 204],
    ]);
    expect(got.filter((g) => g.who === 'B').map((g) => g.retry)).toEqual(['0']);
  });
});

describe('persistence and seeding at start', () => {
  it('--state-file survives a restart (written atomically); --seed loads a fixture file', async () => {
    const stateFile = join(dir, 'state.json');
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify({ tenants: { [KEY]: { agents: [{ id: 'agt_FromSeed1', name: 'From seed', system_prompt: 'p' }] } } }));
    let mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, stateFile, seed: seedFile, timeScale: 0, log: () => undefined });
    let api = makeApi(() => mock.urls.rest);
    const agent = await api('POST', '/v1/agents', { name: 'Kept', system_prompt: 'p' }, { key: KEY });
    const s = await api('POST', '/v1/sessions', { mode: 'assistive_translation', recording: { enabled: true } }, { key: KEY });
    await api('POST', `/v1/sessions/${s.body.id}/end`, undefined, { key: KEY });
    await mock.close();
    expect(existsSync(stateFile)).toBe(true);
    expect(existsSync(`${stateFile}.${process.pid}.tmp`)).toBe(false);
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).version).toBe(1);

    mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, stateFile, timeScale: 0, log: () => undefined });
    api = makeApi(() => mock.urls.rest);
    try {
      expect((await api('GET', `/v1/agents/${agent.body.id}`, undefined, { key: KEY })).body.name).toBe('Kept');
      expect((await api('GET', '/v1/agents/agt_FromSeed1', undefined, { key: KEY })).status).toBe(200);
      const again = await api('GET', `/v1/sessions/${s.body.id}`, undefined, { key: KEY });
      expect(again.body.status).toBe('ended');
      // The pending recording task came back with the state: advancing the clock still finishes it.
      const list = await api('GET', `/v1/sessions/${s.body.id}/recordings`, undefined, { key: KEY });
      expect(list.body.data[0].status).toBe('processing');
      await createMockControl(mock.urls.rest).advance(5000);
      expect((await api('GET', `/v1/recordings/${list.body.data[0].id}`, undefined, { key: KEY })).body.status).toBe('failed');
    } finally {
      await mock.close();
    }
  });

  it('--time-scale runs the clock faster than real time', async () => {
    const mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, timeScale: 1000, log: () => undefined });
    try {
      const control = createMockControl(mock.urls.rest);
      const a = await control.clock();
      await new Promise((r) => setTimeout(r, 100));
      const b = await control.clock();
      expect(b.now_ms - a.now_ms).toBeGreaterThanOrEqual(50_000);
      expect(b.scale).toBe(1000);
    } finally {
      await mock.close();
    }
  });
});

describe('bounds', () => {
  it('every engine map is capped and the snapshot shows its size', () => {
    const engine = new Engine({ clock: { scale: 0 }, limits: { sessions: 3, agents: 2, idempotency: 2, tenants: 2, tokens: 4, events: 5 }, credits: 100 });
    for (let i = 0; i < 10; i++) {
      engine.handle({ operationId: 'createSession', tenant: 'sk_test_a', params: {}, body: { mode: 'assistive_translation' }, idempotencyKey: `k${i}` });
      engine.handle({ operationId: 'createAgent', tenant: 'sk_test_a', params: {}, body: { name: 'x', system_prompt: 'p' } });
    }
    for (let i = 0; i < 5; i++) engine.admit(`sk_test_tenant${i}`);
    const snap = engine.snapshot() as any;
    expect(snap.sizes).toMatchObject({ tenants: 2, tokens: 4, events: 5 });
    expect(snap.sizes.sessions).toBeLessThanOrEqual(3);
    expect(snap.sizes.agents).toBeLessThanOrEqual(2);
    expect(snap.sizes.idempotency_records).toBeLessThanOrEqual(2);
  });

  it('expired tokens and idempotency records are swept', () => {
    const engine = new Engine({ clock: { scale: 0 }, tokenTtlMs: 1000, idempotencyTtlMs: 1000 });
    engine.handle({ operationId: 'createAgent', tenant: 'sk_test_a', params: {}, body: { name: 'x', system_prompt: 'p' }, idempotencyKey: 'k' });
    for (let i = 0; i < 5; i++) engine.insertSession('sk_test_a', { mode: 'assistive_translation' });
    expect(engine.tokens.map.size).toBe(5);
    engine.clock.advance(2000);
    engine.insertSession('sk_test_a', { mode: 'assistive_translation' });
    expect(engine.tokens.map.size).toBe(1);
    engine.handle({ operationId: 'createAgent', tenant: 'sk_test_a', params: {}, body: { name: 'y', system_prompt: 'p' }, idempotencyKey: 'k2' });
    expect(engine.tenant('sk_test_a').idempotency.done.size).toBe(1);
  });
});

describe('stateless mode hardening', () => {
  it('64 concurrent non-UTF-8 bodies get 415 envelopes and never wedge the Prism pool', async () => {
    const rest = await startRestMock({ stateless: true, port: 0, upstreamTimeoutMs: 5000, log: () => undefined });
    try {
      const many = await Promise.all(
        Array.from({ length: 64 }, () =>
          fetch(`${rest.url}/v1/sessions`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json; charset=utf-16' }, body: '{"mode":"assistive_translation"}' }).then(async (r) => [r.status, (await r.json()).error.param]),
        ),
      );
      expect(new Set(many.map((x) => JSON.stringify(x)))).toEqual(new Set([JSON.stringify([415, 'Content-Type'])]));
      const ok = await fetch(`${rest.url}/v1/sessions`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' }, body: '{"mode":"assistive_translation"}' });
      expect(ok.status).toBe(201);
    } finally {
      await rest.close();
    }
  });
});

describe('CORS for the docs site', () => {
  it('with docs on port 0, the origin the docs server really got is the one allowed', async () => {
    const docsDir = mkdtempSync(join(tmpdir(), 'kallglot-docs-'));
    writeFileSync(join(docsDir, 'index.html'), '<!doctype html><title>docs</title>');
    const mock = await startMock({ restPort: 0, streamPort: 0, docsPort: 0, docsDir, log: () => undefined });
    try {
      const origin = mock.urls.docs!.replace(/\/$/, '');
      const pre = await fetch(`${mock.urls.rest}/v1/sessions`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' } });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
      expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
      const st = await fetch(`${mock.urls.rest}/_mock/state`, { headers: { Origin: origin } });
      expect(st.headers.get('access-control-allow-origin')).toBe(origin);
      expect((await fetch(`${mock.urls.rest}/_mock/state`, { headers: { Origin: 'http://127.0.0.1:1' } })).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await mock.close();
    }
  });
});
