// The "done when": the typed client and @kallglot/stream run the whole life of a session against the
// stateful mock, on fresh state and with no example ids: agent → session → WAV over the stream → the transcript
// that was streamed → end → MP3 download → analysis → every webhook, signed and valid → agent deleted → 404.
import { createKallglotClient, verifyWebhook } from '@kallglot/client';
import { chunkFrames, connectStream } from '@kallglot/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockControl, startMock, type RunningMock } from '../src/index.js';
import { SPEECH } from './helpers/audio.js';
import { expectValid, expectValidWebhook, hasMp3FrameSync } from './helpers/sandbox.js';
import { validateServerFrame } from './helpers/spec.js';
import { startReceiver, type Delivery, type Receiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';

const SECRET = 'whsec_sandbox_e2e';
let deliveries: Delivery[] = [];
let receiver: Receiver;
let mock: RunningMock;

beforeAll(async () => {
  receiver = await startReceiver();
  deliveries = receiver.deliveries;
  mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, webhookUrls: [receiver.url], webhookSecret: SECRET, selfCheck: true, log: () => undefined });
});
afterAll(async () => {
  await mock?.close();
  await receiver?.close();
});


describe('the whole life of a session in the sandbox', () => {
  it('agent → session → stream → transcript → end → MP3 → analysis → webhooks → delete', async () => {
    const control = createMockControl(mock.urls.rest);
    await control.reset();
    const client = createKallglotClient({ apiKey: 'sk_test_sandbox_e2e', baseUrl: mock.urls.rest, maxRetries: 0 });

    const agent = await client.POST('/v1/agents', { body: { name: 'Concierge', system_prompt: 'Help callers with their orders.', voice: 'nova', temperature: 0.4 } });
    expect(agent.response.status).toBe(201);
    expectValid('POST', '/v1/agents', { status: 201, body: agent.data });
    const agentId = agent.data!.id;

    const created = await client.POST('/v1/sessions', {
      body: { mode: 'ai_agent', ai_agent: { agent_id: agentId }, source_language: 'en', target_language: 'es', recording: { enabled: true }, metadata: { order: 'A-1' } },
    });
    expect(created.response.status).toBe(201);
    expectValid('POST', '/v1/sessions', { status: 201, body: created.data });
    const session = created.data!;
    expect(session).toMatchObject({ status: 'created', mode: 'ai_agent', recording: { enabled: true }, metadata: { order: 'A-1' } });

    // The bundled speech sample's first 8.4 s (two phrases and the hangover after the second) as 100 ms frames.
    const mulaw = SPEECH.subarray(0, 8400 * 8);
    const stream = connectStream({ stream: session.stream!, keepalive: false });
    const frames: any[] = [];
    stream.on('message', (m) => frames.push(m));
    await stream.ready;
    const active = await client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: session.id } } });
    expect(active.data!.status).toBe('active');
    for (const chunk of chunkFrames(mulaw, { ms: 100 })) await stream.sendAudio(chunk, { speaker: 'customer' });
    const finals = await until('two finals', () => {
      const f = frames.filter((x) => x.type === 'transcript.final');
      return f.length >= 2 ? f : undefined;
    });
    for (const f of frames) expect(validateServerFrame(JSON.stringify(f))).toEqual({ ok: true });

    // The transcript is exactly what the stream sent, in progress while the session lives.
    const live = await client.GET('/v1/sessions/{session_id}/transcript', { params: { path: { session_id: session.id } } });
    expectValid('GET', `/v1/sessions/${session.id}/transcript`, { status: 200, body: live.data });
    expect(live.data!.status).toBe('in_progress');
    expect(live.data!.turns.map((t) => [t.sequence, t.speaker, t.text, t.translation])).toEqual(finals.map((f) => [f.sequence, f.speaker, f.text, f.translation]));

    const ended = await stream.end();
    expect(ended.reason).toBe('explicit_end');
    const after = await client.GET('/v1/sessions/{session_id}', { params: { path: { session_id: session.id } } });
    expectValid('GET', `/v1/sessions/${session.id}`, { status: 200, body: after.data });
    expect(after.data!.status).toBe('ended');
    expect(Date.parse(after.data!.created_at!)).toBeLessThanOrEqual(Date.parse(after.data!.started_at!));
    expect(Date.parse(after.data!.started_at!)).toBeLessThanOrEqual(Date.parse(after.data!.ended_at!));
    const done = await client.GET('/v1/sessions/{session_id}/transcript', { params: { path: { session_id: session.id } } });
    expect(done.data!.status).toBe('completed');

    // The recording becomes ready on the virtual clock; the MP3 is the audio that was streamed (8.4 s).
    const recs = await client.GET('/v1/sessions/{session_id}/recordings', { params: { path: { session_id: session.id } } });
    expectValid('GET', `/v1/sessions/${session.id}/recordings`, { status: 200, body: recs.data });
    const recId = recs.data!.data[0]!.id;
    await control.advance(5000);
    const rec = await client.GET('/v1/recordings/{recording_id}', { params: { path: { recording_id: recId } } });
    expectValid('GET', `/v1/recordings/${recId}`, { status: 200, body: rec.data });
    expect(rec.data).toMatchObject({ status: 'ready', duration: 8.4, format: 'mp3' });
    const audio = await fetch(`${mock.urls.rest}${rec.data!.download_url}`, { headers: { Authorization: 'Bearer sk_test_sandbox_e2e' } });
    const mp3 = new Uint8Array(await audio.arrayBuffer());
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect(Number(audio.headers.get('content-length'))).toBe(mp3.length);
    expect(audio.headers.get('content-disposition')).toBe(`attachment; filename="recording-${session.id}.mp3"`);
    expect(hasMp3FrameSync(mp3)).toBe(true);
    // 16 kbit/s for 8.4 s is about 17 kB: the encoder saw the whole stream.
    expect(mp3.length).toBeGreaterThan(13_000);

    const queued = await client.POST('/v1/sessions/{session_id}/analysis', { params: { path: { session_id: session.id } }, body: { include: ['summary', 'keywords', 'sentiment'] } });
    expect(queued.response.status).toBe(202);
    expect(queued.data!.status).toBe('processing');
    await control.advance(5000);
    const analysis = await client.GET('/v1/analyses/{analysis_id}', { params: { path: { analysis_id: queued.data!.id } } });
    expectValid('GET', `/v1/analyses/${queued.data!.id}`, { status: 200, body: analysis.data });
    expect(analysis.data!.status).toBe('completed');
    expect(analysis.data!.summary).toContain(finals[0].text.slice(0, 20));

    // Every webhook reached the receiver, signed (verifyWebhook) and valid against its schema.
    const want = ['session.created', 'session.started', 'transcript.segment', 'transcript.segment', 'session.ended', 'transcript.ready', 'recording.ready', 'analysis.complete'];
    const got = await until('all webhooks', () => {
      const mine = deliveries.filter((d) => JSON.stringify(JSON.parse(d.raw).data).includes(session.id));
      return mine.length >= want.length ? mine : undefined;
    });
    expect(got.map((d) => JSON.parse(d.raw).type).sort()).toEqual([...want].sort());
    for (const d of got) {
      const ev = await verifyWebhook({ payload: d.raw, header: d.headers['kallglot-signature'] as string, secret: SECRET });
      expectValidWebhook(ev as any);
    }
    // Deliveries are concurrent POSTs, so they may arrive in any order (as from the real API): order by the turn's sequence.
    const segs = got.map((d) => JSON.parse(d.raw)).filter((e) => e.type === 'transcript.segment');
    segs.sort((a, b) => a.data.turn.sequence - b.data.turn.sequence);
    expect(segs.map((e) => e.data.turn.text)).toEqual(finals.map((f) => f.text));
    // The control plane recorded the same events.
    expect((await control.webhooks({ sessionId: session.id })).map((w) => w.type)).toEqual(want);

    const del = await client.DELETE('/v1/agents/{agent_id}', { params: { path: { agent_id: agentId } } });
    expect(del.data).toEqual({ id: agentId, object: 'agent', deleted: true });
    const gone = await client.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: agentId } } });
    expect(gone.response.status).toBe(404);
    expect((gone.error as any).error.code).toBe('agent_not_found');
    expect(mock.stream.stats.selfCheckFailures).toBe(0);
  });
});
