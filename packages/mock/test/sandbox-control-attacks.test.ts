// Issue 24 repros against the control plane and stream admission: a made-up token, a foreign page, a bad seed,
// two keys that share an ending, and an unbounded webhook log. Each test failed before its fix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockControl, startMock, type MockOptions, type RunningMock } from '../src/index.js';
import { Engine, SessionRegistry } from '../src/engine-entry.js';
import { checkToken } from '../src/stream/admission.js';
import { runCli, waitFor } from './hardening-helpers.js';
import { makeApi } from './helpers/sandbox.js';
import { connect } from './helpers/ws.js';

const A = 'sk_test_attack_alice';
const quiet = { restPort: 0, streamPort: 0, docsDir: false as const, timeScale: 0, log: () => undefined };

/** The mock for one describe block: started before its tests, closed after them, with an API caller on it. */
function useMock(options: MockOptions = {}) {
  const m = {} as { mock: RunningMock; api: ReturnType<typeof makeApi> };
  m.api = makeApi(() => m.mock.urls.rest);
  beforeAll(async () => {
    m.mock = await startMock({ ...quiet, ...options });
  });
  afterAll(async () => {
    await m.mock?.close();
  });
  return m;
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as any };
}

describe('stream tokens: a made-up token opens nothing', () => {
  const m = useMock();

  it('by default an unknown token is refused with 4001 and a reason that names the fix; the session is untouched', async () => {
    const s = await m.api('POST', '/v1/sessions', { mode: 'assistive_translation' }, { key: A });
    const c = connect(`${s.body.stream.url}?token=kst_anything`);
    const closed = await c.closed;
    expect(closed.code).toBe(4001);
    expect(closed.reason).toMatch(/token_invalid/);
    expect(closed.reason).toMatch(/create or retrieve the session/i);
    expect(c.frames).toEqual([]);
    expect((await m.api('GET', `/v1/sessions/${s.body.id}`, undefined, { key: A })).body.status).toBe('created');
  });

  it('a minted token still opens its own session', async () => {
    const s = await m.api('POST', '/v1/sessions', { mode: 'assistive_translation' }, { key: A });
    const c = connect(`${s.body.stream.url}?token=${s.body.stream.token}`);
    expect((await c.next()).type).toBe('session.ready');
    c.ws.close();
  });
});

describe('stream tokens: the policy, with no port', () => {
  it('a token opens only the session it was minted for, under the key that minted it, until it expires', () => {
    const registry = new SessionRegistry(new Engine({ clock: { scale: 0 } }));
    const { session, token } = registry.engine.insertSession('sk_test_policy_a', { mode: 'assistive_translation' });
    const other = registry.engine.insertSession('sk_test_policy_a', { mode: 'assistive_translation' });
    expect(checkToken(registry, session.id, token, false)).toBeUndefined();
    expect(checkToken(registry, session.id, other.token, false)?.refusal).toBe('token_invalid');
    // Minted by key B for an id that key A's session has: refused, in either mode.
    const foreign = registry.engine.tokens.issue('sk_test_policy_b', session.id, registry.engine.clock.now(), 60_000);
    expect(checkToken(registry, session.id, foreign.token, false)?.refusal).toBe('token_invalid');
    expect(checkToken(registry, session.id, foreign.token, true)?.refusal).toBe('token_invalid');
    expect(checkToken(registry, session.id, 'kst_made_up', true)?.refusal).toBe('token_invalid');
    expect(checkToken(registry, 'sess_nobodys1', 'kst_made_up', true)).toBeUndefined();
    expect(checkToken(registry, 'sess_nobodys1', 'kst_made_up', false)?.reason).toMatch(/Create or retrieve the session with your API key/);
    registry.engine.clock.advance(registry.engine.tokens.ttlMs);
    expect(checkToken(registry, session.id, token, false)?.refusal).toBe('token_expired');
  });
});

describe('stream tokens: the opt-in mode for hand-made tokens', () => {
  const m = useMock({ acceptUnknownTokens: true });

  it('never touches a session created by a key: connect + session.end leaves it as it was', async () => {
    const s = await m.api('POST', '/v1/sessions', { mode: 'assistive_translation' }, { key: A });
    const c = connect(`${s.body.stream.url}?token=kst_anything`);
    const closed = await c.closed;
    expect(closed.code).toBe(4001);
    expect(closed.reason).toMatch(/token_invalid/);
    expect((await m.api('GET', `/v1/sessions/${s.body.id}`, undefined, { key: A })).body.status).toBe('created');
  });

  it('opens a session no key created (the stand-alone stream mock use)', async () => {
    const c = connect(`${m.mock.urls.stream}/v1/sessions/sess_handmade1/connect?token=kst_test_handmade`);
    expect(await c.next()).toEqual({ type: 'session.ready', session_id: 'sess_handmade1' });
    c.ws.close();
  });
});

describe('the control plane refuses cross-origin writes', () => {
  const m = useMock();

  it('a foreign page cannot reset or seed, with text/plain or with JSON; nothing changes', async () => {
    await m.api('POST', '/v1/agents', { name: 'Kept', system_prompt: 'p' }, { key: A });
    const before = (await createMockControl(m.mock.urls.rest).state()).sizes;
    for (const path of ['/_mock/reset', '/_mock/seed', '/_mock/clock/advance']) {
      const body = path === '/_mock/seed' ? '{"tenants":{}}' : path.endsWith('advance') ? '{"ms":1}' : '{}';
      const plain = await post(`${m.mock.urls.rest}${path}`, body, { Origin: 'http://evil.example', 'Content-Type': 'text/plain' });
      expect(plain.status, path).toBe(403);
      expect(plain.body.error.message).toMatch(/Origin/);
      const json = await post(`${m.mock.urls.rest}${path}`, body, { Origin: 'http://evil.example', 'Content-Type': 'application/json' });
      expect(json.status, path).toBe(403);
      const nul = await post(`${m.mock.urls.rest}${path}`, body, { Origin: 'null', 'Content-Type': 'application/json' });
      expect(nul.status, path).toBe(403);
    }
    expect((await createMockControl(m.mock.urls.rest).state()).sizes).toEqual(before);
  });

  it('writes need Content-Type: application/json (a form or text/plain post is a simple request)', async () => {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await post(`${m.mock.urls.rest}/_mock/reset`, '{}', { 'Content-Type': ct });
      expect(r.status, ct).toBe(415);
      expect(r.body.error.message).toMatch(/application\/json/);
      expect(r.body.error.param).toBe('Content-Type');
    }
    const none = await fetch(`${m.mock.urls.rest}/_mock/reset`, { method: 'POST' });
    expect(none.status).toBe(415);
    expect((await post(`${m.mock.urls.rest}/_mock/reset`, '', { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('the mock itself on 127.0.0.1 or localhost may write', async () => {
    const port = new URL(m.mock.urls.rest).port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      // node:http, because fetch does not let a caller set Host (a browser on localhost sends Host: localhost:<port>).
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${m.mock.urls.rest}/_mock/clock/advance`, { method: 'POST', headers: { Origin: origin, Host: new URL(origin).host, 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end('{"ms":1}');
      });
      expect(status, origin).toBe(200);
    }
    // The page a DNS-rebinding attacker serves has a foreign Host too: refused.
    expect((await post(`${m.mock.urls.rest}/_mock/reset`, '{}', { Origin: `http://evil.example:${port}`, 'Content-Type': 'application/json' })).status).toBe(403);
  });
});

describe('the optional control token', () => {
  const m = useMock({ controlToken: 'ctl_secret_1' });
  it('--control-token / controlToken: every /_mock/ route needs it; createMockControl({ token }) sends it', async () => {
    const bare = await fetch(`${m.mock.urls.rest}/_mock/state`);
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as any).error.message).toMatch(/Authorization: Bearer/);
    const wrong = await fetch(`${m.mock.urls.rest}/_mock/state`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    await expect(createMockControl(m.mock.urls.rest).reset()).rejects.toThrow(/401/);
    const control = createMockControl(m.mock.urls.rest, { token: 'ctl_secret_1' });
    await control.reset();
    expect((await control.state()).sizes.tenants).toBe(0);
    // The API itself does not need it.
    expect((await m.api('GET', '/v1/agents', undefined, { key: A })).status).toBe(200);
  });
});

describe('the command line', () => {
  it('the banner says how to reach the control plane; --control-token locks it and the banner says how to send it', async () => {
    const plain = runCli(['--rest-port', '0', '--stream-port', '0', '--no-docs']);
    try {
      await waitFor(() => /Control\s+http/.test(plain.out()), 'the URL table');
      expect(plain.out()).toMatch(/Control\s+http:\/\/127\.0\.0\.1:\d+\/_mock\/ \(writes: Content-Type: application\/json.*--control-token/);
      // What a newcomer needs next: which key to use and what webhooks are signed with.
      expect(plain.out()).toMatch(/API key\s+any sk_test_… key: export KALLGLOT_API_KEY=sk_test_local/);
      expect(plain.out()).toMatch(/Webhook secret whsec_kallglot_mock \(set KALLGLOT_WEBHOOK_SECRET to it\)/);
    } finally {
      plain.child.kill('SIGTERM');
      await plain.exit;
    }
    const locked = runCli(['--rest-port', '0', '--stream-port', '0', '--no-docs', '--control-token', 'ctl_cli_1']);
    try {
      await waitFor(() => /Control\s+http/.test(locked.out()), 'the URL table');
      expect(locked.out()).toContain("send 'Authorization: Bearer <your --control-token>'");
      const rest = /REST\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(locked.out())![1]!;
      expect((await fetch(`${rest}/_mock/state`)).status).toBe(401);
      expect((await fetch(`${rest}/_mock/state`, { headers: { Authorization: 'Bearer ctl_cli_1' } })).status).toBe(200);
      // The secret itself is never printed.
      expect(locked.out()).not.toContain('ctl_cli_1');
    } finally {
      locked.child.kill('SIGTERM');
      await locked.exit;
    }
  }, 60_000);
});

describe('seeds are validated against the spec; a bad seed changes nothing', () => {
  const m = useMock();

  const agent = { name: 'ok', system_prompt: 'p' };
  it.each([
    ['agents not an array', { tenants: { sk_test_x: { agents: 'abc' } } }, '/tenants/sk_test_x/agents', 'tenants.sk_test_x.agents'],
    ['name: 5', { tenants: { sk_test_x: { agents: [{ ...agent, name: 5 }] } } }, '/tenants/sk_test_x/agents/0/name', 'tenants.sk_test_x.agents[0].name'],
    ['temperature: "hot"', { tenants: { sk_test_x: { agents: [agent, { ...agent, temperature: 'hot' }] } } }, '/tenants/sk_test_x/agents/1/temperature', 'tenants.sk_test_x.agents[1].temperature'],
    ['mode: 42', { tenants: { sk_test_x: { sessions: [{ mode: 42 }] } } }, '/tenants/sk_test_x/sessions/0/mode', 'tenants.sk_test_x.sessions[0].mode'],
    ['credits: 1e309', '{"tenants":{"sk_test_x":{"credits":1e309}}}', '/tenants/sk_test_x/credits', 'tenants.sk_test_x.credits'],
    ['credits: -1', { tenants: { sk_test_x: { credits: -1 } } }, '/tenants/sk_test_x/credits', 'tenants.sk_test_x.credits'],
    ['a tenant key that is not an API key', { tenants: { not_a_key: {} } }, '/tenants/not_a_key', 'tenants.not_a_key'],
    ['a bad agent id', { tenants: { sk_test_x: { agents: [{ ...agent, id: 'sess_1' }] } } }, '/tenants/sk_test_x/agents/0/id', 'tenants.sk_test_x.agents[0].id'],
    ['an unknown field', { tenants: { sk_test_x: { agentz: [] } } }, '/tenants/sk_test_x/agentz', 'tenants.sk_test_x.agentz'],
    ['an unknown top-level field', { tenant: {} }, '/tenant', 'tenant'],
    ['a key with a slash (pointer escaped)', { tenants: { 'sk_test_a/b': { credits: 'x' } } }, '/tenants/sk_test_a~1b/credits', 'tenants.sk_test_a_b.credits'],
  ])('%s → 400 naming %s', async (_name, fixture, pointer, param) => {
    await m.api('POST', '/v1/agents', { name: 'before', system_prompt: 'p' }, { key: 'sk_test_x' });
    const before = await createMockControl(m.mock.urls.rest).state({ full: true });
    // The bad entry comes last, after good ones: nothing of the fixture may be applied.
    const raw = typeof fixture === 'string' ? fixture : JSON.stringify({ ...fixture, tenants: { sk_test_good: { credits: 3, agents: [agent] }, ...((fixture as any).tenants ?? {}) } });
    const r = await post(`${m.mock.urls.rest}/_mock/seed`, raw, { 'Content-Type': 'application/json' });
    expect(r.status).toBe(400);
    // The message names the JSON pointer; `param` says the same in the API's style (the spec's param has no '/').
    expect(r.body.error.message).toContain(`Invalid seed at ${pointer}:`);
    expect(r.body.error.param).toBe(param);
    expect(await createMockControl(m.mock.urls.rest).state({ full: true })).toEqual(before);
  });

  it('a seed nested 20,000 levels deep is refused at level 64, and the state still renders', async () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const raw = `{"tenants":{"sk_test_deep":{"agents":[{"name":"d","system_prompt":"p","tools":[{"type":"function","name":"f","parameters":${deep}}]}]}}}`;
    const r = await post(`${m.mock.urls.rest}/_mock/seed`, raw, { 'Content-Type': 'application/json' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/nested deeper than 64 levels/);
    expect(r.body.error.message).toContain('/tenants/sk_test_deep/agents/0/tools/0/parameters/a/a');
    expect((await fetch(`${m.mock.urls.rest}/_mock/state?full=true`)).status).toBe(200);
  });

  it('a session id another key already owns cannot be seeded (tenants are walls)', async () => {
    const s = await m.api('POST', '/v1/sessions', { mode: 'assistive_translation' }, { key: A });
    const r = await post(`${m.mock.urls.rest}/_mock/seed`, JSON.stringify({ tenants: { sk_test_mallory: { sessions: [{ id: s.body.id, mode: 'assistive_translation' }] } } }), { 'Content-Type': 'application/json' });
    expect([r.status, r.body.error.param]).toEqual([400, 'tenants.sk_test_mallory.sessions[0].id']);
    expect(r.body.error.message).toMatch(/another API key/);
  });

  it('a valid seed still works', async () => {
    const r = await createMockControl(m.mock.urls.rest).seed({ tenants: { sk_test_valid: { credits: 5, agents: [{ id: 'agt_Valid1', ...agent, temperature: 0.5 }], sessions: [{ id: 'sess_Valid1', mode: 'assistive_translation', metadata: { a: 'b' } }] } } });
    expect(r.seeded).toEqual({ agents: 1, sessions: 1 });
  });

  it('--seed files are validated at start: a bad one refuses to start, naming the pointer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kallglot-seed-'));
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ tenants: { sk_test_x: { agents: [{ name: 5, system_prompt: 'p' }] } } }));
    await expect(startMock({ ...quiet, seed })).rejects.toThrow(/\/tenants\/sk_test_x\/agents\/0\/name/);
  });
});

describe('snapshots never merge tenants', () => {
  const m = useMock();
  it('two keys with the same first 8 and last 4 characters are two entries', async () => {
    for (const key of ['sk_test_alice_1234', 'sk_test_bob_1234']) await m.api('POST', '/v1/agents', { name: 'x', system_prompt: 'p' }, { key });
    const snap = await createMockControl(m.mock.urls.rest).state();
    expect(snap.sizes.tenants).toBe(2);
    expect(Object.keys(snap.tenants)).toHaveLength(2);
    expect(JSON.stringify(snap)).not.toContain('alice');
    // Stable: the same key gets the same id in the next snapshot.
    expect(Object.keys((await createMockControl(m.mock.urls.rest).state()).tenants)).toEqual(Object.keys(snap.tenants));
  });
});

describe('/_mock/webhooks paginates', () => {
  const m = useMock();
  it('limit + starting_after, a bounded default page, and the helper follows pages', async () => {
    for (let i = 0; i < 130; i++) await m.api('POST', '/v1/sessions', { mode: 'assistive_translation' }, { key: A });
    const page = async (q: string) => (await (await fetch(`${m.mock.urls.rest}/_mock/webhooks${q}`)).json()) as any;
    const first = await page('');
    expect(first.data).toHaveLength(100);
    expect(first.has_more).toBe(true);
    expect(first.next_cursor).toBe(first.data[99].id);
    const rest = await page(`?limit=50&starting_after=${first.next_cursor}`);
    expect(rest.data).toHaveLength(30);
    expect([rest.has_more, rest.next_cursor]).toEqual([false, null]);
    const small = await page('?limit=2');
    expect(small.data.map((d: any) => d.id)).toEqual(first.data.slice(0, 2).map((d: any) => d.id));
    for (const bad of ['?limit=0', '?limit=1001', '?limit=x', '?starting_after=evt_unknown']) {
      const r = await fetch(`${m.mock.urls.rest}/_mock/webhooks${bad}`);
      expect(r.status, bad).toBe(400);
    }
    expect(await createMockControl(m.mock.urls.rest).webhooks()).toHaveLength(130);
  });
});
