// Issue 24 item 1, proxy side: JSON nested past 64 levels is refused by the proxy with 400 in the API envelope
// (naming the limit) and never forwarded; a deep upstream answer is reported as a violation, not a crash.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../src/proxy.js';

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
let upstream: Server;
let seen = 0;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
    res.end(`{"object":"list","data":${deep(50_000)},"has_more":false}`);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

describe('the proxy bounds JSON depth', () => {
  it('refuses a request body nested 20,000 levels with 400 naming the limit, and does not forward it', async () => {
    const proxy = await startProxy({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    try {
      const before = seen;
      const r = await fetch(`${proxy.url}/v1/agents`, { method: 'POST', headers: { authorization: 'Bearer sk_test_depth_1', 'content-type': 'application/json' }, body: `{"name":${deep(20_000)}}` });
      expect(r.status).toBe(400);
      const e = (await r.json()).error;
      expect(e).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
      expect(e.message).toMatch(/depth of 64/);
      expect(seen).toBe(before);
    } finally {
      await proxy.close();
    }
  });

  it('reports a deep upstream answer as a contract violation instead of crashing', async () => {
    const proxy = await startProxy({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    try {
      const r = await fetch(`${proxy.url}/v1/agents`, { headers: { authorization: 'Bearer sk_test_depth_1' } });
      expect(r.status).toBeLessThan(600);
      await r.arrayBuffer();
      const health = await fetch(`${proxy.url}/v1/agents`, { headers: { authorization: 'Bearer sk_test_depth_1' } });
      await health.arrayBuffer();
      expect(health.status).toBe(r.status);
      expect(JSON.stringify(proxy.summary().list)).toMatch(/deeper than 64/);
    } finally {
      await proxy.close();
    }
  });
});
