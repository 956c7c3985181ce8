// The typed @kallglot/client against the REST mock (real Prism behind the front), one test per operation.
import { createKallglotClient, type KallglotClient } from '@kallglot/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestMock, type RestMock } from '../src/index.js';
import { errorValidator, openapi, responseValidator, schemaErrors } from './helpers/spec.js';

let mock: RestMock;
let client: KallglotClient;

beforeAll(async () => {
  mock = await startRestMock({ stateless: true, port: 0, streamBaseUrl: 'ws://127.0.0.1:4999', log: () => undefined });
  client = createKallglotClient({ apiKey: 'sk_test_mock_123', baseUrl: mock.url, maxRetries: 0 });
});
afterAll(async () => {
  await mock?.close();
});

type Call = { status: number; path: string; method: string; run: () => Promise<{ data?: unknown; error?: unknown; response: Response }> };

const S = 'sess_01TESTSESSION1';
const calls: Record<string, Call> = {
  listAgents: { method: 'get', path: '/v1/agents', status: 200, run: () => client.GET('/v1/agents', { params: { query: { limit: 5 } } }) },
  createAgent: {
    method: 'post',
    path: '/v1/agents',
    status: 201,
    run: () => client.POST('/v1/agents', { body: { name: 'Support', system_prompt: 'Be brief.', voice: 'nova', temperature: 0.5 } }),
  },
  retrieveAgent: { method: 'get', path: '/v1/agents/{agent_id}', status: 200, run: () => client.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_01TEST' } } }) },
  updateAgent: {
    method: 'patch',
    path: '/v1/agents/{agent_id}',
    status: 200,
    run: () => client.PATCH('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_01TEST' } }, body: { temperature: 0.2 } }),
  },
  deleteAgent: { method: 'delete', path: '/v1/agents/{agent_id}', status: 200, run: () => client.DELETE('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_01TEST' } } }) },
  createSession: {
    method: 'post',
    path: '/v1/sessions',
    status: 201,
    run: () => client.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' } }),
  },
  retrieveSession: { method: 'get', path: '/v1/sessions/{session_id}', status: 200, run: () => client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: S } } }) },
  endSession: { method: 'post', path: '/v1/sessions/{session_id}/end', status: 200, run: () => client.POST('/v1/sessions/{session_id}/end', { params: { path: { session_id: S } } }) },
  dialSession: {
    method: 'post',
    path: '/v1/sessions/{session_id}/dial',
    status: 200,
    run: () => client.POST('/v1/sessions/{session_id}/dial', { params: { path: { session_id: S } }, body: { to: '+4930123456' } }),
  },
  hangupSession: { method: 'post', path: '/v1/sessions/{session_id}/hangup', status: 200, run: () => client.POST('/v1/sessions/{session_id}/hangup', { params: { path: { session_id: S } } }) },
  retrieveSessionTranscript: {
    method: 'get',
    path: '/v1/sessions/{session_id}/transcript',
    status: 200,
    run: () => client.GET('/v1/sessions/{session_id}/transcript', { params: { path: { session_id: S } } }),
  },
  listSessionRecordings: {
    method: 'get',
    path: '/v1/sessions/{session_id}/recordings',
    status: 200,
    run: () => client.GET('/v1/sessions/{session_id}/recordings', { params: { path: { session_id: S } } }),
  },
  retrieveRecording: { method: 'get', path: '/v1/recordings/{recording_id}', status: 200, run: () => client.GET('/v1/recordings/{recording_id}', { params: { path: { recording_id: 'rec_01TEST' } } }) },
  createSessionAnalysis: {
    method: 'post',
    path: '/v1/sessions/{session_id}/analysis',
    status: 202,
    run: () => client.POST('/v1/sessions/{session_id}/analysis', { params: { path: { session_id: S } }, body: { include: ['summary', 'sentiment'] } }),
  },
  retrieveAnalysis: { method: 'get', path: '/v1/analyses/{analysis_id}', status: 200, run: () => client.GET('/v1/analyses/{analysis_id}', { params: { path: { analysis_id: 'anl_01TEST' } } }) },
};

function expectApiHeaders(res: Response) {
  expect(res.headers.get('x-request-id')).toMatch(/^req_[A-Za-z0-9]+$/);
  for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-api-credits-remaining', 'x-api-credits-used']) {
    expect(res.headers.get(h), h).toMatch(/^\d+$/);
  }
}

describe('every operation through the typed client', () => {
  it('covers every operationId in the spec', () => {
    const ids: string[] = [];
    for (const item of Object.values<any>(openapi.paths)) for (const op of Object.values<any>(item)) if (op?.operationId) ids.push(op.operationId);
    expect(ids.sort()).toEqual([...Object.keys(calls), 'downloadRecordingAudio'].sort());
  });

  for (const [opId, call] of Object.entries(calls)) {
    it(`${opId} → ${call.status}, body valid against the spec`, async () => {
      const { data, error, response } = await call.run();
      expect(error).toBeUndefined();
      expect(response.status).toBe(call.status);
      expectApiHeaders(response);
      expect(schemaErrors(responseValidator(call.method, call.path, call.status), data)).toEqual([]);
    });
  }

  it('downloadRecordingAudio → MP3 bytes with the documented headers', async () => {
    const audio = await client.downloadRecordingAudio('rec_01TEST', { as: 'arrayBuffer' });
    expect(audio.response.status).toBe(200);
    expect(audio.contentType).toMatch(/^audio\/mpeg/);
    expect(audio.data.byteLength).toBeGreaterThan(0);
    expectApiHeaders(audio.response);
  });
});

describe('mock behaviour', () => {
  it('createSession returns a fresh session whose stream points at the local stream mock with a fresh kst_ token', async () => {
    const a = await calls.createSession!.run();
    const b = await calls.createSession!.run();
    const sa = a.data as any;
    const sb = b.data as any;
    expect(sa.id).toMatch(/^sess_[A-Za-z0-9]+$/);
    expect(sa.id).not.toBe(sb.id);
    expect(sa.source_language).toBe('en');
    expect(sa.target_language).toBe('es');
    expect(sa.stream.url).toBe(`ws://127.0.0.1:4999/v1/sessions/${sa.id}/connect`);
    expect(sa.stream.token).toMatch(/^kst_test_[A-Za-z0-9]+$/);
    expect(sa.stream.token).not.toBe(sb.stream.token);
    expect(Date.parse(sa.stream.expires_at) - Date.now()).toBeGreaterThan(200_000);
    expect(mock.registry.tokens.get(sa.stream.token)?.sessionId).toBe(sa.id);
  });

  it('retrieve calls echo the path id', async () => {
    const { data } = await client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: 'sess_ECHO42' } } });
    expect((data as any).id).toBe('sess_ECHO42');
    const rec = await client.GET('/v1/recordings/{recording_id}', { params: { path: { recording_id: 'rec_ECHO42' } } });
    expect((rec.data as any).id).toBe('rec_ECHO42');
  });

  it('HEAD is answered like GET, without a body', async () => {
    const res = await fetch(`${mock.url}/v1/agents`, { method: 'HEAD', headers: { Authorization: 'Bearer sk_test_1' } });
    expect(res.status).toBe(200);
    expectApiHeaders(res);
    expect(await res.text()).toBe('');
  });

  it('X-API-Key is accepted instead of Authorization', async () => {
    const res = await fetch(`${mock.url}/v1/agents`, { headers: { 'X-API-Key': 'sk_test_abc' } });
    expect(res.status).toBe(200);
    expectApiHeaders(res);
  });

  it('credits go down by one per session create', async () => {
    const before = Number((await calls.retrieveSession!.run()).response.headers.get('x-api-credits-remaining'));
    const created = await calls.createSession!.run();
    expect(Number(created.response.headers.get('x-api-credits-remaining'))).toBe(before - 1);
  });

  it('Prefer: code=… selects a documented error response, in the envelope with our request id', async () => {
    const res = await fetch(`${mock.url}/v1/sessions/${S}`, { headers: { Authorization: 'Bearer sk_test_1', Prefer: 'code=404' } });
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(errorValidator(body)).toBe(true);
    expect(body.error.code).toBe('session_not_found');
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('Prefer: code=…, example=… selects a named example', async () => {
    const res = await fetch(`${mock.url}/v1/sessions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_1', 'Content-Type': 'application/json', Prefer: 'code=422, example=provider_object' },
      body: JSON.stringify({ mode: 'bidirectional_translation' }),
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(errorValidator(body)).toBe(true);
    expect(body.error.param).toBe('provider');
  });

  it('Prefer: code=429 carries Retry-After', async () => {
    const res = await fetch(`${mock.url}/v1/agents`, { headers: { Authorization: 'Bearer sk_test_1', Prefer: 'code=429' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(errorValidator(await res.json())).toBe(true);
  });

  it('Idempotency-Key replays the first response and rejects a different body', async () => {
    const headers = { Authorization: 'Bearer sk_test_idem', 'Content-Type': 'application/json', 'Idempotency-Key': 'idem-key-1' };
    const body = JSON.stringify({ mode: 'bidirectional_translation' });
    const first = await fetch(`${mock.url}/v1/sessions`, { method: 'POST', headers, body });
    const again = await fetch(`${mock.url}/v1/sessions`, { method: 'POST', headers, body: JSON.stringify(JSON.parse(body), null, 2) });
    const a = await first.json();
    const b = await again.json();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(b.id).toBe(a.id);
    expect(b.stream.token).toBe(a.stream.token);
    const other = await fetch(`${mock.url}/v1/sessions`, { method: 'POST', headers, body: JSON.stringify({ mode: 'assistive_translation' }) });
    expect(other.status).toBe(400);
    const err = await other.json();
    expect(err.error.code).toBe('idempotency_mismatch');
    expect(errorValidator(err)).toBe(true);
  });

  it('endSession marks the session ended: its stream token is then refused, retrieve shows ended', async () => {
    const created = (await calls.createSession!.run()).data as any;
    await client.POST('/v1/sessions/{session_id}/end', { params: { path: { session_id: created.id } } });
    expect(mock.registry.sessions.get(created.id)?.status).toBe('ended');
    const again = (await client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: created.id } } })).data as any;
    expect(again.status).toBe('ended');
    expect(again.stream).toBeUndefined();
  });

  it('survives Prism dying: 503 envelopes meanwhile, then a restarted Prism answers again', async () => {
    const pid = mock.prismPid!;
    process.kill(pid, 'SIGKILL');
    let sawUnavailable = false;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`${mock.url}/v1/agents/agt_01AFTERKILL`, { headers: { Authorization: 'Bearer sk_test_1' } });
      const body = await res.json();
      if (res.status === 200) break;
      expect(res.status).toBe(503);
      expect(errorValidator(body)).toBe(true);
      sawUnavailable = true;
      if (Date.now() > deadline) throw new Error('Prism was not restarted');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(mock.prismRestarts).toBe(1);
    expect(mock.prismPid).not.toBe(pid);
    expect(sawUnavailable).toBe(true);
  });
});
