// Issue 24 items 1, 4 (sandbox side), 9 and issue 21/22's key rules, in the one pipeline: every case runs through
// the node adapter (a real socket) AND the MSW handlers (in-process), which must answer alike.
// - a body nested deeper than 64 is refused with 400 before it is parsed, and nothing of it is stored;
// - invalid UTF-8 is refused with 400 naming the first bad byte's offset (never stored as U+FFFD);
// - live keys, keys with whitespace around them and a doubled `Bearer ` get 401s that say exactly that;
// - a request that fails after the engine wrote leaves nothing behind (state, events): the engine's journal.
import { getResponse, type RequestHandler } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../src/engine-entry.js';
import { startRestMock, type RestMock } from '../src/index.js';
import { createKallglotHandlers, type KallglotHandlers } from '../src/msw/index.js';
import { depthExceededAt, invalidUtf8Offset } from '@kallglot/spec/json-limits';

const KEY = 'sk_test_bounds_0001';
const MSW_BASE = 'https://api.kallglot.com';
const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
type Send = (method: string, path: string, headers: Record<string, string>, body?: string | Uint8Array) => Promise<{ status: number; json: any }>;

let node: RestMock;
let msw: KallglotHandlers;
const adapters: [string, Send][] = [
  ['node', async (method, path, headers, body) => {
    const r = await fetch(`${node.url}${path}`, { method, headers, body: body as BodyInit | undefined });
    return { status: r.status, json: await r.json() };
  }],
  ['msw', async (method, path, headers, body) => {
    const r = await getResponse(msw as unknown as RequestHandler[], new Request(`${MSW_BASE}${path}`, { method, headers, body: body as BodyInit | undefined }));
    return { status: r!.status, json: await r!.json() };
  }],
];

beforeAll(async () => {
  node = await startRestMock({ port: 0, engine: new Engine({ clock: { scale: 0 } }), log: () => undefined });
  msw = createKallglotHandlers({ clock: { scale: 0 }, log: () => undefined });
});
afterAll(async () => {
  msw?.dispose();
  await node?.close();
});

const json = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };

describe.each(adapters)('request bounds via %s', (_name, send) => {
  it('refuses a tool schema nested 20,000 levels with 400 naming the limit, stores nothing, and the list still works', async () => {
    const body = `{"name":"deep","system_prompt":"x","tools":[{"name":"f","description":"d","parameters":{"type":"object","properties":{"q":${deep(20_000)}}}}]}`;
    const r = await send('POST', '/v1/agents', json, body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    expect(r.json.error.message).toMatch(/depth of 64/);
    const list = await send('GET', '/v1/agents', { Authorization: `Bearer ${KEY}` });
    expect(list.status).toBe(200);
    expect(list.json.data).toEqual([]);
  });

  it('takes depth 64 and refuses depth 65', async () => {
    const at = (n: number) => `{"name":"d","system_prompt":"x","tools":[{"name":"f","description":"d","parameters":{"type":"object","x":${deep(n - 4)}}}]}`;
    expect((await send('POST', '/v1/agents', json, at(64))).status).toBe(201);
    expect((await send('POST', '/v1/agents', json, at(65))).status).toBe(400);
  });

  it('refuses invalid UTF-8 with 400 naming the offset of the first bad byte', async () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('{"name":"caf'), 0xe9, 0x20, 0xff, 0xfe, ...new TextEncoder().encode('","system_prompt":"x"}')]);
    const r = await send('POST', '/v1/agents', json, bytes);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('invalid_request');
    expect(r.json.error.message).toContain('offset 12');
  });

  it('refuses a live key: the sandbox takes sk_test_ keys and a live key does not belong in local tools', async () => {
    for (const headers of [{ Authorization: 'Bearer sk_live_51Habcdef' }, { 'X-API-Key': 'sk_live_51Habcdef' }] as Record<string, string>[]) {
      const r = await send('GET', '/v1/agents', headers);
      expect(r.status).toBe(401);
      expect(r.json.error.type).toBe('authentication_error');
      expect(r.json.error.message).toMatch(/sk_test_/);
      expect(r.json.error.message).toMatch(/does not belong in local tools/);
      expect(JSON.stringify(r.json)).not.toContain('51Habcdef');
    }
  });

  it('says when the key has whitespace around it, or Bearer comes twice', async () => {
    const ws = await send('GET', '/v1/agents', { Authorization: `Bearer \t${KEY}` });
    expect(ws.status).toBe(401);
    expect(ws.json.error.message).toMatch(/whitespace around it/);
    const twice = await send('GET', '/v1/agents', { Authorization: `Bearer Bearer ${KEY}` });
    expect(twice.status).toBe(401);
    expect(twice.json.error.message).toMatch(/'Bearer' twice/);
  });
});

describe('the scanners never recurse', () => {
  it('find depth and bad bytes in a megabyte of nesting', () => {
    const b = new TextEncoder().encode('['.repeat(1_000_000));
    expect(depthExceededAt(b, 64)).toBe(64);
    expect(depthExceededAt(new TextEncoder().encode('{"a":"[[[[[[[[\\"[[[[[[["}'), 3)).toBe(-1);
    expect(invalidUtf8Offset(Uint8Array.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a surrogate half
    expect(invalidUtf8Offset(new TextEncoder().encode('héllo ✓ 😀'))).toBe(-1);
  });
});

describe('a failed request leaves nothing behind', () => {
  // The engine gets parsed bodies; these fail only when the answer is serialized, after the writes were made.
  const tooDeep = () => {
    let o: Record<string, unknown> = { type: 'object' };
    for (let i = 0; i < 20_000; i++) o = { a: o };
    return o;
  };

  it('undoes inserts, in-place updates and credits, and withholds the events, when the answer cannot be built', () => {
    const engine = new Engine({ clock: { scale: 0 } });
    const events: string[] = [];
    engine.onEvent((e) => void events.push(e.type));
    const tools = [{ name: 'f', description: 'd', parameters: tooDeep() }];
    expect(() => engine.handle({ operationId: 'createAgent', tenant: KEY, params: {}, body: { name: 'x', system_prompt: 'y', tools } })).toThrow(RangeError);
    expect((engine.handle({ operationId: 'listAgents', tenant: KEY, params: {}, query: {} }).body as { data: unknown[] }).data).toEqual([]);

    const credits = engine.tenant(KEY).creditsRemaining;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => engine.handle({ operationId: 'createSession', tenant: KEY, params: {}, body: { mode: 'assistive_translation', metadata: cyclic } })).toThrow(TypeError);
    expect(engine.tenant(KEY).creditsRemaining).toBe(credits);
    expect(engine.snapshot().sizes).toMatchObject({ sessions: 0, agents: 0, events: 0, tokens: 0 }); // the stream token too
    expect(events).toEqual([]);

    const ok = engine.handle({ operationId: 'createAgent', tenant: KEY, params: {}, body: { name: 'Kept', system_prompt: 'y' } });
    const before = ok.text!;
    const agent_id = (ok.body as { id: string }).id;
    expect(() => engine.handle({ operationId: 'updateAgent', tenant: KEY, params: { agent_id }, body: { name: 'Changed', tools } })).toThrow(RangeError);
    expect(engine.handle({ operationId: 'retrieveAgent', tenant: KEY, params: { agent_id } }).text).toBe(before);
  });

  it('keeps what a successful request wrote, and sends its events', () => {
    const engine = new Engine({ clock: { scale: 0 } });
    const events: string[] = [];
    engine.onEvent((e) => void events.push(e.type));
    const s = engine.handle({ operationId: 'createSession', tenant: KEY, params: {}, body: { mode: 'assistive_translation' } });
    engine.handle({ operationId: 'endSession', tenant: KEY, params: { session_id: (s.body as { id: string }).id } });
    expect(events).toEqual(['session.created', 'session.ended', 'transcript.ready']);
    expect(engine.snapshot().sizes).toMatchObject({ sessions: 1 });
  });
});
