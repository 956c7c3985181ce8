// Type-level tests of the facade (`new Kallglot()`), checked by test/types.test.ts with `tsc --strict`.
// Every method: the right call compiles and returns a non-undefined object (no TS18048); wrong params fail.
import type { StreamClient } from '@kallglot/stream';
import { Kallglot, KallglotPollError, type APIPromise, type Page, type PagePromise, type WebhookEvent } from '../../src/index.js';

const kallglot = new Kallglot({ apiKey: 'sk_test_types', baseUrl: 'http://127.0.0.1:4010', timeout: 5_000 });
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(_: T) => _;

export async function agents() {
  const agent = await kallglot.agents.create({ name: 'Support', system_prompt: 'Be brief.' }, { idempotencyKey: 'k1' });
  const id: string = agent.id; // not possibly undefined
  assert<Equal<typeof agent.object, 'agent'>>(true);
  await kallglot.agents.retrieve(id);
  await kallglot.agents.update(id, { name: 'Tier 2' });
  await kallglot.agents.delete(id);
  // @ts-expect-error system_prompt is required
  await kallglot.agents.create({ name: 'Support' });
  // @ts-expect-error id is read-only: never sent
  await kallglot.agents.create({ name: 'S', system_prompt: 'p', id: 'agt_1' });
  // @ts-expect-error unknown body field
  await kallglot.agents.update(id, { nmae: 'typo' });
  // @ts-expect-error the agent id is required
  await kallglot.agents.retrieve();
  // @ts-expect-error the id is a string
  await kallglot.agents.retrieve(42);
  const page: Page<typeof agent, unknown> | { data: unknown[] } = await kallglot.agents.list({ limit: 5 });
  void page;
  const first = await kallglot.agents.list({ limit: 5 });
  const more: boolean | undefined = first.has_more;
  const names: (string | undefined)[] = first.data.map((a) => a.name);
  const next = await first.nextPage();
  void [more, names, next.data[0]?.id];
  // @ts-expect-error limit is a number
  await kallglot.agents.list({ limit: '5' });
  // @ts-expect-error unknown query parameter
  await kallglot.agents.list({ lmit: 5 });
  for await (const a of kallglot.agents.list()) {
    const name: string | undefined = a.name;
    void name;
  }
  const listed: PagePromise<typeof agent, unknown> = kallglot.agents.list() as never;
  void listed;
}

export async function sessions() {
  const session = await kallglot.sessions.create({ mode: 'bidirectional_translation' }, { idempotencyKey: 'k', timeout: 5_000, maxRetries: 1, signal: null, headers: { 'X-Trace': '1' } });
  const sid: string = session.id;
  await kallglot.sessions.retrieve(sid);
  await kallglot.sessions.end(sid);
  await kallglot.sessions.dial(sid, { to: '+14155550101' });
  await kallglot.sessions.hangup(sid);
  const transcript = await kallglot.sessions.transcript.retrieve(sid);
  const turns: readonly unknown[] = transcript.turns;
  void turns;
  for await (const r of kallglot.sessions.recordings.list(sid)) {
    const rid: string = r.id;
    void rid;
  }
  await kallglot.sessions.recordings.list(sid, { limit: 1 });
  await kallglot.sessions.analysis.create(sid);
  await kallglot.sessions.analysis.create(sid, { include: ['summary'] });
  // @ts-expect-error mode is required
  await kallglot.sessions.create({ source_language: 'en' });
  // @ts-expect-error mode is an enum
  await kallglot.sessions.create({ mode: 'karaoke' });
  // @ts-expect-error provider is response-only
  await kallglot.sessions.create({ mode: 'ai_agent', provider: 'twilio' });
  // @ts-expect-error dial needs a body
  await kallglot.sessions.dial(sid);
  // @ts-expect-error include holds known analysis parts only
  await kallglot.sessions.analysis.create(sid, { include: ['horoscope'] });
  // @ts-expect-error timeout is a number of ms
  await kallglot.sessions.retrieve(sid, { timeout: '5s' });
  // @ts-expect-error unknown request option
  await kallglot.sessions.retrieve(sid, { timeoutMs: 5 });
  const { data, response, requestId } = await kallglot.sessions.retrieve(sid).withResponse();
  const status: string = data.status;
  const r: Response = response;
  const req: string | undefined = requestId;
  void [status, r, req];
  const p: APIPromise<typeof data> = kallglot.sessions.retrieve(sid);
  void p;
  const stream: StreamClient = await kallglot.sessions.connect(session, { keepalive: false });
  await kallglot.sessions.connect(sid);
  void stream;
  // @ts-expect-error connect takes a session or its id
  await kallglot.sessions.connect(42);
}

export async function recordingsAndAnalyses() {
  const rec = await kallglot.recordings.retrieve('rec_1');
  const ready = await kallglot.recordings.waitUntilReady(rec.id, { pollIntervalMs: 500, maxWaitMs: 60_000 });
  const url: string | null | undefined = ready.download_url;
  void url;
  const mp3 = await kallglot.recordings.audio(rec.id);
  const s: ReadableStream<Uint8Array> = mp3.data;
  const buf: ArrayBuffer = (await kallglot.recordings.audio(rec.id, { as: 'arrayBuffer' })).data;
  const name: string | undefined = mp3.filename;
  void [s, buf, name];
  // @ts-expect-error as is stream or arrayBuffer
  await kallglot.recordings.audio(rec.id, { as: 'blob' });
  const analysis = await kallglot.analyses.retrieve('anl_1');
  const done = await kallglot.analyses.createAndPoll('sess_1', { include: ['summary'] }, { maxWaitMs: 120_000 });
  assert<Equal<typeof done, typeof analysis>>(true);
  // @ts-expect-error maxWaitMs is a number
  await kallglot.analyses.createAndPoll('sess_1', undefined, { maxWaitMs: 'long' });
  try {
    await kallglot.recordings.waitUntilReady('rec_1');
  } catch (e) {
    if (e instanceof KallglotPollError) {
      const why: 'failed' | 'timeout' = e.reason;
      void why;
    }
  }
}

export async function webhooksAndOptions(raw: string, headers: Headers) {
  const event: WebhookEvent = await kallglot.webhooks.unwrap(raw, headers, 'whsec_1');
  if (event.type === 'session.ended') void event.data;
  await kallglot.webhooks.unwrap(raw, { 'kallglot-signature': 't=1,v1=ab' }, 'whsec_1');
  // @ts-expect-error the secret is required
  await kallglot.webhooks.unwrap(raw, headers);
  const fast: Kallglot = kallglot.withOptions({ timeout: 2_000, maxRetries: 0 });
  // @ts-expect-error maxRetries is a number
  kallglot.withOptions({ maxRetries: 'none' });
  void fast;
  await kallglot.raw.GET('/v1/sessions/{session_id}', { params: { path: { session_id: 's' } } });
}
