// REST replay: ordered matching, byte-identical bodies but for stream.url, misses in the API envelope naming the
// nearest recorded request, and strict-mode differences.
import { describe, expect, it } from 'vitest';
import { createRestReplayer, loadCassette, StrictLog } from '../src/replay/index.js';
import { callHar, RECORDED_STREAM, SESSION, sessionBody, TOKEN } from './helpers/cassette.js';
import { errorValidator } from './helpers/spec.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const json = (b: Uint8Array) => JSON.parse(text(b));
const cassette = () => loadCassette(callHar());

describe('REST replay', () => {
  it('answers with the recorded body byte for byte, stream.url moved onto the replay, token the placeholder', () => {
    const rest = createRestReplayer(cassette(), { streamUrl: 'ws://127.0.0.1:5999' });
    const res = rest.handle({ method: 'post', path: '/v1/sessions', headers: { 'content-type': 'application/json' }, body: '{"mode":"bidirectional_translation","source_language":"en","target_language":"es"}' });
    expect(res.status).toBe(201);
    expect(res.recorded).toBe(0);
    const expected = sessionBody.replace(RECORDED_STREAM, `ws://127.0.0.1:5999/v1/sessions/${SESSION}/connect`);
    expect(text(res.body)).toBe(expected);
    expect(json(res.body).stream.token).toBe(TOKEN);
    // Recorded headers come back, but not the length (the adapter sets it for the rewritten body).
    expect(res.headers).toMatchObject({ 'content-type': 'application/json', 'x-request-id': `req_${Date.parse('2026-03-26T11:00:00Z')}` });
    expect(res.headers['content-length']).toBeUndefined();
  });

  it('matches on canonical bodies and queries: key order, whitespace and parameter order do not count', () => {
    const rest = createRestReplayer(cassette());
    const res = rest.handle({ method: 'POST', path: '/v1/sessions', body: new TextEncoder().encode('{ "target_language": "es",\n "source_language": "en", "mode": "bidirectional_translation" }') });
    expect(res.status).toBe(201);
    expect(text(res.body)).toBe(sessionBody);
    const list = rest.handle({ method: 'GET', path: `/v1/sessions/${SESSION}/recordings`, query: { starting_after: 'rec_0', limit: '10' } });
    expect(list.status).toBe(200);
    const inPath = createRestReplayer(cassette()).handle({ method: 'GET', path: `/v1/sessions/${SESSION}/recordings?starting_after=rec_0&limit=10` });
    expect(inPath.recorded).toBe(5);
  });

  it('builds each recorded answer once at load: a repeat is the same frozen answer, and a query still counts', () => {
    const rest = createRestReplayer(cassette(), { streamUrl: 'ws://127.0.0.1:5999' });
    const send = () => rest.handle({ method: 'POST', path: '/v1/sessions', body: '{"mode":"bidirectional_translation","source_language":"en","target_language":"es"}' });
    const first = send();
    expect(send()).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.headers)).toBe(true);
    expect(text(first.body)).toContain('ws://127.0.0.1:5999/v1/sessions/');
    const path = `/v1/sessions/${SESSION}/recordings`;
    expect(rest.handle({ method: 'GET', path, query: new URLSearchParams() }).status).toBe(501);
    expect(rest.handle({ method: 'GET', path, query: new URLSearchParams('limit=10&starting_after=rec_0') }).recorded).toBe(5);
  });

  it('gives the same request the recorded answers in order, then the last one again', () => {
    const strict = new StrictLog();
    const rest = createRestReplayer(cassette(), { strict });
    const poll = () => json(rest.handle({ method: 'GET', path: '/v1/analyses/anl_1' }).body).status;
    expect([poll(), poll(), poll()]).toEqual(['processing', 'completed', 'completed']);
    expect(strict.first()).toEqual({ kind: 'extra-request', message: 'GET /v1/analyses/anl_1 was sent 3 times; the cassette holds it 2 times (the last answer was replayed again).' });
    const missOnce = createRestReplayer(cassette(), { onExhausted: 'miss' });
    missOnce.handle({ method: 'GET', path: '/v1/sessions/' + SESSION + '/recordings', query: 'limit=10&starting_after=rec_0' });
    const again = missOnce.handle({ method: 'GET', path: '/v1/sessions/' + SESSION + '/recordings', query: '?limit=10&starting_after=rec_0' });
    expect(again.status).toBe(501);
    expect(json(again.body).error.message).toMatch(/was sent more often than the cassette holds it/);
  });

  it('answers a request the cassette does not hold with a 404 in the API envelope naming the nearest recorded request', () => {
    const rest = createRestReplayer(cassette());
    const res = rest.handle({ method: 'GET', path: '/v1/analyses/anl_2' });
    expect(res.status).toBe(404);
    expect(res.recorded).toBeNull();
    const body = json(res.body);
    expect(errorValidator(body)).toBe(true);
    expect(body.error).toMatchObject({ type: 'not_found_error', code: 'invalid_request', request_id: res.headers['x-request-id'] });
    expect(body.error.message).toBe('The cassette holds no answer for GET /v1/analyses/anl_2. Nearest recorded request: GET /v1/analyses/anl_1 (entry 5): path /v1/analyses/anl_1. Send the recorded request, or record the cassette again.');
  });

  it('answers a recorded route with another body with a 501 that names the difference', () => {
    const strict = new StrictLog();
    const rest = createRestReplayer(cassette(), { strict });
    const res = rest.handle({ method: 'POST', path: '/v1/sessions', body: '{"mode":"ai_agent","source_language":"en","target_language":"es"}' });
    expect(res.status).toBe(501);
    const body = json(res.body);
    expect(errorValidator(body)).toBe(true);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('Nearest recorded request: POST /v1/sessions with body {"mode":"bidirectional_translation","source_language":"en","target_language":"es"} (entry 0): body differs at /mode (recorded "bidirectional_translation", sent "ai_agent").');
    expect(strict.first()?.kind).toBe('request');
    expect(strict.first()?.message).toBe(body.error.message);
    const q = rest.handle({ method: 'GET', path: `/v1/sessions/${SESSION}/recordings`, query: 'limit=5' });
    expect(json(q.body).error.message).toContain('query ?limit=10&starting_after=rec_0, sent ?limit=5');
  });

  it('hands back the webhook deliveries that followed an exchange, and strict mode names a recorded write never sent', () => {
    const strict = new StrictLog();
    const rest = createRestReplayer(cassette(), { strict });
    const end = rest.handle({ method: 'POST', path: `/v1/sessions/${SESSION}/end` });
    expect(end.webhooks.map((w) => [w.url, w.delayMs])).toEqual([['http://127.0.0.1:9000/hooks', 15]]);
    rest.handle({ method: 'POST', path: '/v1/sessions', body: '{"mode":"bidirectional_translation","source_language":"en","target_language":"es"}' });
    expect(strict.first()).toBeUndefined();
    rest.finish();
    expect(strict.first()).toEqual({ kind: 'missing-request', message: `The recording has POST /v1/sessions/${SESSION}/analysis with body {"include":["summary"]} (entry 4), which the client never sent.` });
    expect(rest.unused().map((h) => h.index)).toEqual([2, 3, 4, 5]);
  });
});
