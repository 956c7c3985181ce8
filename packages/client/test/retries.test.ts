// Production behaviour against a real node:http server that scripts faults.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createKallglotClient,
  KallglotApiError,
  KallglotConnectionError,
  KallglotInvalidResponseError,
  KallglotTimeoutError,
  type KallglotClientOptions,
} from '../src/index.js';
import { refusedPortUrl, startFaultServer, type FaultServer } from './helpers/fault-server.js';

const apiKey = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const fast = { initialRetryDelayMs: 5, maxRetryDelayMs: 20, maxRetryAfterMs: 2_000 };
const errorBody = (code: string, type = 'invalid_request_error', extra: Record<string, unknown> = {}) => ({
  error: { type, code, message: `${code} happened`, request_id: 'req_body_1', ...extra },
});

let server: FaultServer;
const client = (o: Partial<KallglotClientOptions> = {}) => createKallglotClient({ apiKey, baseUrl: server.url, retry: fast, ...o });

beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe('headers', () => {
  it('sends Bearer auth, JSON content type, client id with the package version', async () => {
    server.script({ status: 201, body: { id: 'sess_1', object: 'session' } });
    await client({ userAgent: 'my-app/2.1' }).POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } });
    const r = server.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/v1/sessions');
    expect(r.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-kallglot-client']).toBe('kallglot-client-js/1.0.0 my-app/2.1');
    expect(r.headers['user-agent']).toBe('kallglot-client-js/1.0.0 my-app/2.1');
    expect(JSON.parse(r.body)).toEqual({ mode: 'bidirectional_translation' });
  });
});

describe('retries', () => {
  it('429 with Retry-After (seconds) is retried and honoured', async () => {
    server.script({ status: 429, headers: { 'retry-after': '0' }, body: errorBody('rate_limit_exceeded', 'rate_limit_error') }, { status: 200, body: { id: 'sess_1' } });
    const res = await client().GET('/v1/sessions/{session_id}', { params: { path: { session_id: 'sess_1' } } });
    expect(res.data).toEqual({ id: 'sess_1' });
    expect(res.meta.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('Retry-After seconds decide the wait, capped by maxRetryAfterMs', async () => {
    const delays: number[] = [];
    server.script({ status: 429, headers: { 'retry-after': '1' } }, { status: 200, body: {} });
    await client({ onRetry: (i) => delays.push(i.delayMs) }).GET('/v1/agents');
    server.script({ status: 429, headers: { 'retry-after': '3600' } }, { status: 200, body: {} });
    const r = await client({ retry: { ...fast, maxRetryAfterMs: 30 }, onRetry: (i) => delays.push(i.delayMs) }).GET('/v1/agents');
    expect(r.meta.attempts).toBe(2);
    expect(delays).toEqual([1000, 30]);
  });

  it('Retry-After as an HTTP date is honoured', async () => {
    const delays: number[] = [];
    const inOneSecond = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000).toUTCString();
    server.script({ status: 503, headers: { 'retry-after': inOneSecond } }, { status: 200, body: {} });
    const r = await client({ onRetry: (i) => delays.push(i.delayMs) }).GET('/v1/agents');
    expect(r.meta.attempts).toBe(2);
    expect(delays[0]).toBeGreaterThan(0);
    expect(delays[0]).toBeLessThanOrEqual(2000);
  });

  it("the body's retry_after is honoured when no header is sent", async () => {
    const infos: Array<{ delayMs: number; status?: number; attempt: number }> = [];
    server.script({ status: 409, body: errorBody('idempotency_conflict', 'invalid_request_error', { retry_after: 0.25 }) }, { status: 200, body: {} });
    const r = await client({ onRetry: (i) => infos.push(i) }).POST('/v1/sessions/{session_id}/end', { params: { path: { session_id: 'sess_1' } } });
    expect(r.meta.attempts).toBe(2);
    expect(infos).toMatchObject([{ delayMs: 250, status: 409, attempt: 1 }]);
  });

  it('without Retry-After the backoff is exponential with jitter, within 0.5 s to 8 s by default', async () => {
    const { backoffDelayMs, DEFAULT_BACKOFF: d } = await import('../src/internal/retry.js');
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => backoffDelayMs(n, d, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect([0, 4].map((n) => backoffDelayMs(n, d, () => 1))).toEqual([375, 6000]);
    const delays: number[] = [];
    server.fallback = { status: 500 };
    await client({ maxRetries: 4, onRetry: (i) => delays.push(i.delayMs) }).GET('/v1/agents');
    expect(delays).toHaveLength(4);
    // fast settings: 5, 10, 20, 20 ms minus up to 25 % jitter
    [5, 10, 20, 20].forEach((max, i) => {
      expect(delays[i]).toBeLessThanOrEqual(max);
      expect(delays[i]).toBeGreaterThanOrEqual(Math.floor(max * 0.75));
    });
  });

  it('503 is retried up to maxRetries, then the last error is returned', async () => {
    server.fallback = { status: 503, body: errorBody('service_unavailable', 'api_error') };
    const r = await client({ maxRetries: 3 }).GET('/v1/agents');
    expect(server.requests).toHaveLength(4);
    expect(r.error).toMatchObject({ error: { code: 'service_unavailable' } });
    expect(r.response.status).toBe(503);
    expect(r.meta.attempts).toBe(4);
  });

  it('default maxRetries is 2 (3 attempts); 500, 502, 408 are retried', async () => {
    server.fallback = { status: 500, body: errorBody('internal_error', 'api_error') };
    await client().GET('/v1/agents');
    expect(server.requests).toHaveLength(3);
    server.reset();
    server.script({ status: 502 }, { status: 408 }, { status: 200, body: { object: 'list', data: [] } });
    const r = await client().GET('/v1/agents');
    expect(r.data).toEqual({ object: 'list', data: [] });
    expect(server.requests).toHaveLength(3);
  });

  it('per-request maxRetries overrides the client default', async () => {
    server.fallback = { status: 503 };
    await client({ maxRetries: 5 }).GET('/v1/agents', { maxRetries: 1 });
    expect(server.requests).toHaveLength(2);
    server.reset();
    server.fallback = { status: 503 };
    await client().GET('/v1/agents', { maxRetries: 0 });
    expect(server.requests).toHaveLength(1);
  });

  for (const [status, code] of [
    [400, 'invalid_request'],
    [401, 'invalid_api_key'],
    [402, 'insufficient_api_credits'],
    [403, 'organization_inactive'],
    [404, 'resource_not_found'],
    [409, 'session_already_ended'],
    [422, 'invalid_request'],
  ] as const) {
    it(`${status} ${code} is never retried`, async () => {
      server.fallback = { status, body: errorBody(code), headers: { 'retry-after': '0' } };
      const r = await client({ maxRetries: 4 }).POST('/v1/sessions', { body: { mode: 'ai_agent' } });
      expect(server.requests).toHaveLength(1);
      expect(r.response.status).toBe(status);
      expect(r.error).toMatchObject({ error: { code } });
    });
  }

  it('409 idempotency_conflict is retried with the same key', async () => {
    server.script({ status: 409, headers: { 'retry-after': '0' }, body: errorBody('idempotency_conflict') }, { status: 201, body: { id: 'sess_1' } });
    const r = await client().POST('/v1/sessions', { body: { mode: 'ai_agent' } });
    expect(r.data).toEqual({ id: 'sess_1' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.headers['idempotency-key']).toBe(server.requests[1]!.headers['idempotency-key']);
  });

  it('a dropped connection is retried and then succeeds', async () => {
    server.script({ drop: true }, { drop: true }, { status: 200, body: { object: 'list', data: [] } });
    const r = await client().GET('/v1/agents');
    expect(r.meta.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('dropped connections beyond maxRetries throw KallglotConnectionError', async () => {
    server.fallback = { drop: true };
    const err = await client({ maxRetries: 1 }).GET('/v1/agents').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotConnectionError);
    expect(server.requests).toHaveLength(2);
    expect(String((err as Error).message)).not.toContain(apiKey);
  });
});

describe('idempotency keys', () => {
  const idempotent: Array<[string, () => Promise<unknown>]> = [
    ['createSession', () => client().POST('/v1/sessions', { body: { mode: 'ai_agent' } })],
    ['endSession', () => client().POST('/v1/sessions/{session_id}/end', { params: { path: { session_id: 'sess_1' } } })],
    ['dialSession', () => client().POST('/v1/sessions/{session_id}/dial', { params: { path: { session_id: 'sess_1' } }, body: { to: '+14155551234' } } as never)],
    ['createSessionAnalysis', () => client().POST('/v1/sessions/{session_id}/analysis', { params: { path: { session_id: 'sess_1' } }, body: {} })],
    ['createAgent', () => client().POST('/v1/agents', { body: { name: 'Support' } } as never)],
  ];
  for (const [name, run] of idempotent) {
    it(`${name}: automatic UUID v4 key, reused on every retry`, async () => {
      server.script({ status: 503 }, { drop: true }, { status: 200, body: {} });
      await run();
      expect(server.requests).toHaveLength(3);
      const keys = server.requests.map((r) => r.headers['idempotency-key']);
      expect(keys[0]).toMatch(UUID_V4);
      expect(new Set(keys).size).toBe(1);
    });
  }

  it('a new call gets a new key', async () => {
    await client().POST('/v1/sessions', { body: { mode: 'ai_agent' } });
    await client().POST('/v1/sessions', { body: { mode: 'ai_agent' } });
    expect(server.requests[0]!.headers['idempotency-key']).not.toBe(server.requests[1]!.headers['idempotency-key']);
  });

  it('a caller key (option or header param) is used as given and reported in meta', async () => {
    server.script({ status: 500 }, { status: 201, body: {} });
    const r = await client().POST('/v1/sessions', { body: { mode: 'ai_agent' }, idempotencyKey: 'order-42' });
    expect(server.requests.map((x) => x.headers['idempotency-key'])).toEqual(['order-42', 'order-42']);
    expect(r.meta.idempotencyKey).toBe('order-42');
    server.reset();
    await client().POST('/v1/sessions', { body: { mode: 'ai_agent' }, params: { header: { 'Idempotency-Key': 'hdr-7' } } });
    expect(server.requests[0]!.headers['idempotency-key']).toBe('hdr-7');
  });

  it('GET and hangup carry no automatic key', async () => {
    await client().GET('/v1/agents');
    await client().POST('/v1/sessions/{session_id}/hangup', { params: { path: { session_id: 'sess_1' } } });
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual([undefined, undefined]);
  });
});

describe('hangup (no idempotency)', () => {
  const hangup = (c = client()) => c.POST('/v1/sessions/{session_id}/hangup', { params: { path: { session_id: 'sess_1' } } });

  it('is not retried on 503, 429 or a dropped connection', async () => {
    server.fallback = { status: 503 };
    await hangup();
    server.script({ status: 429, headers: { 'retry-after': '0' } });
    await hangup();
    server.script({ drop: true });
    await expect(hangup()).rejects.toBeInstanceOf(KallglotConnectionError);
    expect(server.requests).toHaveLength(3);
  });

  it('is retried when the connection is refused (the server never saw it)', async () => {
    const url = await refusedPortUrl();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const err = await hangup(createKallglotClient({ apiKey, baseUrl: url, retry: fast, maxRetries: 2, fetch: counting })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotConnectionError);
    expect((err as KallglotConnectionError).errno).toBe('ECONNREFUSED');
    expect(calls).toBe(3);
  });
});

describe('timeouts', () => {
  it('a slow response throws KallglotTimeoutError after timeoutMs', async () => {
    server.fallback = { status: 200, body: {}, delayMs: 2_000 };
    const err = await client({ timeoutMs: 100, maxRetries: 0 }).GET('/v1/agents').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotTimeoutError);
    expect((err as KallglotTimeoutError).timeoutMs).toBe(100);
    expect(server.requests).toHaveLength(1);
  });

  it('a timed-out attempt is retried, then succeeds', async () => {
    server.script({ status: 200, body: { slow: true }, delayMs: 2_000 }, { status: 200, body: { slow: false } });
    const r = await client({ timeoutMs: 150 }).GET('/v1/agents');
    expect(r.data).toEqual({ slow: false });
    expect(r.meta.attempts).toBe(2);
  });

  it('per-request timeoutMs overrides the client default; a slow body also times out', async () => {
    server.fallback = { status: 200, body: { a: 1 }, bodyDelayMs: 2_000 };
    const err = await client({ timeoutMs: 60_000 }).GET('/v1/agents', { timeoutMs: 100, maxRetries: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotTimeoutError);
  });

  it('a caller signal aborts without retrying and keeps its reason', async () => {
    server.fallback = { status: 200, body: {}, delayMs: 2_000 };
    const ac = new AbortController();
    const p = client({ maxRetries: 3 }).GET('/v1/agents', { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user cancelled')), 50);
    await expect(p).rejects.toThrow('user cancelled');
    expect(server.requests).toHaveLength(1);
  });

  it('timeoutMs: 0 disables the timeout; the caller signal still aborts', async () => {
    server.script({ status: 200, body: { late: true }, delayMs: 300 });
    const r = await client({ timeoutMs: 0 }).GET('/v1/agents');
    expect(r.data).toEqual({ late: true });
    server.fallback = { status: 200, body: {}, delayMs: 2_000 };
    const ac = new AbortController();
    const p = client({ timeoutMs: 0, maxRetries: 3 }).GET('/v1/agents', { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('cancelled without timeout')), 50);
    await expect(p).rejects.toThrow('cancelled without timeout');
    expect(server.requests).toHaveLength(2);
  });

  it('a caller abort during backoff stops the retries', async () => {
    server.fallback = { status: 503 };
    const ac = new AbortController();
    const p = client({ retry: { initialRetryDelayMs: 5_000, maxRetryDelayMs: 5_000, maxRetryAfterMs: 5_000 } }).GET('/v1/agents', { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 100);
    await expect(p).rejects.toThrow('stop');
    expect(server.requests).toHaveLength(1);
  });
});

describe('what is not retried, and middleware', () => {
  it('a 200 with a body that is not JSON throws KallglotInvalidResponseError once, without retrying', async () => {
    server.fallback = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id": "agt_1", broken' };
    const err = await client({ maxRetries: 3 }).GET('/v1/agents').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotInvalidResponseError);
    expect((err as KallglotInvalidResponseError).cause).toBeInstanceOf(SyntaxError);
    expect((err as KallglotInvalidResponseError).requestId).toBe('req_test_1');
    expect(server.requests).toHaveLength(1);
  });

  it('middleware runs on every attempt; a middleware that returns a real Request is sent, with the same key', async () => {
    server.script({ status: 503 }, { status: 201, body: { id: 'sess_1' } });
    const c = client();
    const seen: string[] = [];
    c.use({
      onRequest({ request }) {
        seen.push(request.method);
        // Rebuild it as a real Request, as some middleware does (e.g. to change the URL).
        return new Request(request.url, { method: request.method, headers: request.headers, body: (request as unknown as { body: string }).body });
      },
    });
    const r = await c.POST('/v1/sessions', { body: { mode: 'ai_agent' } });
    expect(r.data).toEqual({ id: 'sess_1' });
    expect(seen).toEqual(['POST', 'POST']);
    expect(server.requests.map((x) => JSON.parse(x.body))).toEqual([{ mode: 'ai_agent' }, { mode: 'ai_agent' }]);
    const keys = server.requests.map((x) => x.headers['idempotency-key']);
    expect(keys[0]).toMatch(UUID_V4);
    expect(keys[1]).toBe(keys[0]);
    expect(r.meta.idempotencyKey).toBe(keys[0]);
  });
});

describe('errors and meta', () => {
  it('KallglotApiError from unwrap-style throwOnError carries status, type, code, param, requestId, retryAfter, body', async () => {
    server.script({ status: 422, headers: { 'x-request-id': 'req_hdr_9' }, body: { error: { type: 'validation_error', code: 'invalid_request', message: 'mode is invalid', param: 'mode' } } });
    const err = await client({ throwOnError: true }).POST('/v1/sessions', { body: { mode: 'ai_agent' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotApiError);
    const e = err as KallglotApiError;
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ status: 422, type: 'validation_error', code: 'invalid_request', param: 'mode', requestId: 'req_hdr_9' });
    expect(e.body).toEqual({ error: { type: 'validation_error', code: 'invalid_request', message: 'mode is invalid', param: 'mode' } });
    expect(e.message).toContain('mode is invalid');
    expect(e.message).not.toContain(apiKey);

    server.script({ status: 429, headers: { 'retry-after': '7' }, body: errorBody('rate_limit_exceeded', 'rate_limit_error') });
    const e2 = (await client({ throwOnError: true, maxRetries: 0 }).GET('/v1/agents').catch((x: unknown) => x)) as KallglotApiError;
    expect(e2.retryAfter).toBe(7);
    expect(e2.requestId).toBe('req_body_1');
  });

  it('rate-limit and credit headers are readable from every result (success and error)', async () => {
    const headers = {
      'x-ratelimit-limit': '120',
      'x-ratelimit-remaining': '118',
      'x-ratelimit-reset': '1711454460',
      'x-api-credits-remaining': '412',
      'x-api-credits-used': '588',
      'x-request-id': 'req_abc',
    };
    server.script({ status: 201, headers, body: { id: 'sess_1' } }, { status: 402, headers, body: errorBody('insufficient_api_credits', 'permission_error') });
    for (const status of [201, 402]) {
      const r = await client().POST('/v1/sessions', { body: { mode: 'ai_agent' } });
      expect(r.response.status).toBe(status);
      expect(r.meta.rateLimit).toEqual({ limit: 120, remaining: 118, reset: 1711454460 });
      expect(r.meta.credits).toEqual({ remaining: 412, used: 588 });
    }
    const r = await client().GET('/v1/agents');
    expect(r.meta.rateLimit).toEqual({ limit: undefined, remaining: undefined, reset: undefined });
  });
});

describe('openapi-fetch middleware', () => {
  it('onRequest can mutate headers, or return a real Request; retries and keys still work', async () => {
    const c = client();
    c.use({
      onRequest({ request }) {
        request.headers.set('X-Trace', 'abc');
      },
    });
    server.script({ status: 503 }, { status: 201, body: { id: 'sess_1' } });
    const r1 = await c.POST('/v1/sessions', { body: { mode: 'ai_agent' } });
    expect(r1.data).toEqual({ id: 'sess_1' });
    expect(server.requests.map((x) => x.headers['x-trace'])).toEqual(['abc', 'abc']);

    server.reset();
    const c2 = client();
    c2.use({
      async onRequest({ request }) {
        const body = await request.text();
        return new Request(request.url, { method: request.method, headers: request.headers, body: body.replace('ai_agent', 'help_chat_voice') });
      },
      onResponse({ response }) {
        return new Response(response.body, { status: response.status, headers: { ...Object.fromEntries(response.headers), 'x-seen': '1' } });
      },
    });
    server.script({ drop: true }, { status: 201, body: { id: 'sess_2' } });
    const r2 = await c2.POST('/v1/sessions', { body: { mode: 'ai_agent' } });
    expect(r2.data).toEqual({ id: 'sess_2' });
    expect(r2.response.headers.get('x-seen')).toBe('1');
    expect(server.requests.map((x) => JSON.parse(x.body).mode)).toEqual(['help_chat_voice', 'help_chat_voice']);
    expect(server.requests[0]!.headers['idempotency-key']).toMatch(UUID_V4);
    expect(server.requests[0]!.headers['idempotency-key']).toBe(server.requests[1]!.headers['idempotency-key']);
  });
});
