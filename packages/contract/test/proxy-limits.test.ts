// The proxy releases what its clients abandon and bounds what it reads: aborted handshakes, closed clients and
// silent upstreams close the other side; oversized, endless and trickling request bodies are refused in the API
// envelope; an endless upstream response is cut at the cap; the observer sees what went through.
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type ObservedHttpExchange, type ObservedWebSocketMessage } from '../src/proxy.js';
import { quietMock } from './helpers.js';

const KEY = 'sk_test_ProxyLimits_1';
let mock: Awaited<ReturnType<typeof quietMock>>;
beforeAll(async () => {
  mock = await quietMock();
});
afterAll(() => mock?.close());

const port = (s: { address(): unknown }) => (s.address() as AddressInfo).port;
const listen = <T extends Server | ReturnType<typeof createNetServer>>(s: T) => new Promise<T>((r) => s.listen(0, '127.0.0.1', () => r(s)));
const closeServer = (s: { close(cb: () => void): void }) => new Promise<void>((r) => s.close(() => r()));
const connections = (s: Server | ReturnType<typeof createNetServer>) => new Promise<number>((r) => s.getConnections((_e, n) => r(n)));

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A WebSocket upstream that counts its TCP connections and holds every handshake until `open()` is called. */
async function gatedUpstream() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const http = await listen(createHttpServer());
  const wss = new WebSocketServer({ noServer: true });
  let seen = 0;
  http.on('upgrade', (req, socket, head) => {
    seen++;
    void gate.then(() => wss.handleUpgrade(req, socket, head, (ws) => ws.send(JSON.stringify({ type: 'session.ready' }))));
  });
  return { url: `ws://127.0.0.1:${port(http)}`, http, wss, open: release, seen: () => seen, close: async () => (wss.close(), http.closeAllConnections(), closeServer(http)) };
}

/** Sends raw bytes; resolves with everything the server wrote and whether it closed the connection. */
function raw(p: number, write: (s: Socket) => void): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect(p, '127.0.0.1', () => write(s));
    let text = '';
    s.on('data', (d) => (text += d));
    s.on('error', () => undefined);
    s.on('close', () => resolve({ text, closed: true }));
  });
}

describe('the proxy releases abandoned sockets', { timeout: 60_000 }, () => {
  it('10 aborted handshakes leave no socket open on either end', async () => {
    const up = await gatedUpstream();
    const proxy = await startProxy({ upstream: mock.urls.rest, streamUpstream: up.url });
    try {
      const p = Number(new URL(proxy.url).port);
      const clients: Socket[] = [];
      for (let i = 0; i < 10; i++) {
        const s = connect(p, '127.0.0.1', () => s.write(`GET /v1/sessions/sess_x/connect?token=kst_x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`));
        s.on('error', () => undefined);
        clients.push(s);
      }
      await until('the upstream saw 10 handshakes', () => up.seen() === 10);
      for (const s of clients) s.destroy();
      // Let the upstream finish the handshakes now that the clients are gone: the proxy must close them.
      up.open();
      await until('no upstream connection left', async () => (await connections(up.http)) === 0 && up.wss.clients.size === 0);
      await until('no client connection left on the proxy', async () => (await proxy.openConnections()).clients === 0);
      expect(await proxy.openConnections()).toEqual({ clients: 0, upstreamStreams: 0 });
    } finally {
      await proxy.close();
      await up.close();
    }
  });

  it('a client that closes ends its upstream; an upstream that closes ends its client', async () => {
    const up = await gatedUpstream();
    up.open();
    const proxy = await startProxy({ upstream: mock.urls.rest, streamUpstream: up.url });
    try {
      const a = new WebSocket(`${proxy.streamUrl}/v1/sessions/sess_a/connect?token=kst_a`);
      await new Promise((r) => a.once('message', r));
      a.terminate();
      await until('upstream of a closed', async () => up.wss.clients.size === 0 && (await proxy.openConnections()).upstreamStreams === 0);
      const b = new WebSocket(`${proxy.streamUrl}/v1/sessions/sess_b/connect?token=kst_b`);
      const closed = new Promise<number>((r) => b.once('close', (c) => r(c)));
      await new Promise((r) => b.once('message', r));
      for (const ws of up.wss.clients) ws.terminate();
      await closed;
      await until('proxy holds nothing', async () => (await proxy.openConnections()).clients === 0);
    } finally {
      await proxy.close();
      await up.close();
    }
  });

  it('an upstream that never answers the handshake: the client is closed at the timeout, the upstream socket too', async () => {
    const held: Socket[] = [];
    const silent = await listen(createNetServer((s) => held.push(s.on('error', () => undefined).resume())));
    const proxy = await startProxy({ upstream: mock.urls.rest, streamUpstream: `ws://127.0.0.1:${port(silent)}`, timeoutMs: 500 });
    try {
      const ws = new WebSocket(`${proxy.streamUrl}/v1/sessions/sess_c/connect?token=kst_c`);
      ws.on('error', () => undefined);
      await new Promise((r) => ws.once('close', r));
      await until('upstream socket closed', async () => (await connections(silent)) === 0);
      expect((await proxy.openConnections()).upstreamStreams).toBe(0);
    } finally {
      await proxy.close();
      for (const s of held) s.destroy();
      await closeServer(silent);
    }
  });
});

describe('the proxy bounds request bodies and upstream responses', { timeout: 60_000 }, () => {
  it('Content-Length over the limit: 413 in the envelope before a byte of body is sent, connection closed', async () => {
    const proxy = await startProxy({ upstream: mock.urls.rest });
    try {
      const r = await raw(Number(new URL(proxy.url).port), (s) => s.write(`POST /v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n`));
      expect(r.text).toMatch(/^HTTP\/1\.1 413 /);
      expect(JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4)).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', message: 'The request body exceeds 1048576 bytes.' });
      expect(r.closed).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('Expect: 100-continue with an oversized Content-Length: 413 and no 100 Continue', async () => {
    const proxy = await startProxy({ upstream: mock.urls.rest });
    try {
      const r = await raw(Number(new URL(proxy.url).port), (s) => s.write(`POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 52428800\r\n\r\n`));
      expect(r.text).toMatch(/^HTTP\/1\.1 413 /);
      expect(r.text).not.toContain('100 Continue');
    } finally {
      await proxy.close();
    }
  });

  it('a chunked body is cut at the limit with 413 and the connection closed', async () => {
    const proxy = await startProxy({ upstream: mock.urls.rest, maxRequestBytes: 64 * 1024 });
    try {
      const r = await raw(Number(new URL(proxy.url).port), (s) => {
        s.write(`POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
        const chunk = 'x'.repeat(16 * 1024);
        // Never sends the last chunk: only the limit can end this request.
        for (let i = 0; i < 8; i++) s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      });
      expect(r.text).toMatch(/^HTTP\/1\.1 413 /);
      expect(r.text).toContain('"code":"invalid_request"');
    } finally {
      await proxy.close();
    }
  });

  it('a trickling body is cut after bodyTimeoutMs with 408', async () => {
    const proxy = await startProxy({ upstream: mock.urls.rest, bodyTimeoutMs: 300 });
    try {
      const r = await raw(Number(new URL(proxy.url).port), (s) => s.write(`POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`));
      expect(r.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(r.text).toContain('"code":"request_timeout"');
      expect(r.text).toContain('within 300 ms');
    } finally {
      await proxy.close();
    }
  });

  it('an endless upstream response: 502 at the cap, and the upstream read is aborted', async () => {
    let written = 0;
    let aborted = false;
    const endless = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && written < 1024 ** 3 && res.write(chunk)) written += chunk.length;
        };
        res.on('drain', pump);
        res.on('close', () => (aborted = !res.writableFinished));
        pump();
      }),
    );
    const proxy = await startProxy({ upstream: `http://127.0.0.1:${port(endless)}`, maxResponseBytes: 1024 * 1024 });
    try {
      const r = await fetch(`${proxy.url}/v1/agents`, { headers: { Authorization: `Bearer ${KEY}` } });
      expect(r.status).toBe(502);
      expect((await r.json()).error.message).toBe('The upstream response exceeds 1048576 bytes.');
      await until('upstream response aborted', () => aborted);
      expect(written).toBeLessThan(64 * 1024 * 1024);
      expect(proxy.summary().violations.byKind.response).toBe(1);
    } finally {
      await proxy.close();
      endless.closeAllConnections();
      await closeServer(endless);
    }
  });
});

describe('the proxy observer', { timeout: 60_000 }, () => {
  it('sees every HTTP exchange and every stream frame, open and close', async () => {
    const exchanges: ObservedHttpExchange[] = [];
    const messages: ObservedWebSocketMessage[] = [];
    const opened: { url: string }[] = [];
    const closed: { code: number }[] = [];
    const proxy = await startProxy({
      upstream: mock.urls.rest,
      streamUpstream: mock.urls.stream,
      observer: { onHttpExchange: (e) => exchanges.push(e), onWebSocketOpen: (e) => opened.push(e), onWebSocketMessage: (e) => messages.push(e), onWebSocketClose: (e) => closed.push(e) },
    });
    try {
      const body = JSON.stringify({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', routing: { phone_number: '+14155551234' } });
      const res = await fetch(`${proxy.url}/v1/sessions`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' }, body });
      const session = (await res.json()) as { stream: { url: string; token: string } };
      expect(exchanges).toHaveLength(1);
      expect(exchanges[0]!.request).toMatchObject({ method: 'POST', url: '/v1/sessions' });
      expect(exchanges[0]!.request.body.toString()).toBe(body);
      expect(exchanges[0]!.response.status).toBe(201);
      expect(JSON.parse(exchanges[0]!.response.body.toString()).stream.url).toBe(session.stream.url);
      expect(exchanges[0]!.durationMs).toBeGreaterThanOrEqual(0);
      const ws = new WebSocket(`${session.stream.url}?token=${session.stream.token}`);
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.type === 'session.ready') ws.send(JSON.stringify({ type: 'ping' }));
        if (m.type === 'pong') ws.close(1000);
      });
      await new Promise((r) => ws.once('close', r));
      await until('close observed', () => closed.length === 1);
      expect(opened).toHaveLength(1);
      expect(opened[0]!.url).toContain('/connect?token=');
      expect(messages.map((m) => [m.direction, JSON.parse(m.data.toString()).type])).toEqual(expect.arrayContaining([['receive', 'session.ready'], ['send', 'ping'], ['receive', 'pong']]));
      expect(messages.every((m) => m.opcode === 1 && m.time > 1e9)).toBe(true);
      expect(closed[0]!.code).toBe(1000);
    } finally {
      await proxy.close();
    }
  });
});
