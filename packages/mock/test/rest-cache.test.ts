// The front memoizes Prism's GET answers (static mode makes them deterministic). A memoized answer must be the
// same answer: same status, headers and bytes as an unmemoized one, with fresh per-request headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestMock, type RestMock } from '../src/index.js';

let cached: RestMock;
let uncached: RestMock;
beforeAll(async () => {
  [cached, uncached] = await Promise.all([
    startRestMock({ stateless: true, port: 0, streamBaseUrl: 'ws://127.0.0.1:4999', log: () => undefined }),
    startRestMock({ stateless: true, port: 0, streamBaseUrl: 'ws://127.0.0.1:4999', prismCacheSize: 0, log: () => undefined }),
  ]);
});
afterAll(async () => {
  await Promise.all([cached?.close(), uncached?.close()]);
});

const H = { Authorization: 'Bearer sk_test_cache', Accept: 'application/json' };

async function get(mock: RestMock, path: string, init: RequestInit = {}) {
  const res = await fetch(mock.url + path, { headers: H, ...init });
  const headers = Object.fromEntries(res.headers);
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
}

// Headers that legitimately differ between two answers.
const VARYING = ['x-request-id', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'date', 'connection', 'keep-alive'];
const stable = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !VARYING.includes(k)));

describe('memoized GET answers', () => {
  for (const path of ['/v1/agents/agt_01HXYZ123456789', '/v1/agents', '/v1/agents?limit=5']) {
    it(`GET ${path}: repeated answers equal the unmemoized one`, async () => {
      const ref = await get(uncached, path);
      expect(ref.status).toBe(200);
      const first = await get(cached, path);
      const second = await get(cached, path);
      const third = await get(cached, path);
      for (const a of [first, second, third]) {
        expect(a.status).toBe(ref.status);
        expect(a.body.equals(ref.body)).toBe(true);
        expect(stable(a.headers)).toEqual(stable(ref.headers));
        expect(a.headers['content-length']).toBe(String(ref.body.length));
        expect(a.headers['x-request-id']).toMatch(/^req_[0-9A-Z]{26}$/);
      }
      // Per-request headers are fresh on memo hits: new request ids, the rate-limit count keeps going down.
      expect(new Set([first, second, third].map((a) => a.headers['x-request-id'])).size).toBe(3);
      const remaining = [first, second, third].map((a) => Number(a.headers['x-ratelimit-remaining']));
      expect(remaining[1]).toBe(remaining[0]! - 1);
      expect(remaining[2]).toBe(remaining[1]! - 1);
    });
  }

  it('HEAD on a memoized GET has the same headers and no body', async () => {
    const path = '/v1/agents/agt_01HXYZ123456789';
    const full = await get(cached, path);
    const head = await get(cached, path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(stable(head.headers)).toEqual(stable(full.headers));
  });

  it('a memo hit still checks the API key and the path parameter', async () => {
    const path = '/v1/agents/agt_01HXYZ123456789';
    await get(cached, path);
    const noKey = await fetch(cached.url + path);
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error.code).toBe('missing_api_key');
    const badId = await get(cached, '/v1/agents/not-an-agent-id');
    expect([400, 422]).toContain(badId.status);
    expect(JSON.parse(badId.body.toString('utf8')).error.param).toBe('agent_id');
  });
});
