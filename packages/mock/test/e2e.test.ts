// End to end on loopback: typed client → REST mock (Prism) → stream URL → @kallglot/stream with a WAV as μ-law
// frames → transcripts → session.end → a signed session.ended webhook checked with @kallglot/client's verifyWebhook.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKallglotClient, verifyWebhook } from '@kallglot/client';
import { chunkFrames, connectStream, wavToMulaw8k } from '@kallglot/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../src/index.js';
import { SAMPLE_WAV } from './helpers/audio.js';
import { connect } from './helpers/ws.js';
import { schemaErrors, responseValidator, validateServerFrame } from './helpers/spec.js';

const SECRET = 'whsec_e2e_secret';
interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
}
let receiver: Server;
const deliveries: Delivery[] = [];
const waiters: (() => void)[] = [];
let mock: RunningMock;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  mock = await startMock({ stateless: true, restPort: 0, streamPort: 0, docsDir: false, webhookUrl: hook, webhookSecret: SECRET, selfCheck: true, log: () => undefined });
});
afterAll(async () => {
  await mock?.close();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

async function waitForDelivery(type: string, timeoutMs = 10_000): Promise<Delivery> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = deliveries.find((d) => JSON.parse(d.raw).type === type);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no ${type} webhook; got ${deliveries.map((d) => JSON.parse(d.raw).type).join(', ')}`);
    await new Promise<void>((r) => {
      waiters.push(r);
      setTimeout(r, 200);
    });
  }
}

describe('create session → stream WAV → transcripts → end → signed webhook', () => {
  it('runs the whole integration against the local mock', async () => {
    const client = createKallglotClient({ apiKey: 'sk_test_e2e', baseUrl: mock.urls.rest, maxRetries: 0 });
    const created = await client.POST('/v1/sessions', { body: { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' } });
    expect(created.response.status).toBe(201);
    expect(schemaErrors(responseValidator('post', '/v1/sessions', 201), created.data)).toEqual([]);
    const session = created.data!;
    expect(session.stream!.url.startsWith(`${mock.urls.stream}/v1/sessions/${session.id}/connect`)).toBe(true);

    const created1 = await waitForDelivery('session.created');
    expect(JSON.parse(created1.raw).data.id).toBe(session.id);

    // The bundled speech WAV (12.8 s, three phrases) → 8 kHz μ-law → 100 ms frames.
    const mulaw = wavToMulaw8k(SAMPLE_WAV);
    expect(mulaw.length).toBe(102_130);
    const stream = connectStream({ stream: session.stream!, keepalive: false });
    const frames: unknown[] = [];
    stream.on('message', (m) => frames.push(m));
    const ready = await stream.ready;
    expect(ready.session_id).toBe(session.id);
    for (const chunk of chunkFrames(mulaw, { ms: 100 })) await stream.sendAudio(chunk, { speaker: 'customer' });
    const ended = await stream.end();
    expect(ended.reason).toBe('explicit_end');

    const partials = frames.filter((f: any) => f.type === 'transcript.partial');
    const finals = frames.filter((f: any) => f.type === 'transcript.final') as any[];
    // One turn per spoken phrase, in the default scenario's words (2 + 2 + 1 partials before the finals).
    expect(finals.map((f) => f.text)).toEqual(['Hello, I need help with my order.', 'Of course. Could you give me the order number?', 'It is four five six seven.']);
    expect(finals.map((f) => f.translation?.language)).toEqual(['es', 'es', 'es']);
    expect(partials.length).toBe(2 + 2 + 1);
    for (const f of frames) expect(validateServerFrame(JSON.stringify(f))).toEqual({ ok: true });

    // session.ended arrives signed with the secret; verifyWebhook from @kallglot/client accepts it.
    const d = await waitForDelivery('session.ended');
    const event = await verifyWebhook({ payload: d.raw, header: d.headers['kallglot-signature'] as string, secret: SECRET });
    expect(event.type).toBe('session.ended');
    expect((event.data as any).id).toBe(session.id);
    expect((event.data as any).status).toBe('ended');
    expect(d.headers['kallglot-webhook-id']).toMatch(/^wh_del_[A-Za-z0-9]+$/);
    expect(d.headers['kallglot-retry-count']).toBe('0');
    expect(d.headers['kallglot-original-timestamp']).toMatch(/^\d+$/);
    await expect(verifyWebhook({ payload: d.raw, header: d.headers['kallglot-signature'] as string, secret: 'whsec_wrong' })).rejects.toThrow();

    // After session.end the REST view agrees and the stream is refused.
    const after = await client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: session.id } } });
    expect((after.data as any).status).toBe('ended');
    expect((after.data as any).id).toBe(session.id);
    expect(Date.parse((after.data as any).started_at)).toBeGreaterThan(Date.now() - 120_000);
    expect(Date.parse((after.data as any).ended_at)).toBeGreaterThanOrEqual(Date.parse((after.data as any).started_at));
    expect(schemaErrors(responseValidator('get', '/v1/sessions/{session_id}', 200), after.data)).toEqual([]);
    expect(mock.stream.stats.selfCheckFailures).toBe(0);
  });

  it('ending a session over REST ends its open stream (session.ended api_end, close 1000) and refuses reconnects', async () => {
    const client = createKallglotClient({ apiKey: 'sk_test_e2e', baseUrl: mock.urls.rest, maxRetries: 0 });
    const { data: session } = await client.POST('/v1/sessions', { body: { mode: 'assistive_translation' } });
    const stream = connectStream({ stream: session!.stream!, keepalive: false });
    const ended = new Promise<any>((r) => stream.on('session.ended', r));
    await stream.ready;
    const res = await client.POST('/v1/sessions/{session_id}/end', { params: { path: { session_id: session!.id } } });
    expect(res.response.status).toBe(200);
    const msg = await ended;
    expect(msg.reason).toBe('api_end');
    expect(validateServerFrame(JSON.stringify(msg))).toEqual({ ok: true });
    const closed = connect(`${session!.stream!.url}?token=${session!.stream!.token}`);
    expect((await closed.closed).code).toBe(4009);
    await stream.close();
  });
});
