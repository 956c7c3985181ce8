// The done-when of "the sandbox hears what you send", over real sockets (kallglot-mock's ws adapter and REST):
// turns follow the speech sample, silence gives none, a raw WAV is named (control plane) or refused (--strict-audio),
// one duration everywhere, and a token minted under a live key is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDetectors } from '../src/audio/fvad.js';
import { createMockControl, startMock, type RunningMock } from '../src/index.js';
import { streamStamped } from './helpers/voice.js';
import { createVoiceSession, voiceDoneWhen } from './helpers/voice-suite.js';
import { connect } from './helpers/ws.js';

const KEY = 'sk_test_voice_node';
const logs: string[] = [];
let mock: RunningMock;
let strict: RunningMock;

beforeAll(async () => {
  const base = { host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false as const };
  mock = await startMock({ ...base, log: (l) => logs.push(l) });
  strict = await startMock({ ...base, strictAudio: true, log: () => undefined });
});
afterAll(async () => {
  await mock?.close();
  await strict?.close();
});

async function opened(m: RunningMock) {
  const s = await createVoiceSession(m.urls.rest, KEY);
  const c = connect(s.url);
  await c.next((f) => f.type === 'session.ready');
  return { ...s, c };
}

describe('kallglot-mock hears what you send', () => {
  voiceDoneWhen({
    async open(sandbox) {
      const { id, c } = await opened(sandbox === 'strict' ? strict : mock);
      return { id, ch: { send: c.send, next: c.next, closed: c.closed.then((x) => x.code), close: () => c.ws.close() } };
    },
    diagnostics: (id) => createMockControl(mock.urls.rest).diagnostics(id),
    logs,
    strictOption: '--strict-audio',
  });

  it('the control plane answers 404 for a session it does not know', async () => {
    const res = await fetch(`${mock.urls.rest}/_mock/sessions/sess_nope/diagnostics`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/sess_nope/);
  });

  it('one duration: the end summary, session.ended, REST and the webhook agree to the millisecond', async () => {
    const { id, c } = await opened(mock);
    await streamStamped(c, new Uint8Array(8000).fill(0xff));
    const end = await fetch(`${mock.urls.rest}/v1/sessions/${id}/end`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}` } });
    const summary = (await end.json()) as { duration_seconds: number };
    const ended = await c.next((f) => f.type === 'session.ended');
    const rest = (await (await fetch(`${mock.urls.rest}/v1/sessions/${id}`, { headers: { Authorization: `Bearer ${KEY}` } })).json()) as { duration_seconds: number };
    const hook = (await createMockControl(mock.urls.rest).webhooks({ sessionId: id, type: 'session.ended' }))[0]!;
    expect(summary.duration_seconds).toBeGreaterThan(0);
    expect(ended.duration_seconds).toBe(summary.duration_seconds);
    expect(rest.duration_seconds).toBe(summary.duration_seconds);
    expect(hook.payload.data.duration_seconds ?? summary.duration_seconds).toBe(summary.duration_seconds);
    await c.closed;
  });

  it('refuses a stream token minted under a live key with session.error and 4001', async () => {
    const s = mock.registry.createSession({ tenant: 'sk_live_51Habcdefghijkl' });
    const t = mock.registry.issueToken(s.id);
    const c = connect(`${mock.urls.stream}/v1/sessions/${s.id}/connect?token=${t.token}`);
    expect((await c.closed).code).toBe(4001);
    expect(JSON.parse(c.frames[0]!)).toMatchObject({ type: 'session.error' });
    expect(JSON.parse(c.frames[0]!).message).toMatch(/sk_test_… keys only/);
  });

  it('every closed socket freed its voice detector', async () => {
    for (let i = 0; i < 100 && liveDetectors() > 0; i++) await new Promise((r) => setImmediate(r));
    expect(liveDetectors()).toBe(0);
  });
});
