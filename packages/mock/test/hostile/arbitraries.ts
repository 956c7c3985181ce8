// Hostile inputs for the sandbox, as fast-check arbitraries: deep, wide, huge, invalid UTF-8, wrong types and
// prototype keys, in bodies, headers, query strings and stream frames. Shared by hostile-rest and hostile-stream.
import fc from 'fast-check';

/** JSON text nested `depth` levels deep, as an object or an array chain (built as text: no recursion here). */
export function deepJson(depth: number, kind: 'object' | 'array'): string {
  return kind === 'object' ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + '1' + ']'.repeat(depth);
}

/** Requests valid in every way but depth, aimed at the route whose schema lets the deep part through. */
const deepRequest = fc.record({ depth: fc.integer({ min: 65, max: 20_000 }), kind: fc.constantFrom('object' as const, 'array' as const) })
  .chain(({ depth, kind }) => fc.constantFrom(
    // a tool's argument schema is free-form JSON Schema
    ['POST', '/v1/agents', `{"name":"deep","system_prompt":"x","tools":[{"name":"f","description":"d","parameters":{"type":"object","properties":{"q":${deepJson(depth, 'object')}}}}]}`],
    ['PATCH', '/v1/agents/{agent}', `{"tools":[{"name":"f","description":"d","parameters":{"type":"object","x":${deepJson(depth, kind)}}}]}`],
    ['POST', '/v1/sessions', `{"mode":"bidirectional_translation","source_language":"en","target_language":"es","metadata":{"k":${deepJson(depth, kind)}}}`],
    ['POST', '/v1/agents', `{"name":${deepJson(depth, kind)},"system_prompt":"x"}`],
  ));
const deepAgent = deepRequest.map(([, , body]) => body);

const wideObject = fc.integer({ min: 1_000, max: 40_000 }).map((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`);
const hugeString = fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => JSON.stringify({ name: 'x'.repeat(n), system_prompt: 'y' }));
const protoKeys = fc.constantFrom(
  '{"__proto__":{"admin":true},"name":"p","system_prompt":"x"}',
  '{"constructor":{"prototype":{"polluted":1}},"name":"p","system_prompt":"x"}',
  '{"name":{"__proto__":null},"system_prompt":"x"}',
  '{"mode":"bidirectional_translation","metadata":{"__proto__":{"x":1}}}',
);
const wrongTypes = fc.record({
  name: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.string({ maxLength: 20 })),
  system_prompt: fc.oneof(fc.integer(), fc.constant({}), fc.string({ maxLength: 20 })),
  temperature: fc.oneof(fc.string({ maxLength: 5 }), fc.double(), fc.constant(1e309)),
  mode: fc.oneof(fc.integer(), fc.string({ maxLength: 10 })),
}, { requiredKeys: [] }).map((o) => JSON.stringify(o));
const notJson = fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('{', '{"a":', '[1,2', 'null', '"str"', '1e99999', '{"a":1}{"b":2}', '\u0000'));

/** Bodies as bytes: text bodies encoded as UTF-8, plus raw bytes that are not UTF-8. */
export const hostileBody: fc.Arbitrary<Uint8Array | undefined> = fc.oneof(
  { arbitrary: fc.oneof(deepAgent, wideObject, hugeString, protoKeys, wrongTypes, notJson).map((s) => new TextEncoder().encode(s)), weight: 8 },
  { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }), weight: 2 },
  { arbitrary: fc.constant(Uint8Array.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe, 0x22, 0x7d])), weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

const idLike = fc.oneof(
  fc.constantFrom('sess_x', 'agt_x', 'rec_x', 'anl_x', '..', '%2e%2e', '%00', '__proto__', 'constructor', 'a'.repeat(5000)),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
);

/** A request path on the API surface, with hostile ids. */
export const hostilePath: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom('/v1/agents', '/v1/agents/{id}', '/v1/sessions', '/v1/sessions/{id}', '/v1/sessions/{id}/end', '/v1/sessions/{id}/dial', '/v1/sessions/{id}/hangup', '/v1/sessions/{id}/transcript', '/v1/sessions/{id}/recordings', '/v1/sessions/{id}/analysis', '/v1/recordings/{id}', '/v1/recordings/{id}/audio', '/v1/analyses/{id}', '/v1/unknown', '/v1//agents'),
  idLike,
).map(([t, id]) => t.replace('{id}', id));

/** A query string: repeated keys, prototype keys, huge values, wrong types for limit/cursor. */
export const hostileQuery: fc.Arbitrary<string> = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom('limit', 'cursor', 'starting_after', '__proto__', 'constructor', 'limit[]', 'a[b][c]'), fc.string({ maxLength: 10 })),
    fc.oneof(fc.constantFrom('-1', '0', '1e309', 'NaN', '99999999999999999999', '[]', '{}', 'x'.repeat(10_000)), fc.string({ maxLength: 20 })),
  ),
  { maxLength: 6 },
).map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') : ''));

/** Headers an attacker controls: keys of every shape (never the victim's), content types, idempotency keys. */
export const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc.record({
  authorization: fc.oneof(
    fc.constant('Bearer sk_test_attacker_0001'),
    fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer sk_live_51Habc', 'Bearer sk_test_attacker_0001\t', `Bearer sk_test_${'z'.repeat(8000)}`, 'Bearer kst_test_x'),
    fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)).map((s) => `Bearer ${s}`),
  ),
  'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', ''),
  'idempotency-key': fc.oneof(fc.constant(''), fc.string({ maxLength: 30 }).filter((s) => /^[\x21-\x7e]*$/.test(s)), fc.constant('k'.repeat(300))),
}, { requiredKeys: ['authorization'] });

export const hostileMethod = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS');

/** Stream frames: text that is deep, wide, huge, wrong-typed or not JSON, and binary frames. */
export const hostileFrame: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.integer({ min: 65, max: 5_000 }).map((d) => `{"type":"audio.input","audio":${deepJson(d, 'object')}}`),
  fc.record({ type: fc.constantFrom('audio.input', 'ping', 'session.end', 'session.ready', '__proto__', 'constructor', 'x'), sequence: fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)), audio: fc.oneof(fc.constant({ encoding: 'pcm16', sample_rate_hz: 44100, payload: 'AAAA' }), fc.constant({ encoding: 'mulaw', sample_rate_hz: 8000, payload: '!!!not base64' }), fc.constant('x'), fc.constant({ encoding: 'mulaw', sample_rate_hz: 8000, payload: 'A'.repeat(60_000) })) }, { requiredKeys: ['type'] }).map((o) => JSON.stringify(o)),
  fc.constantFrom('{"__proto__":{"type":"ping"}}', '{"type":"ping","constructor":{"prototype":{"x":1}}}', 'not json', '', '[]', 'null', '{"type":"ping"}'.repeat(3)),
  fc.uint8Array({ minLength: 0, maxLength: 200 }),
);

/** The attacker's own resources, created before the run, so hostile input reaches deep code paths. */
export interface Own { agent: string; session: string }

const writeOps = [
  ['POST', '/v1/agents'], ['PATCH', '/v1/agents/{agent}'], ['POST', '/v1/sessions'], ['POST', '/v1/sessions/{session}/analysis'],
  ['POST', '/v1/sessions/{session}/dial'], ['POST', '/v1/sessions/{session}/end'],
] as const;
const readOps = ['/v1/agents', '/v1/sessions/{session}/recordings', '/v1/sessions/{session}/transcript', '/v1/agents/{agent}'] as const;
const fill = (t: string, own: Own) => t.replace('{agent}', own.agent).replace('{session}', own.session);
const ownJson = { authorization: 'Bearer sk_test_attacker_0001', 'content-type': 'application/json' };
const validAgent = new TextEncoder().encode('{"name":"Ok","system_prompt":"x"}');

export interface HostileCase { method: string; path: string; headers: Record<string, string>; body?: Uint8Array | undefined }

/** Prints a case briefly (a counterexample's body can be megabytes). */
function brief(c: HostileCase): HostileCase {
  const body = c.body ? `${c.body.length} B ${JSON.stringify(new TextDecoder().decode(c.body.subarray(0, 120)))}` : 'no body';
  return Object.assign(c, { [fc.toStringMethod]: () => `${c.method} ${c.path.slice(0, 200)} ${JSON.stringify(c.headers).slice(0, 200)} ${body}` });
}

/** One hostile case: mostly a valid request of the attacker's with ONE part made hostile, sometimes all of it. */
export function hostileCase(own: Own): fc.Arbitrary<HostileCase> {
  return fc.oneof(
    { weight: 2, arbitrary: deepRequest.map(([method, t, body]) => ({ method, path: fill(t, own), headers: ownJson, body: new TextEncoder().encode(body) })) },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...writeOps), hostileBody).map(([[method, t], body]) => ({ method, path: fill(t, own), headers: ownJson, body })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...readOps), hostileQuery).map(([t, q]) => ({ method: 'GET', path: fill(t, own) + q, headers: ownJson })) },
    { weight: 2, arbitrary: hostileHeaders.map((h) => ({ method: 'POST', path: '/v1/agents', headers: h, body: validAgent })) },
    { weight: 1, arbitrary: fc.tuple(hostileMethod, hostilePath, hostileQuery, hostileHeaders, hostileBody).map(([method, p, q, headers, body]) => ({ method, path: p + q, headers, body })) },
  ).map(brief);
}
