import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKallglotClient } from '@kallglot/client';
import { connectStream, fetchSessionStream, sessionStreamProvider, SessionStreamError, type StateChange } from '../src/node.js';
import { startScriptedServer, behaveNormally, type ScriptedServer } from './helpers/scripted-server.js';

let http: Server;
let base: string;
let ws: ScriptedServer;
let issued = 0;
const requests: Array<{ url: string; auth: string | undefined }> = [];

beforeAll(async () => {
  ws = await startScriptedServer((c) => {
    behaveNormally(c);
    if (c.token === 'kst_test_tok1') setTimeout(() => c.close(4002, 'token_expired'), 10);
  });
  http = createServer((req, res) => {
    requests.push({ url: req.url ?? '', auth: req.headers.authorization });
    const id = /^\/v1\/sessions\/([^/?]+)$/.exec(req.url ?? '')?.[1];
    res.setHeader('content-type', 'application/json');
    if (id === 'sess_test123') {
      issued++;
      res.end(JSON.stringify({ id, object: 'session', status: 'active', stream: { url: ws.url, token: `kst_test_tok${issued}`, expires_at: new Date(Date.now() + 300_000).toISOString() } }));
    } else if (id === 'sess_ended1') {
      res.end(JSON.stringify({ id, object: 'session', status: 'ended' }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { type: 'invalid_request_error', code: 'session_not_found', message: 'No such session' } }));
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await ws.close();
  await new Promise((r) => http.close(r));
});

describe('fresh stream tokens via @kallglot/client', () => {
  const client = () => createKallglotClient({ apiKey: 'sk_test_0123456789abcdefABCDEF', baseUrl: base, maxRetries: 0 });

  it('fetchSessionStream calls GET /v1/sessions/{session_id} and returns the stream object', async () => {
    const before = issued;
    const s = await fetchSessionStream(client(), 'sess_test123');
    expect(s).toMatchObject({ url: ws.url, token: `kst_test_tok${before + 1}` });
    expect(requests.at(-1)).toMatchObject({ url: '/v1/sessions/sess_test123' });
    expect(requests.at(-1)!.auth).toMatch(/^Bearer sk_test_/);
  });

  it('explains sessions without a stream and API errors', async () => {
    await expect(fetchSessionStream(client(), 'sess_ended1')).rejects.toThrow(/has no stream \(status ended\)/);
    const err = await fetchSessionStream(client(), 'sess_missing9').catch((e) => e);
    expect(err).toBeInstanceOf(SessionStreamError);
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/404.*session_not_found/);
  });

  it('drives a reconnect after 4002 with a token fetched from the REST API', async () => {
    issued = 0;
    const c = client();
    const first = await fetchSessionStream(c, 'sess_test123');
    expect(first.token).toBe('kst_test_tok1');
    const s = connectStream({ stream: first, keepalive: false, reconnect: { initialDelayMs: 1, getStream: sessionStreamProvider(c, 'sess_test123') } });
    const states: StateChange[] = [];
    s.on('state', (x) => states.push(x));
    let readies = 0;
    const twice = new Promise<void>((resolve) => s.on('session.ready', () => ++readies === 2 && resolve()));
    await s.ready;
    await twice;
    expect(ws.connections.at(-1)!.token).toBe('kst_test_tok2');
    expect(states.map((x) => x.state)).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'open']);
    expect(states[2]!.code).toBe(4002);
    await s.end();
  });
});
