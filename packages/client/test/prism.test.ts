// Every operation once, through the typed client, against the real Prism mock of the bundled spec.
// Prism validates our requests; Ajv 2020 validates every response body against the spec (Prism has
// allOf/oneOf/discriminator bugs, so its own response validation is not trusted).
import { compileOpenApi } from '@kallglot/spec/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKallglotClient, type KallglotClient } from '../src/index.js';
import { startPrism, type PrismProcess } from './helpers/prism.js';

type Doc = { paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>> };
const validators = compileOpenApi();
const doc = validators.doc as Doc;

function validate(path: string, method: string, result: { data?: unknown; error?: unknown; response: Response }) {
  const status = result.response.status;
  const mediaType = (result.response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const operationId = doc.paths[path]![method]!.operationId!;
  const validateFn = validators.response(operationId, status, mediaType);
  const body = result.data ?? result.error;
  const ok = validateFn(body);
  if (!ok) throw new Error(`${method.toUpperCase()} ${path} ${status}: ${validators.ajv.errorsText(validateFn.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
  return status;
}

let prism: PrismProcess;
let client: KallglotClient;
const called = new Set<string>();
const ids = { session: 'sess_01HXYZ123456789', agent: 'agt_01HXYZ123456789', recording: 'rec_01HXYZ123456789', analysis: 'anl_01HXYZ123456789' };

beforeAll(async () => {
  prism = await startPrism();
  client = createKallglotClient({ apiKey: 'sk_test_prism_0123456789', baseUrl: prism.url, maxRetries: 0, timeoutMs: 30_000 });
}, 90_000);
afterAll(async () => {
  await prism?.close();
});

function record(path: string, method: string, result: { data?: unknown; error?: unknown; response: Response }, expected: number) {
  expect(result.response.status, `${method.toUpperCase()} ${path}: ${JSON.stringify(result.error ?? '').slice(0, 400)}`).toBe(expected);
  expect(validate(path, method, result)).toBe(expected);
  called.add(doc.paths[path]![method]!.operationId!);
}

describe('every operation against Prism, responses validated with Ajv 2020', () => {
  it('agents', async () => {
    record('/v1/agents', 'get', await client.GET('/v1/agents', { params: { query: { limit: 2 } } }), 200);
    record(
      '/v1/agents',
      'post',
      await client.POST('/v1/agents', {
        body: {
          name: 'Support',
          system_prompt: 'You are a friendly support agent. Keep answers short.',
          voice: 'nova',
          temperature: 0.7,
          tools: [{ name: 'lookup_order', description: 'Look up an order.', parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] } }],
        },
      }),
      201,
    );
    record('/v1/agents/{agent_id}', 'get', await client.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: ids.agent } } }), 200);
    record(
      '/v1/agents/{agent_id}',
      'patch',
      await client.PATCH('/v1/agents/{agent_id}', { params: { path: { agent_id: ids.agent } }, body: { voice: 'echo', temperature: 0.4 } }),
      200,
    );
    record('/v1/agents/{agent_id}', 'delete', await client.DELETE('/v1/agents/{agent_id}', { params: { path: { agent_id: ids.agent } } }), 200);
  });

  it('sessions', async () => {
    const path = { params: { path: { session_id: ids.session } } };
    record(
      '/v1/sessions',
      'post',
      await client.POST('/v1/sessions', {
        body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', routing: { phone_number: '+14155551234' }, recording: { enabled: true }, metadata: { ticket: '4711' } },
      }),
      201,
    );
    record('/v1/sessions/{session_id}', 'get', await client.GET('/v1/sessions/{session_id}', path), 200);
    record('/v1/sessions/{session_id}/dial', 'post', await client.POST('/v1/sessions/{session_id}/dial', { ...path, body: { to: '+4930123456', from: '+14155551234', timeout_seconds: 30 } }), 200);
    record('/v1/sessions/{session_id}/hangup', 'post', await client.POST('/v1/sessions/{session_id}/hangup', path), 200);
    record('/v1/sessions/{session_id}/end', 'post', await client.POST('/v1/sessions/{session_id}/end', path), 200);
    record('/v1/sessions/{session_id}/transcript', 'get', await client.GET('/v1/sessions/{session_id}/transcript', path), 200);
    record('/v1/sessions/{session_id}/recordings', 'get', await client.GET('/v1/sessions/{session_id}/recordings', path), 200);
    record(
      '/v1/sessions/{session_id}/analysis',
      'post',
      await client.POST('/v1/sessions/{session_id}/analysis', { ...path, body: { profile: 'default', include: ['summary', 'sentiment', 'compliance'] } }),
      202,
    );
  });

  it('recordings and analyses', async () => {
    record('/v1/recordings/{recording_id}', 'get', await client.GET('/v1/recordings/{recording_id}', { params: { path: { recording_id: ids.recording } } }), 200);
    record('/v1/analyses/{analysis_id}', 'get', await client.GET('/v1/analyses/{analysis_id}', { params: { path: { analysis_id: ids.analysis } } }), 200);

    const audio = await client.downloadRecordingAudio(ids.recording, { as: 'arrayBuffer' });
    expect(audio.response.status).toBe(200);
    expect(audio.contentType).toMatch(/^audio\/mpeg/);
    expect(audio.data).toBeInstanceOf(ArrayBuffer);
    called.add('downloadRecordingAudio');
  });

  it('paginate walks the mock list', async () => {
    const items = [];
    for await (const a of client.paginate('/v1/agents')) {
      items.push(a);
      if (items.length > 50) break;
    }
    expect(items.length).toBeGreaterThan(0);
    expect(items[0]!.id).toMatch(/^agt_/);
  });

  it('error responses are the documented envelope (Prefer: code=404)', async () => {
    const r = await client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: ids.session } }, headers: { Prefer: 'code=404' } });
    expect(r.response.status).toBe(404);
    validate('/v1/sessions/{session_id}', 'get', r);
    expect(r.error?.error.code).toEqual(expect.any(String));
  });

  it('the Ajv check is not vacuous: a broken body is rejected', async () => {
    const r = await client.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: ids.agent } } });
    const broken = { ...r.data, id: 42, created_at: 'yesterday' };
    expect(() => validate('/v1/agents/{agent_id}', 'get', { data: broken, response: r.response })).toThrow(/id|created_at/);
    const { id: _drop, ...missing } = r.data!;
    expect(() => validate('/v1/agents/{agent_id}', 'get', { data: missing, response: r.response })).toThrow(/required/);
  });

  it('called all 16 operations', () => {
    const all = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId).filter(Boolean));
    expect(all).toHaveLength(16);
    expect([...called].sort()).toEqual([...all].sort());
  });
});
