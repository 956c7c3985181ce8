import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKallglotClient, KallglotApiError, KallglotError, unwrap } from '../src/index.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';

const apiKey = 'sk_test_pagination';
let server: FaultServer;
const client = () => createKallglotClient({ apiKey, baseUrl: server.url, retry: { initialRetryDelayMs: 1, maxRetryDelayMs: 2, maxRetryAfterMs: 2 } });
const agent = (n: number) => ({ id: `agt_${n}`, object: 'agent', name: `Agent ${n}` });

beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('paginate', () => {
  it('follows next_cursor as starting_after until has_more is false', async () => {
    server.script(
      { status: 200, body: { object: 'list', data: [agent(1), agent(2)], has_more: true, next_cursor: 'agt_2' } },
      { status: 200, body: { object: 'list', data: [agent(3), agent(4)], has_more: true, next_cursor: 'agt_4' } },
      { status: 200, body: { object: 'list', data: [agent(5)], has_more: false, next_cursor: null } },
    );
    const ids: string[] = [];
    for await (const a of client().paginate('/v1/agents', { params: { query: { limit: 2 } } })) ids.push(a.id);
    expect(ids).toEqual(['agt_1', 'agt_2', 'agt_3', 'agt_4', 'agt_5']);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/agents?limit=2',
      '/v1/agents?limit=2&starting_after=agt_2',
      '/v1/agents?limit=2&starting_after=agt_4',
    ]);
  });

  it('uses the last item id when a page has no next_cursor', async () => {
    server.script(
      { status: 200, body: { object: 'list', data: [{ id: 'rec_1' }, { id: 'rec_2' }], has_more: true } },
      { status: 200, body: { object: 'list', data: [{ id: 'rec_3' }] } },
    );
    const ids: string[] = [];
    for await (const r of client().paginate('/v1/sessions/{session_id}/recordings', { params: { path: { session_id: 'sess_1' } } })) ids.push(r.id);
    expect(ids).toEqual(['rec_1', 'rec_2', 'rec_3']);
    expect(server.requests.map((r) => r.url)).toEqual(['/v1/sessions/sess_1/recordings', '/v1/sessions/sess_1/recordings?starting_after=rec_2']);
  });

  it('stops early when the consumer breaks (no extra page is fetched)', async () => {
    server.fallback = { status: 200, body: { object: 'list', data: [agent(1), agent(2)], has_more: true, next_cursor: 'agt_2' } };
    for await (const a of client().paginate('/v1/agents')) {
      expect(a.id).toBe('agt_1');
      break;
    }
    expect(server.requests).toHaveLength(1);
  });

  it('throws KallglotApiError on an error page, and refuses a cursor that does not advance', async () => {
    server.script({ status: 200, body: { object: 'list', data: [agent(1)], has_more: true, next_cursor: 'agt_1' } }, { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_not_found', message: 'gone' } } });
    const it1 = client().paginate('/v1/agents');
    await expect((async () => { for await (const _ of it1) { /* drain */ } })()).rejects.toBeInstanceOf(KallglotApiError);

    server.reset();
    server.fallback = { status: 200, body: { object: 'list', data: [agent(1)], has_more: true, next_cursor: 'agt_1' } };
    const it2 = client().paginate('/v1/agents');
    const err = await (async () => { for await (const _ of it2) { /* drain */ } })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotError);
    expect(String(err)).toMatch(/did not advance/);
    expect(server.requests).toHaveLength(2);
  });
});

describe('downloadRecordingAudio', () => {
  const mp3 = new Uint8Array([0x49, 0x44, 0x33, 0x04, 0x00, 0x7b, 0x22, 0x7d, 0xff, 0xfb]); // "ID3" + bytes that are not JSON
  const headers = { 'content-type': 'audio/mpeg', 'content-disposition': 'attachment; filename="recording-sess_1.mp3"' };

  it('returns a ReadableStream with content type, filename and length; never JSON-parses', async () => {
    server.script({ status: 200, headers, body: mp3 });
    const audio = await client().downloadRecordingAudio('rec_1');
    expect(audio.contentType).toBe('audio/mpeg');
    expect(audio.filename).toBe('recording-sess_1.mp3');
    expect(audio.contentLength).toBe(mp3.length);
    expect(audio.data).toBeInstanceOf(ReadableStream);
    const bytes = new Uint8Array(await new Response(audio.data).arrayBuffer());
    expect(bytes).toEqual(mp3);
    expect(server.requests[0]!.url).toBe('/v1/recordings/rec_1/audio');
    expect(server.requests[0]!.headers.accept).toContain('audio/mpeg');
  });

  it("returns an ArrayBuffer with as: 'arrayBuffer' and retries a 503 first", async () => {
    server.script({ status: 503 }, { status: 200, headers, body: mp3 });
    const audio = await client().downloadRecordingAudio('rec_1', { as: 'arrayBuffer' });
    expect(audio.data).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(audio.data)).toEqual(mp3);
    expect(audio.meta.attempts).toBe(2);
  });

  it('throws KallglotApiError on 404, and rejects an empty id', async () => {
    server.script({ status: 404, body: { error: { type: 'invalid_request_error', code: 'recording_not_found', message: 'No such recording' } } });
    const err = await client().downloadRecordingAudio('rec_missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotApiError);
    expect((err as KallglotApiError).code).toBe('recording_not_found');
    await expect(client().downloadRecordingAudio('')).rejects.toThrow(/recordingId/);
  });
});

describe('unwrap', () => {
  it('returns data on success and throws KallglotApiError otherwise', async () => {
    server.script({ status: 200, body: { object: 'list', data: [] } }, { status: 401, body: { error: { type: 'authentication_error', code: 'invalid_api_key', message: 'bad key' } } });
    await expect(unwrap(client().GET('/v1/agents'))).resolves.toEqual({ object: 'list', data: [] });
    const err = await unwrap(client().GET('/v1/agents')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KallglotApiError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'authentication_error' });
  });
});
