// One pipeline, two adapters: the node:http server (a real socket on port 0) and the MSW handlers (called
// directly with getResponse) get the same 20 requests on fresh state, and answer them byte for byte the same,
// headers included. Both engines start with the same frozen clock, so times and rate windows agree; only what
// must differ is normalised: random id suffixes (mapped to placeholders in order of appearance), Date and the
// connection headers node adds.
import { getResponse, type RequestHandler } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKallglotHandlers, type KallglotHandlers } from '../src/msw/index.js';
import { startRestMock, type RestMock } from '../src/index.js';
import { Engine } from '../src/engine-entry.js';

const START = Date.UTC(2026, 0, 15, 9, 30, 0);
const STREAM = 'wss://stream.kallglot.com';
const MSW_BASE = 'https://api.kallglot.com';
const KEY = 'sk_test_parity_0001';
const JSON_H = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };

interface Req {
  name: string;
  method: string;
  path: string | ((ids: Map<string, string>) => string);
  headers?: Record<string, string>;
  body?: string;
  /** Remember this answer's `id` under a name, for later paths. */
  save?: string;
}

const REQUESTS: Req[] = [
  { name: 'list agents (empty)', method: 'GET', path: '/v1/agents', headers: { Authorization: `Bearer ${KEY}` } },
  { name: 'create agent', method: 'POST', path: '/v1/agents', headers: JSON_H, body: JSON.stringify({ name: 'Support', system_prompt: 'Be brief.', voice: 'nova', temperature: 0.5 }), save: 'agent' },
  { name: 'retrieve agent', method: 'GET', path: (ids) => `/v1/agents/${ids.get('agent')}`, headers: { Authorization: `Bearer ${KEY}` } },
  { name: 'update agent', method: 'PATCH', path: (ids) => `/v1/agents/${ids.get('agent')}`, headers: JSON_H, body: JSON.stringify({ temperature: 0.2 }) },
  { name: 'list agents with limit', method: 'GET', path: '/v1/agents?limit=5', headers: { Authorization: `Bearer ${KEY}` } },
  { name: 'HEAD agent', method: 'HEAD', path: (ids) => `/v1/agents/${ids.get('agent')}`, headers: { 'X-API-Key': KEY } },
  { name: 'create session', method: 'POST', path: '/v1/sessions', headers: JSON_H, body: JSON.stringify({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' }), save: 'session' },
  { name: 'retrieve session', method: 'GET', path: (ids) => `/v1/sessions/${ids.get('session')}`, headers: { Authorization: `Bearer ${KEY}` } },
  { name: 'idempotent create', method: 'POST', path: '/v1/sessions', headers: { ...JSON_H, 'Idempotency-Key': 'parity-1' }, body: JSON.stringify({ mode: 'assistive_translation' }) },
  { name: 'idempotent replay', method: 'POST', path: '/v1/sessions', headers: { ...JSON_H, 'Idempotency-Key': 'parity-1' }, body: JSON.stringify({ mode: 'assistive_translation' }, null, 2) },
  { name: 'idempotency mismatch', method: 'POST', path: '/v1/sessions', headers: { ...JSON_H, 'Idempotency-Key': 'parity-1' }, body: JSON.stringify({ mode: 'bidirectional_translation' }) },
  { name: 'end session', method: 'POST', path: (ids) => `/v1/sessions/${ids.get('session')}/end`, headers: { Authorization: `Bearer ${KEY}` } },
  { name: 'transcript', method: 'GET', path: (ids) => `/v1/sessions/${ids.get('session')}/transcript`, headers: { Authorization: `Bearer ${KEY}` } },
  { name: 'no API key', method: 'GET', path: '/v1/agents' },
  { name: 'malformed API key', method: 'GET', path: '/v1/agents', headers: { Authorization: 'Bearer nope' } },
  { name: 'oversized body', method: 'POST', path: '/v1/agents', headers: JSON_H, body: `{"name":"${'x'.repeat(1024 * 1024)}"}` },
  { name: 'bad JSON', method: 'POST', path: '/v1/agents', headers: JSON_H, body: '{"name":' },
  { name: 'validation error', method: 'POST', path: '/v1/sessions', headers: JSON_H, body: JSON.stringify({ mode: 'telepathy' }) },
  { name: 'unknown agent (engine 404)', method: 'GET', path: '/v1/agents/agt_01HZZZZZZZZZZZZZZZZZZZZZZZ', headers: { Authorization: `Bearer ${KEY}` } },
  { name: 'no such route', method: 'GET', path: '/v1/nothing-here', headers: { Authorization: `Bearer ${KEY}` } },
  { name: 'method not allowed', method: 'PUT', path: '/v1/agents', headers: JSON_H, body: '{}' },
  { name: 'unknown query parameter', method: 'GET', path: '/v1/agents?colour=blue', headers: { Authorization: `Bearer ${KEY}` } },
  { name: 'wrong content type', method: 'POST', path: '/v1/agents', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'text/plain' }, body: 'hello' },
  { name: 'delete agent', method: 'DELETE', path: (ids) => `/v1/agents/${ids.get('agent')}`, headers: { Authorization: `Bearer ${KEY}` } },
];

interface Seen {
  status: number;
  headers: [string, string][];
  body: string;
}

/** Run the sequence against one adapter; ids saved from its own answers feed its later paths. */
async function run(send: (method: string, path: string, headers: Record<string, string>, body?: string) => Promise<Response>): Promise<Seen[]> {
  const ids = new Map<string, string>();
  const out: Seen[] = [];
  for (const r of REQUESTS) {
    const path = typeof r.path === 'string' ? r.path : r.path(ids);
    const res = await send(r.method, path, r.headers ?? {}, r.body);
    const body = await res.text();
    if (r.save) ids.set(r.save, JSON.parse(body).id);
    const headers = [...res.headers].filter(([k]) => !['date', 'connection', 'keep-alive'].includes(k));
    out.push({ status: res.status, headers, body });
  }
  return out;
}

/** Random id parts differ between the engines: map each distinct id to a placeholder, in order of appearance. */
function normaliseIds(answers: Seen[]): string {
  const names = new Map<string, string>();
  const text = JSON.stringify(answers, null, 1);
  return text.replace(/\b((?:[a-z]+_)+)([0-9A-HJKMNP-TV-Z]{26})\b/g, (m, prefix: string) => {
    if (!names.has(m)) names.set(m, `${prefix}<${names.size + 1}>`);
    return names.get(m)!;
  });
}

let node: RestMock;
let msw: KallglotHandlers;

beforeAll(async () => {
  const engine = new Engine({ clock: { start: START, scale: 0 }, streamBaseUrl: STREAM });
  node = await startRestMock({ port: 0, engine, streamBaseUrl: STREAM, log: () => undefined });
  msw = createKallglotHandlers({ clock: { start: START, scale: 0 }, streamUrl: STREAM, log: () => undefined });
});
afterAll(async () => {
  msw?.dispose();
  await node?.close();
});

describe('node and MSW adapters over the one pipeline', () => {
  it(`answer the same ${REQUESTS.length} requests byte for byte, headers included`, async () => {
    expect(REQUESTS.length).toBeGreaterThanOrEqual(20);
    const viaNode = await run((method, path, headers, body) => fetch(`${node.url}${path}`, { method, headers, body }));
    const viaMsw = await run(async (method, path, headers, body) => {
      const res = await getResponse(msw as unknown as RequestHandler[], new Request(`${MSW_BASE}${path}`, { method, headers, body }));
      if (!res) throw new Error(`MSW did not answer ${method} ${path}`);
      return res;
    });
    // The sequence really exercised the pipeline's branches (not 20 copies of one answer).
    expect(viaNode.map((a) => a.status)).toEqual([200, 201, 200, 200, 200, 200, 201, 200, 201, 201, 400, 200, 200, 401, 401, 413, 400, 422, 404, 404, 405, 422, 400, 200]);
    expect(viaNode[REQUESTS.findIndex((r) => r.name === 'idempotent replay')]!.headers).toContainEqual(['idempotent-replayed', 'true']);
    for (let i = 0; i < REQUESTS.length; i++) {
      expect(normaliseIds([viaMsw[i]!]), REQUESTS[i]!.name).toBe(normaliseIds([viaNode[i]!]));
    }
    expect(normaliseIds(viaMsw)).toBe(normaliseIds(viaNode));
  });
});
