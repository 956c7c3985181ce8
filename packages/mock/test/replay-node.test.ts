// kallglot-mock in replay mode over real sockets (startMock's `replay` option, what `--replay` uses): REST answers
// through the one pipeline (auth still checked), misses in the API envelope naming the nearest recorded request,
// the stream's refusals and strict mode's 1008 over a real WebSocket, and the run's differences at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startMock, type RunningMock } from '../src/index.js';
import { loadCassette } from '../src/replay/index.js';
import { audioFrame, callHar, SESSION, sessionBody, TOKEN } from './helpers/cassette.js';

let mock: RunningMock;
const post = (path: string, body: string, key = 'sk_test_replay_node') =>
  fetch(`${mock.urls.rest}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });

beforeAll(async () => {
  mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, timeScale: 0, replay: { cassette: loadCassette(callHar()), strict: true }, log: () => undefined });
});
afterAll(() => mock?.close());

function connect(token: string) {
  const ws = new WebSocket(`${mock.urls.stream}/v1/sessions/${SESSION}/connect?token=${token}`);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(String(d)));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
  const opened = new Promise<void>((r) => ws.once('open', () => r()));
  return { ws, frames, closed, opened };
}

describe('kallglot-mock in replay mode', () => {
  it('answers a recorded request with the recorded body, stream.url moved onto its own stream server', async () => {
    const res = await post('/v1/sessions', '{"source_language":"en","mode":"bidirectional_translation","target_language":"es"}');
    expect(res.status).toBe(201);
    expect(await res.text()).toBe(sessionBody.replace('ws://127.0.0.1:4011', mock.urls.stream));
  });

  it('still checks auth in the pipeline before the cassette', async () => {
    const res = await fetch(`${mock.urls.rest}/v1/analyses/anl_1`);
    expect(res.status).toBe(401);
  });

  it('a request the cassette does not hold: 501 on a recorded route, 404 elsewhere, naming the nearest recorded request', async () => {
    const changed = await post('/v1/sessions', '{"mode":"bidirectional_translation","source_language":"de","target_language":"es"}');
    expect(changed.status).toBe(501);
    const body = (await changed.json()) as { error: { message: string } };
    expect(body.error.message).toContain('Nearest recorded request: POST /v1/sessions');
    expect(body.error.message).toContain('body differs at /source_language (recorded "en", sent "de")');
    const other = await fetch(`${mock.urls.rest}/v1/agents/agt_none`, { headers: { authorization: 'Bearer sk_test_replay_node' } });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { message: string } }).error.message).toMatch(/The cassette holds no answer for GET \/v1\/agents\/agt_none\. Nearest recorded request: /);
  });

  it('the stream refuses another token with session.error and 4001', async () => {
    const c = connect('kst_other');
    expect(await c.closed).toEqual({ code: 4001, reason: 'token_invalid' });
    expect(JSON.parse(c.frames[0]!)).toMatchObject({ type: 'session.error', code: 'token_invalid' });
    expect(c.frames[0]).toContain(TOKEN);
  });

  it('strict mode: a client frame that differs closes the stream with 1008 replay_mismatch', async () => {
    const c = connect(TOKEN);
    await c.opened;
    c.ws.send(audioFrame(0));
    c.ws.send(audioFrame(7));
    expect(await c.closed).toEqual({ code: 1008, reason: 'replay_mismatch' });
    expect(JSON.parse(c.frames[0]!).type).toBe('session.ready');
  });

  it('finish() names every difference of the run', async () => {
    const kinds = (await mock.replay!.finish()).map((d) => d.kind);
    expect(kinds).toEqual(['request', 'request', 'frame', 'missing-request']);
    const frame = mock.replay!.strict.all().differences.find((d) => d.kind === 'frame')!;
    expect(frame.message).toMatch(/client frame 2 .* differs at \/sequence \(recorded 1, sent 7\)/);
  });
});
