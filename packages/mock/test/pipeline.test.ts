// The request pipeline with no socket: plain request objects in, plain responses out. Checks the order of the
// steps (the body is read only after auth and the declared-size check, and at most once), the envelope, the
// synchronous hot path, idempotency claims across an in-flight body, and that the Prism path uses the engine's
// credits and idempotency records (one copy of each).
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/engine-entry.js';
import { contractModels } from '../src/msw/specs.js';
import { createPipeline, type PipelineOptions } from '../src/pipeline/pipeline.js';
import { MAX_BODY } from '../src/pipeline/rules.js';
import { BodyTooLarge, type PlainRequest, type PlainResponse } from '../src/pipeline/types.js';
import type { PrismBackend, PrismExchange } from '../src/prism/forward.js';

const KEY = 'sk_test_pipeline_unit';
const utf8 = new TextEncoder();

function setup(extra: Partial<PipelineOptions> = {}) {
  const { openapi, vocab } = contractModels();
  const engine = new Engine({ clock: { start: Date.UTC(2026, 0, 1), scale: 0 } });
  const logged: string[] = [];
  const pipeline = createPipeline({ model: openapi, vocab, engine, log: (l) => void logged.push(l), ...extra });
  return { engine, pipeline, logged };
}

/** A plain request; `body` (when given) is served by a reader that counts its calls. */
function req(method: string, path: string, o: { headers?: Record<string, string>; body?: string | (() => Promise<Uint8Array>); declared?: number } = {}) {
  const reads = { count: 0 };
  const [pathname, qs = ''] = path.split('?');
  const body = o.body;
  const r: PlainRequest = {
    method,
    pathname: pathname!,
    search: qs ? `?${qs}` : '',
    query: new URLSearchParams(qs),
    headers: Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    declaredLength: o.declared ?? (typeof body === 'string' ? utf8.encode(body).length : undefined),
    hasBody: body !== undefined,
    readBody: async () => {
      reads.count++;
      return typeof body === 'function' ? body() : utf8.encode(body ?? '');
    },
  };
  return { r, reads };
}

const auth = { Authorization: `Bearer ${KEY}` };
const json = { ...auth, 'Content-Type': 'application/json' };
const parse = (a: PlainResponse) => JSON.parse(typeof a.body === 'string' ? a.body : new TextDecoder().decode(a.body));

describe('request pipeline (no sockets)', () => {
  it('never reads the body of an unauthenticated request', async () => {
    const { pipeline } = setup();
    const { r, reads } = req('POST', '/v1/agents', { headers: { 'Content-Type': 'application/json' }, body: '{"name":"x"}' });
    const a = await pipeline(r, 'req_1');
    expect(a.status).toBe(401);
    expect(parse(a).error.request_id).toBe('req_1');
    expect(reads.count).toBe(0);
  });

  it('refuses an oversized upload on its declared length, without reading it, and asks to close', async () => {
    const { pipeline } = setup();
    const { r, reads } = req('POST', '/v1/agents', { headers: json, body: '{}', declared: MAX_BODY + 1 });
    const a = await pipeline(r, 'req_2');
    expect(a.status).toBe(413);
    expect(parse(a).error.message).toBe(`Request bodies are limited to ${MAX_BODY} bytes.`);
    expect(a.close).toBe(true);
    expect(reads.count).toBe(0);
  });

  it('a body that turns out too large while read (no declared length) gets the same envelope', async () => {
    const { pipeline } = setup();
    const { r, reads } = req('POST', '/v1/agents', { headers: json, body: () => Promise.reject(new BodyTooLarge()) });
    const a = await pipeline(r, 'req_3');
    expect(reads.count).toBe(1);
    expect(a.status).toBe(413);
    expect(parse(a).error.message).toBe(`Request bodies are limited to ${MAX_BODY} bytes.`);
    expect(a.headers['X-RateLimit-Limit']).toBe('1000');
  });

  it('reads a valid body once and answers from the engine', async () => {
    const { pipeline, engine } = setup();
    const { r, reads } = req('POST', '/v1/agents', { headers: json, body: JSON.stringify({ name: 'Support', system_prompt: 'Be brief.' }) });
    const a = await pipeline(r, 'req_4');
    expect(a.status).toBe(201);
    expect(reads.count).toBe(1);
    expect(a.headers['X-Request-ID']).toBe('req_4');
    expect(engine.snapshot().sizes).toMatchObject({ agents: 1 });
  });

  it('answers a bodiless GET synchronously (the hot path takes no extra tick)', () => {
    const { pipeline } = setup();
    const a = pipeline(req('GET', '/v1/agents?limit=2', { headers: auth }).r, 'req_5');
    expect(a).not.toBeInstanceOf(Promise);
    expect((a as PlainResponse).status).toBe(200);
    expect(parse(a as PlainResponse)).toMatchObject({ object: 'list', data: [] });
  });

  it('route, validation and engine failures come back in the envelope, with rate and credit headers', async () => {
    const { pipeline } = setup();
    const notFound = (await pipeline(req('GET', '/v1/agents/agt_01HZZZZZZZZZZZZZZZZZZZZZZZ', { headers: auth }).r, 'r')) as PlainResponse;
    expect(notFound.status).toBe(404);
    expect(notFound.headers['X-API-Credits-Remaining']).toBe('1000');
    const invalid = await pipeline(req('POST', '/v1/sessions', { headers: json, body: '{"mode":"telepathy"}' }).r, 'r');
    expect(invalid.status).toBe(422);
    expect(parse(invalid).error.param).toBe('mode');
    const route = (await pipeline(req('DELETE', '/v1/agents', { headers: auth }).r, 'r')) as PlainResponse;
    expect(route.status).toBe(405);
    expect(route.headers.Allow).toContain('GET');
  });

  it('holds an Idempotency-Key while the body is still arriving: a concurrent retry gets 409, a later one the replay', async () => {
    const { pipeline } = setup();
    const headers = { ...json, 'Idempotency-Key': 'unit-1' };
    const body = JSON.stringify({ mode: 'bidirectional_translation' });
    let arrive!: () => void;
    const slow = req('POST', '/v1/sessions', { headers, body: () => new Promise<Uint8Array>((res) => (arrive = () => res(utf8.encode(body)))) });
    const first = pipeline(slow.r, 'req_a');
    const during = await pipeline(req('POST', '/v1/sessions', { headers, body }).r, 'req_b');
    expect(during.status).toBe(409);
    expect(parse(during).error.code).toBe('idempotency_conflict');
    arrive();
    const done = await first;
    expect(done.status).toBe(201);
    const again = await pipeline(req('POST', '/v1/sessions', { headers, body }).r, 'req_c');
    expect(again.headers['Idempotent-Replayed']).toBe('true');
    expect(parse(again).id).toBe(parse(done).id);
  });

  it('an unexpected exception becomes a logged 500 envelope, never a thrown error', async () => {
    const { pipeline, engine, logged } = setup();
    (engine as unknown as { handle: () => never }).handle = () => {
      throw new TypeError('boom');
    };
    const a = await pipeline(req('GET', '/v1/agents', { headers: auth }).r, 'req_x');
    expect(a.status).toBe(500);
    expect(parse(a).error.code).toBe('internal_error');
    expect(logged.join('\n')).toContain('boom');
  });

  it('the Prism path (stateless) spends the engine tenant\'s credits and replays from the engine\'s idempotency records', async () => {
    const calls: PrismExchange[] = [];
    const prism: PrismBackend = {
      async answer(x) {
        calls.push(x);
        const out = { id: `sess_${String(calls.length).padStart(26, '0')}`, object: 'session', status: 'created' };
        return { status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out), json: out };
      },
    };
    const { pipeline, engine } = setup({ prism, stateless: true });
    const headers = { ...json, 'Idempotency-Key': 'stateless-1' };
    const body = JSON.stringify({ mode: 'bidirectional_translation' });
    const first = await pipeline(req('POST', '/v1/sessions', { headers, body }).r, 'r1');
    expect(first.status).toBe(201);
    expect(first.headers['X-API-Credits-Remaining']).toBe('999');
    const replay = await pipeline(req('POST', '/v1/sessions', { headers, body: JSON.stringify(JSON.parse(body), null, 2) }).r, 'r2');
    expect(replay.headers['Idempotent-Replayed']).toBe('true');
    expect(parse(replay)).toEqual(parse(first));
    expect(calls).toHaveLength(1);
    const mismatch = await pipeline(req('POST', '/v1/sessions', { headers, body: '{"mode":"assistive_translation"}' }).r, 'r3');
    expect(parse(mismatch).error.code).toBe('idempotency_mismatch');
    expect(engine.tenant(KEY).creditsUsed).toBe(1);
    expect(calls[0]).toMatchObject({ method: 'POST', pathname: '/v1/sessions', key: KEY, parsed: { mode: 'bidirectional_translation' } });
  });
});
