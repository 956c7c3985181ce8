// `kallglot-contract proxy`: between @kallglot/client (+ a WebSocket client) and the mock it reports 0
// violations on the whole flow; with the wrong-server fixture upstream it reports exactly the seeded ones.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKallglotClient } from '@kallglot/client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../src/proxy.js';
// @ts-expect-error plain ESM fixture
import { startWrongServer } from './fixtures/wrong-server.mjs';
import { quietMock, run } from './helpers.js';

const KEY = 'sk_test_ProxyKeyNeverLogged_1';
const dir = mkdtempSync(join(tmpdir(), 'kallglot-contract-proxy-'));
let mock: Awaited<ReturnType<typeof quietMock>>;
let wrong: { url: string; close(): Promise<void> };
beforeAll(async () => {
  mock = await quietMock();
  wrong = await startWrongServer({ rest: mock.urls.rest, stream: mock.urls.stream });
});
afterAll(async () => {
  await wrong?.close();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The whole flow through the typed client: agents, a session, its stream, end, transcript, analysis. */
async function flow(baseUrl: string) {
  const client = createKallglotClient({ apiKey: KEY, baseUrl, maxRetries: 0, timeoutMs: 15_000 });
  const headers: Record<string, string> = {};
  const seen: Record<string, string | null> = {};
  const note = (name: string, r: { response: Response }) => (seen[name] = r.response.headers.get('kallglot-contract-violations'));
  const agent = await client.POST('/v1/agents', { body: { name: 'Support', system_prompt: 'Be brief.', voice: 'nova' } });
  note('createAgent', agent);
  const agentId = (agent.data as { id: string }).id;
  note('retrieveAgent', await client.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: agentId } } }));
  note('listAgents', await client.GET('/v1/agents', { params: { query: { limit: 2 } } }));
  const s = await client.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', routing: { phone_number: '+14155551234' } }, headers });
  note('createSession', s);
  const session = s.data as { id: string; stream: { url: string; token: string } };
  const path = { params: { path: { session_id: session.id } } };
  note('retrieveSession', await client.GET('/v1/sessions/{session_id}', path));
  const frames = await streamFlow(`${session.stream.url}?token=${session.stream.token}`);
  note('endSession', await client.POST('/v1/sessions/{session_id}/end', path));
  note('transcript', await client.GET('/v1/sessions/{session_id}/transcript', path));
  note('analysis', await client.POST('/v1/sessions/{session_id}/analysis', { ...path, body: { profile: 'default', include: ['summary'] } }));
  note('deleteAgent', await client.DELETE('/v1/agents/{agent_id}', { params: { path: { agent_id: agentId } } }));
  return { seen, frames, streamUrl: session.stream.url };
}

function streamFlow(url: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const types: string[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      types.push(m.type);
      if (m.type === 'session.ready') ws.send(JSON.stringify({ type: 'ping' }));
      if (m.type === 'pong') {
        const payload = Buffer.alloc(160, 0xff).toString('base64');
        ws.send(JSON.stringify({ type: 'audio.input', sequence: 0, timestamp_ms: Date.now(), speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload } }));
        ws.send(JSON.stringify({ type: 'session.end' }));
      }
    });
    ws.on('close', () => resolve(types));
    ws.on('error', reject);
  });
}

describe('validating proxy', { timeout: 120_000 }, () => {
  let proxy: RunningProxy;
  afterAll(() => proxy?.close());

  it('between the client and the mock: 0 violations on the whole flow, REST and stream', async () => {
    const log: string[] = [];
    proxy = await startProxy({ upstream: mock.urls.rest, streamUpstream: mock.urls.stream, log: (l) => log.push(l) });
    const { seen, frames, streamUrl } = await flow(proxy.url);
    expect(streamUrl.startsWith(proxy.streamUrl!)).toBe(true);
    expect(frames).toEqual(expect.arrayContaining(['session.ready', 'pong', 'session.ended']));
    const s = await proxy.close();
    expect(s.violations, JSON.stringify(s.list, null, 2)).toMatchObject({ total: 0 });
    expect(Object.values(seen).every((v) => v === null)).toBe(true);
    expect(s.requests).toBe(Object.keys(seen).length);
    expect(s.frames.client).toBeGreaterThanOrEqual(3);
    expect(s.frames.server).toBeGreaterThanOrEqual(3);
    expect(log.join('\n')).not.toContain(KEY);
  });

  it('with the wrong server upstream: exactly the seeded violations, flagged on the responses', async () => {
    proxy = await startProxy({ upstream: wrong.url, streamUpstream: wrong.url });
    const { seen } = await flow(proxy.url);
    const s = await proxy.close();
    const kinds = s.list.map((v) => `${v.kind} ${v.message}`);
    // Session objects (create, retrieve) carry created_at; retrieveAgent answers 203; pong.session_id is 42.
    expect(new Set(kinds)).toEqual(
      new Set([
        expect.stringMatching(/^response body \/created_at must be string \(got \d{10}\)$/),
        'response status 203 is not documented for retrieveAgent (documented: 200, 400, 401, 402, 403, 404, 429, 500, 503)',
        'server-frame pong: /session_id must be string (got 42)',
      ]),
    );
    expect(s.list.filter((v) => v.message.includes('created_at')).map((v) => v.where)).toEqual([expect.stringMatching(/^POST \/v1\/sessions$/), expect.stringMatching(/^GET \/v1\/sessions\/sess_\w+$/)]);
    expect(s.violations).toMatchObject({ total: 4, documented: 4, byKind: { response: 3, 'server-frame': 1, request: 0, 'client-frame': 0 } });
    expect(seen.createSession).toMatch(/^1; body \/created_at must be string/);
    expect(seen.retrieveAgent).toMatch(/^1; status 203 is not documented/);
    expect(seen.listAgents).toBeNull();
  });

  it('--fail-on-violation answers 502 in the API envelope; invalid requests and oversized bodies are caught', async () => {
    proxy = await startProxy({ upstream: wrong.url, failOnViolation: true, maxRequestBytes: 1000 });
    const auth = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };
    const r = await fetch(`${proxy.url}/v1/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', routing: { phone_number: '+14155551234' } }) });
    expect(r.status).toBe(502);
    const body = await r.json();
    expect(body.error).toMatchObject({ type: 'api_error', code: 'contract_violation' });
    expect(body.error.message).toMatch(/created_at must be string/);
    expect(r.headers.get('kallglot-contract-violations')).toMatch(/^1; /);
    // A request that breaks the contract is forwarded (the server answers) and flagged.
    const bad = await fetch(`${proxy.url}/v1/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ mode: 'nope' }) });
    expect(bad.headers.get('kallglot-contract-violations')).toMatch(/request body/);
    const big = await fetch(`${proxy.url}/v1/agents`, { method: 'POST', headers: auth, body: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('invalid_request');
    const s = await proxy.close();
    expect(s.violations.byKind.request).toBeGreaterThanOrEqual(2);
  });

  it('frames over the AsyncAPI cap close the socket with 1009', async () => {
    proxy = await startProxy({ upstream: mock.urls.rest, streamUpstream: mock.urls.stream });
    const client = createKallglotClient({ apiKey: KEY, baseUrl: proxy.url, maxRetries: 0 });
    const s = (await client.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', routing: { phone_number: '+14155551234' } } })).data as { stream: { url: string; token: string } };
    const ws = new WebSocket(`${s.stream.url}?token=${s.stream.token}`);
    await new Promise((r) => ws.once('message', r));
    ws.send('x'.repeat(65 * 1024));
    const code = await new Promise<number>((r) => ws.once('close', (c) => r(c)));
    expect(code).toBe(1009);
    await proxy.close();
  });

  it('the CLI writes the summary on exit (--json, --junit) and exits 1 on violations', async () => {
    let stop!: () => void;
    const stopSignal = new Promise<void>((r) => (stop = r));
    const json = join(dir, 'proxy.json');
    const junit = join(dir, 'proxy.xml');
    const done = run(['proxy', '--upstream', wrong.url, '--port', '0', '--json', json, '--junit', junit], {}, {
      stopSignal,
      onProxyReady: async ({ url }) => {
        // Create, then read: a stateful upstream knows only what was created.
        const auth = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };
        const created = await (await fetch(`${url}/v1/agents`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Support', system_prompt: 'Be brief.' }) })).json();
        await fetch(`${url}/v1/agents/${created.id}`, { headers: auth });
        stop();
      },
    });
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.err).toMatch(/→ POST \/v1\/agents 201 \(\d+ ms\) ok/);
    expect(r.err).toMatch(/→ GET \/v1\/agents\/agt_\w+ 203 \(\d+ ms\) 1 violation/);
    const summary = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary.violations.total).toBe(1);
    expect(readFileSync(junit, 'utf8')).toMatch(/failures="2"/);
    expect((await run(['proxy'])).code).toBe(2);
  });
});
