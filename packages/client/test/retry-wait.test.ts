// The total wait of one call is capped (retry.maxRetryWaitMs): a server that keeps answering
// `Retry-After: 999999` cannot block a call for maxRetries × maxRetryAfterMs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKallglotClient, DEFAULT_BACKOFF, type KallglotClientOptions } from '../src/index.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';

let server: FaultServer;
const fast = { initialRetryDelayMs: 1, maxRetryDelayMs: 2, maxRetryAfterMs: 2 };
const client = (o: Partial<KallglotClientOptions> = {}) => createKallglotClient({ apiKey: 'sk_test_retry_wait', baseUrl: server.url, retry: fast, ...o });

beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('retry.maxRetryWaitMs', () => {
  it('maxRetryWaitMs caps the total wait of one call: Retry-After 999999 with 2 retries waits once, then returns the answer', async () => {
    const delays: number[] = [];
    server.script({ status: 429, headers: { 'retry-after': '999999' } }, { status: 429, headers: { 'retry-after': '999999' } }, { status: 200, body: {} });
    const r = await client({ maxRetries: 2, retry: { ...fast, maxRetryAfterMs: 40, maxRetryWaitMs: 60 }, onRetry: (i) => delays.push(i.delayMs) }).GET('/v1/agents');
    // One 40 ms wait fits in 60 ms, a second would not: the second 429 is the result, no third request.
    expect(delays).toEqual([40]);
    expect(r.response.status).toBe(429);
    expect(r.meta.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    // The default cap is documented and bounds the wait to one minute per call.
    expect(DEFAULT_BACKOFF.maxRetryWaitMs).toBe(60_000);
  });

  it('a network failure whose backoff would pass the cap is thrown at once', async () => {
    // Backoff 22.5–30 ms (jitter): one wait fits in 40 ms, two never do.
    server.fallback = { drop: true };
    const delays: number[] = [];
    const err = await client({ maxRetries: 5, retry: { initialRetryDelayMs: 30, maxRetryDelayMs: 30, maxRetryAfterMs: 30, maxRetryWaitMs: 40 }, onRetry: (i) => delays.push(i.delayMs) })
      .GET('/v1/agents')
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('KallglotConnectionError');
    expect(delays).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });
});
