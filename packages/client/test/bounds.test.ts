// Bounded responses against a real node:http server: a JSON body past maxResponseBytes fails fast with a typed
// error and is never buffered whole; a success body that is not JSON is an API error with status and request id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createKallglotClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  KallglotApiError,
  KallglotError,
  KallglotInvalidResponseError,
  KallglotResponseTooLargeError,
} from '../src/index.js';

const apiKey = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';
const MiB = 1024 * 1024;
type Route = (res: ServerResponse) => void;
const routes = new Map<string, Route>();
/** Bytes the server managed to write per path before the client stopped reading. */
const written = new Map<string, number>();
const closedAt = new Map<string, Promise<number>>();
let server: Server;
let baseUrl = '';

/** Streams `total` bytes of a JSON string body in 64 KiB chunks, honouring backpressure. */
function streamJson(path: string, total: number, headers: Record<string, string> = {}): Route {
  return (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_huge', ...headers });
    const chunk = Buffer.alloc(64 * 1024, 0x61); // "aaaa…"
    let sent = 0;
    let resolve!: (n: number) => void;
    closedAt.set(path, new Promise((r) => (resolve = r)));
    const pump = () => {
      while (sent < total && !res.destroyed) {
        sent += chunk.length;
        written.set(path, sent);
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => resolve(sent));
    res.write('"');
    pump();
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes.get(new URL(req.url!, 'http://x').pathname);
    if (route) route(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const client = (o: Record<string, unknown> = {}) => createKallglotClient({ apiKey, baseUrl, maxRetries: 0, ...o });

describe('maxResponseBytes', () => {
  it('defaults to 8 MiB', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(8 * MiB);
  });

  it('a 1 GiB chunked JSON body fails with KallglotResponseTooLargeError, the read stops and memory stays flat', async () => {
    routes.set('/v1/agents', streamJson('/v1/agents', 1024 * MiB));
    const rss0 = process.memoryUsage().rss;
    const err = await client().GET('/v1/agents').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotResponseTooLargeError);
    expect(err).toBeInstanceOf(KallglotApiError);
    expect(err).toBeInstanceOf(KallglotError);
    const e = err as KallglotResponseTooLargeError;
    expect(e.status).toBe(200);
    expect(e.requestId).toBe('req_huge');
    expect(e.limit).toBe(8 * MiB);
    expect(e.message).toMatch(/8388608 bytes/);
    expect(e.message).toContain('GET /v1/agents');
    // The client cancelled the body: the server stopped far short of 1 GiB (socket buffers only).
    const sent = await closedAt.get('/v1/agents')!;
    expect(sent).toBeLessThan(64 * MiB);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * MiB);
  });

  it('a Content-Length over the limit fails before reading the body', async () => {
    routes.set('/v1/sessions/sess_1', (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * MiB), 'x-request-id': 'req_cl' });
      res.write('{"id":"');
    });
    const err = (await client().GET('/v1/sessions/{session_id}', { params: { path: { session_id: 'sess_1' } } }).catch((e: unknown) => e)) as KallglotResponseTooLargeError;
    expect(err).toBeInstanceOf(KallglotResponseTooLargeError);
    expect(err.requestId).toBe('req_cl');
  });

  it('per client and per call; a body within the limit is returned as data', async () => {
    routes.set('/v1/agents/agt_1', (res) => {
      const body = JSON.stringify({ id: 'agt_1', object: 'agent', name: 'x'.repeat(4000) });
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.end(body);
    });
    const get = (c: ReturnType<typeof client>, o: Record<string, unknown> = {}) => c.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_1' } }, ...o });
    expect((await get(client())).data?.id).toBe('agt_1');
    await expect(get(client({ maxResponseBytes: 1024 }))).rejects.toBeInstanceOf(KallglotResponseTooLargeError);
    await expect(get(client(), { maxResponseBytes: 1024 })).rejects.toBeInstanceOf(KallglotResponseTooLargeError);
    expect((await get(client({ maxResponseBytes: 1024 }), { maxResponseBytes: 8192 })).data?.id).toBe('agt_1');
  });

  it('bounds error bodies too', async () => {
    routes.set('/v1/agents/agt_err', (res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.end(JSON.stringify({ error: { type: 'api_error', code: 'internal_error', message: 'x'.repeat(5000) } }));
    });
    const err = await client({ maxResponseBytes: 1024 }).GET('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_err' } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotResponseTooLargeError);
    expect((err as KallglotResponseTooLargeError).status).toBe(500);
  });

  it('the recording download streams and is exempt', async () => {
    const audio = Buffer.alloc(256 * 1024, 0xff);
    routes.set('/v1/recordings/rec_1/audio', (res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'transfer-encoding': 'chunked' });
      res.end(audio);
    });
    const c = client({ maxResponseBytes: 1024 });
    const got = await c.downloadRecordingAudio('rec_1', { as: 'arrayBuffer' });
    expect(got.data.byteLength).toBe(audio.length);
    const streamed = await c.downloadRecordingAudio('rec_1');
    let n = 0;
    for await (const chunk of streamed.data as unknown as AsyncIterable<Uint8Array>) n += chunk.byteLength;
    expect(n).toBe(audio.length);
  });

  it('rejects a bad maxResponseBytes', () => {
    expect(() => client({ maxResponseBytes: -1 })).toThrow(/maxResponseBytes/);
  });
});

describe('a success body that is not JSON', () => {
  it('is a KallglotInvalidResponseError with status and request id, not a bare SyntaxError', async () => {
    routes.set('/v1/agents/agt_html', (res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'x-request-id': 'req_html' });
      res.end('<html><body>Gateway says hi</body></html>');
    });
    const err = await client().GET('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_html' } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotInvalidResponseError);
    expect(err).toBeInstanceOf(KallglotApiError);
    const e = err as KallglotInvalidResponseError;
    expect(e.status).toBe(200);
    expect(e.requestId).toBe('req_html');
    expect(e.contentType).toBe('text/html');
    expect(e.message).toMatch(/not JSON/);
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });
});
