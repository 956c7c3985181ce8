// The resource facade against the real sandbox: every documented operation as a method, typed errors,
// per-request options, `.withResponse()`, `withOptions()` and auto-paging.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APIPromise, Kallglot, KallglotApiError, KallglotConfigError, KallglotError } from '../src/index.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';
import { startSandbox, type TestSandbox } from './helpers/sandbox.js';

let sandbox: TestSandbox;
let kallglot: Kallglot;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox?.close());
beforeEach(async () => {
  await sandbox.control.reset();
  kallglot = new Kallglot({ apiKey: 'sk_test_facade_1', baseUrl: sandbox.rest, maxRetries: 0 });
});

describe('resources from the spec', () => {
  it('agents: create, retrieve, update, list, delete', async () => {
    const agent = await kallglot.agents.create({ name: 'Support', system_prompt: 'Be brief.' });
    expect(agent).toMatchObject({ object: 'agent', name: 'Support' });
    expect((await kallglot.agents.retrieve(agent.id)).id).toBe(agent.id);
    expect((await kallglot.agents.update(agent.id, { name: 'Tier 2' })).name).toBe('Tier 2');
    const page = await kallglot.agents.list({ limit: 5 });
    expect(page.data.map((a) => a.id)).toEqual([agent.id]);
    expect(page.has_more).toBe(false);
    expect(page.hasNextPage()).toBe(false);
    await expect(page.nextPage()).rejects.toThrow(KallglotError);
    await kallglot.agents.delete(agent.id);
    const gone = await kallglot.agents.retrieve(agent.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(KallglotApiError);
    expect(gone).toMatchObject({ status: 404, code: 'agent_not_found', type: 'not_found_error' });
    expect((gone as KallglotApiError).requestId).toMatch(/^req_/);
  });

  it('auto-paging: for await runs over more than two pages; page.nextPage() follows the cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await kallglot.agents.create({ name: `A${i}`, system_prompt: 'p' })).id);
    const seen: string[] = [];
    for await (const a of kallglot.agents.list({ limit: 2 })) seen.push(a.id);
    expect(seen.sort()).toEqual([...ids].sort());
    const first = await kallglot.agents.list({ limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);
    const second = await first.nextPage();
    expect(second.data).toHaveLength(2);
    expect(second.data.map((a) => a.id)).not.toContain(first.data[0]!.id);
    // A page is iterable too: every item from this page on.
    const rest: string[] = [];
    for await (const a of second) rest.push(a.id);
    expect(rest).toHaveLength(5);
  });

  it('sessions: create with idempotencyKey and timeout, retrieve, withResponse, transcript, recordings, end', async () => {
    const idempotencyKey = `order-${Date.now()}`;
    const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' }, { idempotencyKey, timeout: 5_000 });
    const replay = await kallglot.sessions.create({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' }, { idempotencyKey }).withResponse();
    expect(replay.data.id).toBe(session.id);
    expect(replay.response.headers.get('idempotent-replayed')).toBe('true');
    const promise = kallglot.sessions.retrieve(session.id);
    expect(promise).toBeInstanceOf(APIPromise);
    const { data, response, requestId } = await promise.withResponse();
    expect(data.id).toBe(session.id);
    expect(response.status).toBe(200);
    expect(requestId).toBe(response.headers.get('x-request-id'));
    expect((await kallglot.sessions.transcript.retrieve(session.id)).object).toBe('transcript');
    const recordings = await kallglot.sessions.recordings.list(session.id);
    expect(recordings.data).toEqual([]);
    expect((await kallglot.sessions.end(session.id)).status).toBe('ended');
    expect((await kallglot.sessions.retrieve(session.id)).status).toBe('ended');
  });

  it('dial and hangup on a phone session', async () => {
    const session = await kallglot.sessions.create({ mode: 'bidirectional_translation', routing: { phone_number: '+14155550100' } });
    const dialed = await kallglot.sessions.dial(session.id, { to: '+14155550101' });
    expect(dialed.id).toMatch(/^call_/);
    await sandbox.control.advance(3000);
    expect((await kallglot.sessions.retrieve(session.id)).call?.status).toBe('connected');
    const hung = await kallglot.sessions.hangup(session.id);
    expect(hung.id).toBe(dialed.id);
  });

  it('per-request headers and signal; an aborted call rejects with the reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(kallglot.agents.list({}, { signal: controller.signal })).rejects.toThrow('stop');
    const page = await kallglot.agents.list(undefined, { headers: { 'X-Trace': 't1' } }).withResponse();
    expect(page.response.ok).toBe(true);
  });

  it('bad path parameters reject before any request', async () => {
    await expect(kallglot.sessions.retrieve('')).rejects.toThrow(/sessionId must be a non-empty string/);
    await expect(kallglot.sessions.retrieve(undefined as unknown as string)).rejects.toThrow(TypeError);
  });

  it('withOptions clones with new defaults and keeps the original', async () => {
    const fast = kallglot.withOptions({ timeout: 2_000, maxRetries: 0 });
    expect(fast).toBeInstanceOf(Kallglot);
    expect(fast).not.toBe(kallglot);
    expect(fast.baseUrl).toBe(kallglot.baseUrl);
    const other = kallglot.withOptions({ apiKey: 'sk_test_facade_2' });
    await kallglot.agents.create({ name: 'Mine', system_prompt: 'p' });
    expect((await other.agents.list()).data).toEqual([]);
    expect((await fast.agents.list()).data).toHaveLength(1);
  });

  it('reads KALLGLOT_API_KEY and KALLGLOT_BASE_URL when no option is given', async () => {
    const saved = { key: process.env.KALLGLOT_API_KEY, url: process.env.KALLGLOT_BASE_URL };
    process.env.KALLGLOT_API_KEY = 'sk_test_facade_env';
    process.env.KALLGLOT_BASE_URL = sandbox.rest;
    try {
      const fromEnv = new Kallglot();
      expect(fromEnv.baseUrl).toBe(sandbox.rest);
      expect((await fromEnv.agents.list()).object).toBe('list');
    } finally {
      for (const [k, v] of [['KALLGLOT_API_KEY', saved.key], ['KALLGLOT_BASE_URL', saved.url]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(() => new Kallglot({ apiKey: '' , baseUrl: sandbox.rest })).toThrow(KallglotConfigError);
  });
});

describe('auto-paging edge cases (scripted server)', () => {
  let server: FaultServer;
  beforeAll(async () => {
    server = await startFaultServer();
  });
  afterAll(() => server.close());
  const item = (n: number) => ({ id: `agt_${n}`, object: 'agent', name: `A${n}` });

  it('an empty page with has_more and next_cursor keeps iterating', async () => {
    server.reset();
    server.script(
      { status: 200, body: { object: 'list', data: [item(1), item(2)], has_more: true, next_cursor: 'c1' } },
      { status: 200, body: { object: 'list', data: [], has_more: true, next_cursor: 'c2' } },
      { status: 200, body: { object: 'list', data: [], has_more: true, next_cursor: 'c3' } },
      { status: 200, body: { object: 'list', data: [item(3)], has_more: false, next_cursor: null } },
    );
    const k = new Kallglot({ apiKey: 'sk_test_pages', baseUrl: server.url, maxRetries: 0 });
    const ids: string[] = [];
    for await (const a of k.agents.list({ limit: 2 })) ids.push(a.id);
    expect(ids).toEqual(['agt_1', 'agt_2', 'agt_3']);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/agents?limit=2',
      '/v1/agents?limit=2&starting_after=c1',
      '/v1/agents?limit=2&starting_after=c2',
      '/v1/agents?limit=2&starting_after=c3',
    ]);
  });

  it('a cursor that does not advance throws instead of looping', async () => {
    server.reset();
    server.fallback = { status: 200, body: { object: 'list', data: [], has_more: true, next_cursor: 'same' } };
    const k = new Kallglot({ apiKey: 'sk_test_pages', baseUrl: server.url, maxRetries: 0 });
    const run = async () => {
      for await (const _ of k.agents.list()) void _;
    };
    await expect(run()).rejects.toThrow(/cursor did not advance/);
  });

  it('recordings.audio gives the bytes and file name (download operations)', async () => {
    server.reset();
    const bytes = new Uint8Array([0xff, 0xfb, 1, 2, 3]);
    server.script({ status: 200, headers: { 'content-type': 'audio/mpeg', 'content-disposition': 'attachment; filename="recording-sess_1.mp3"' }, body: bytes });
    const k = new Kallglot({ apiKey: 'sk_test_pages', baseUrl: server.url, maxRetries: 0 });
    const audio = await k.recordings.audio('rec_1', { as: 'arrayBuffer' });
    expect(new Uint8Array(audio.data)).toEqual(bytes);
    expect(audio).toMatchObject({ filename: 'recording-sess_1.mp3', contentLength: 5 });
    expect(server.requests[0]!.headers.accept).toBe('audio/mpeg, application/json');
  });

  it('pollers follow Retry-After, kept within the 100 ms – 30 s bounds', async () => {
    server.reset();
    const rec = (status: string) => ({ id: 'rec_1', object: 'recording', status });
    server.script(
      { status: 200, headers: { 'retry-after': '3' }, body: rec('processing') },
      { status: 200, headers: { 'retry-after': '999' }, body: rec('processing') },
      { status: 200, body: rec('processing') },
      { status: 200, body: rec('ready') },
    );
    const k = new Kallglot({ apiKey: 'sk_test_pages', baseUrl: server.url, maxRetries: 0 });
    const waits: number[] = [];
    const ready = await k.recordings.waitUntilReady('rec_1', { pollIntervalMs: 250, wait: async (ms) => void waits.push(ms) });
    expect(ready.status).toBe('ready');
    expect(waits).toEqual([3000, 30_000, 250]);
  });
});
