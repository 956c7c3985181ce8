// Malformed requests: each must get the API's Error envelope (never Prism's problem+json) with the right status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestMock, type RestMock } from '../src/index.js';
import { errorValidator, openapi } from './helpers/spec.js';

let mock: RestMock;
beforeAll(async () => {
  mock = await startRestMock({ stateless: true, port: 0, streamBaseUrl: 'ws://127.0.0.1:4999', log: () => undefined });
});
afterAll(async () => {
  await mock?.close();
});

const KEY = 'Bearer sk_test_badinput';
const JSON_H = { Authorization: KEY, 'Content-Type': 'application/json' };

interface Case {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
  type: string;
  code: string;
  param?: string;
}

const post = (path: string, body: unknown, extra: Partial<Case> & Pick<Case, 'name' | 'status' | 'type' | 'code'>): Case => ({
  method: 'POST',
  path,
  headers: JSON_H,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  ...extra,
});

const cases: Case[] = [
  { name: 'no API key', method: 'GET', path: '/v1/agents', status: 401, type: 'authentication_error', code: 'missing_api_key' },
  { name: 'malformed API key', method: 'GET', path: '/v1/agents', headers: { Authorization: 'Bearer pk_live_123' }, status: 401, type: 'authentication_error', code: 'malformed_api_key', param: 'Authorization' },
  { name: 'Basic instead of Bearer', method: 'GET', path: '/v1/agents', headers: { Authorization: 'Basic dXNlcjpwYXNz' }, status: 401, type: 'authentication_error', code: 'malformed_api_key', param: 'Authorization' },
  { name: 'stream token used as API key', method: 'GET', path: '/v1/agents', headers: { 'X-API-Key': 'kst_live_abc' }, status: 401, type: 'authentication_error', code: 'malformed_api_key', param: 'Authorization' },
  { name: 'empty bearer', method: 'GET', path: '/v1/agents', headers: { Authorization: 'Bearer ' }, status: 401, type: 'authentication_error', code: 'malformed_api_key', param: 'Authorization' },
  post('/v1/sessions', {}, { name: 'missing mode', status: 422, type: 'validation_error', code: 'invalid_request', param: 'mode' }),
  post('/v1/sessions', { mode: 'karaoke' }, { name: 'unknown mode', status: 422, type: 'validation_error', code: 'invalid_request', param: 'mode' }),
  post('/v1/sessions', { mode: 42 }, { name: 'mode of the wrong type', status: 422, type: 'validation_error', code: 'invalid_request', param: 'mode' }),
  post('/v1/sessions', { mode: 'bidirectional_translation', provider: { type: 'twilio' } }, { name: 'top-level provider object (older shape)', status: 422, type: 'validation_error', code: 'invalid_request', param: 'provider' }),
  post('/v1/sessions', { mode: 'bidirectional_translation', source_language: 'english' }, { name: 'bad language code', status: 422, type: 'validation_error', code: 'invalid_request', param: 'source_language' }),
  post('/v1/sessions', { mode: 'bidirectional_translation', routing: { phone_number: '4155551234' } }, { name: 'phone number not E.164', status: 422, type: 'validation_error', code: 'invalid_request', param: 'routing.phone_number' }),
  post('/v1/sessions', { mode: 'bidirectional_translation', recording: { enabled: 'yes' } }, { name: 'recording.enabled not boolean', status: 422, type: 'validation_error', code: 'invalid_request', param: 'recording.enabled' }),
  post('/v1/sessions', { mode: 'bidirectional_translation', id: 'sess_1' }, { name: 'read-only id in the body', status: 422, type: 'validation_error', code: 'invalid_request', param: 'id' }),
  post('/v1/sessions', '{"mode": "bidirectional_translation",', { name: 'truncated JSON', status: 400, type: 'invalid_request_error', code: 'invalid_request' }),
  post('/v1/sessions', '[]', { name: 'a JSON array body', status: 422, type: 'validation_error', code: 'invalid_request' }),
  { name: 'empty body where one is required', method: 'POST', path: '/v1/sessions', headers: JSON_H, status: 422, type: 'validation_error', code: 'invalid_request' },
  { name: 'form-encoded body', method: 'POST', path: '/v1/sessions', headers: { Authorization: KEY, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'mode=ai_agent', status: 400, type: 'invalid_request_error', code: 'invalid_request', param: 'Content-Type' },
  post('/v1/agents', { system_prompt: 'x' }, { name: 'createAgent without name', status: 422, type: 'validation_error', code: 'invalid_request', param: 'name' }),
  post('/v1/agents', { name: 'A', system_prompt: 'x', temperature: 7 }, { name: 'agent temperature out of range', status: 422, type: 'validation_error', code: 'invalid_request', param: 'temperature' }),
  post('/v1/sessions/sess_01ABC/dial', {}, { name: 'dial without destination', status: 422, type: 'validation_error', code: 'invalid_request', param: 'to' }),
  post('/v1/sessions/sess_01ABC/analysis', { include: ['summary', 'horoscope'] }, { name: 'unknown analysis include', status: 422, type: 'validation_error', code: 'invalid_request', param: 'include[1]' }),
  { name: 'limit above 100', method: 'GET', path: '/v1/agents?limit=500', headers: { Authorization: KEY }, status: 422, type: 'validation_error', code: 'invalid_request', param: 'limit' },
  { name: 'limit not a number', method: 'GET', path: '/v1/agents?limit=ten', headers: { Authorization: KEY }, status: 422, type: 'validation_error', code: 'invalid_request', param: 'limit' },
  { name: 'unknown query parameter', method: 'GET', path: '/v1/agents?page=2', headers: { Authorization: KEY }, status: 422, type: 'validation_error', code: 'invalid_request', param: 'page' },
  { name: 'session id without sess_ prefix', method: 'GET', path: '/v1/sessions/12345', headers: { Authorization: KEY }, status: 400, type: 'validation_error', code: 'invalid_request', param: 'session_id' },
  { name: 'recording id with the wrong prefix', method: 'GET', path: '/v1/recordings/sess_123', headers: { Authorization: KEY }, status: 400, type: 'validation_error', code: 'invalid_request', param: 'recording_id' },
  { name: 'unknown route', method: 'GET', path: '/v1/calls', headers: { Authorization: KEY }, status: 404, type: 'not_found_error', code: 'invalid_request' },
  { name: 'no session list route', method: 'GET', path: '/v1/sessions', headers: { Authorization: KEY }, status: 405, type: 'invalid_request_error', code: 'invalid_request' },
  { name: 'Prefer an undocumented status', method: 'GET', path: '/v1/agents', headers: { Authorization: KEY, Prefer: 'code=418' }, status: 400, type: 'invalid_request_error', code: 'invalid_request', param: 'Prefer' },
  { name: 'Prefer an unknown example', method: 'GET', path: '/v1/sessions/sess_1', headers: { Authorization: KEY, Prefer: 'code=404, example=nope' }, status: 400, type: 'invalid_request_error', code: 'invalid_request', param: 'Prefer' },
  post('/v1/sessions', { mode: 'bidirectional_translation' }, { name: 'Idempotency-Key too long', headers: { ...JSON_H, 'Idempotency-Key': 'k'.repeat(300) }, status: 422, type: 'validation_error', code: 'invalid_request', param: 'Idempotency-Key' }),
];

function documentedStatuses(method: string, path: string): number[] {
  const template = Object.keys(openapi.paths).find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path.split('?')[0]!));
  const op = template ? openapi.paths[template][method.toLowerCase()] : undefined;
  return op ? Object.keys(op.responses).map(Number) : [];
}

describe('bad input answered with the Error envelope', () => {
  it('has at least 20 cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await fetch(mock.url + c.path, { method: c.method, headers: c.headers, body: c.body });
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(text).not.toMatch(/stoplight|prism|problem\+json/i);
    const body = JSON.parse(text);
    expect(errorValidator(body), JSON.stringify(errorValidator.errors)).toBe(true);
    expect({ status: res.status, type: body.error.type, code: body.error.code, param: body.error.param }).toEqual({
      status: c.status,
      type: c.type,
      code: c.code,
      param: c.param,
    });
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
    expect(body.error.message.length).toBeGreaterThan(0);
    // When the route exists, the status is one the operation documents.
    const documented = documentedStatuses(c.method, c.path);
    if (documented.length) expect(documented).toContain(res.status);
  });
});
