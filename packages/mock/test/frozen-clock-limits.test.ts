// Issue 24 item 4 (sandbox side): with the virtual clock frozen (`--time-scale 0`), rate windows and stale
// in-flight idempotency claims still end on real time. Real time is an injected source here: no sleeps.
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/engine-entry.js';
import { contractModels } from '../src/msw/specs.js';
import { createPipeline } from '../src/pipeline/pipeline.js';
import type { PlainRequest, PlainResponse } from '../src/pipeline/types.js';

const KEY = 'sk_test_frozen_0001';

function setup(rateLimit: number) {
  const real = { now: Date.UTC(2026, 0, 1, 12) };
  const engine = new Engine({ clock: { scale: 0, realNow: () => real.now }, rateLimit });
  const { openapi, vocab } = contractModels();
  const pipeline = createPipeline({ model: openapi, vocab, engine });
  const get = () => pipeline(plain('GET', '/v1/agents'), 'req') as PlainResponse;
  return { real, engine, pipeline, get };
}

function plain(method: string, pathname: string, headers: Record<string, string> = {}, body?: Uint8Array | Promise<Uint8Array>): PlainRequest {
  return { method, pathname, search: '', query: new URLSearchParams(), headers: { authorization: `Bearer ${KEY}`, ...headers }, hasBody: body !== undefined, readBody: async () => (await body) ?? new Uint8Array(0) };
}

describe('limits that expire on real time when the virtual clock is frozen', () => {
  it('--rate-limit 3: the 4th request gets 429, and a retry after the real Retry-After succeeds', () => {
    const { real, engine, get } = setup(3);
    for (let i = 0; i < 3; i++) expect(get().status).toBe(200);
    const limited = get();
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers['Retry-After']);
    expect(retryAfter).toBeGreaterThan(0);
    // Real time passes; the virtual clock does not move at all.
    const frozenAt = engine.clock.now();
    real.now += retryAfter * 1000 - 1500;
    expect(get().status).toBe(429);
    real.now += 1500;
    expect(engine.clock.now()).toBe(frozenAt);
    const after = get();
    expect(after.status).toBe(200);
    expect(after.headers['X-RateLimit-Remaining']).toBe('2');
  });

  it('the virtual clock still ends a window first when it is advanced', () => {
    const { engine, get } = setup(1);
    expect(get().status).toBe(200);
    expect(get().status).toBe(429);
    engine.clock.advance(60_000);
    expect(get().status).toBe(200);
  });

  it('a stale in-flight Idempotency-Key claim is let go after a real minute', async () => {
    const { real, pipeline } = setup(0);
    const json = { 'content-type': 'application/json', 'idempotency-key': 'idem-frozen' };
    // An upload that never finishes holds the key's claim.
    const stuck = pipeline(plain('POST', '/v1/agents', json, new Promise<Uint8Array>(() => {})), 'r1');
    const body = new TextEncoder().encode('{"name":"A","system_prompt":"x"}');
    expect((await pipeline(plain('POST', '/v1/agents', json, body), 'r2')).status).toBe(409);
    real.now += 59_000;
    expect((await pipeline(plain('POST', '/v1/agents', json, body), 'r3')).status).toBe(409);
    real.now += 1_000;
    expect((await pipeline(plain('POST', '/v1/agents', json, body), 'r4')).status).toBe(201);
    void stuck;
  });
});
