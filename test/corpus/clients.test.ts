// The corpus drives both clients: @kallglot/stream, fed the docs' server frames by a real `ws` server, fires
// the typed listeners; @kallglot/client, fed the docs' response bodies by a real node:http server, returns
// them as `data` (and the docs' error bodies as `error`).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKallglotClient } from '@kallglot/client';
import { connectStream } from '@kallglot/stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { counted, type Entry } from './corpus.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const serverFrames = counted.filter((e) => e.expect === 'accept' && e.direction === 'server');
const responses = counted.filter((e): e is Entry & { target: { operationId: string; status: number } } => e.expect === 'accept' && 'operationId' in e.target);

describe('@kallglot/stream fed the docs frames', () => {
  it('fires the typed listener of every docs server frame, with no error', async () => {
    expect(serverFrames.map((e) => (e.payload as { type: string }).type)).toEqual(expect.arrayContaining(['session.ready', 'transcript.partial', 'transcript.final', 'session.error']));
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    closers.push(() => new Promise((r) => wss.close(() => r())));
    await new Promise<void>((r) => wss.once('listening', () => r()));
    // session.ready first (the stream is ready only then), then the rest in corpus order.
    const frames = [...serverFrames].sort((a, b) => Number((b.payload as any).type === 'session.ready') - Number((a.payload as any).type === 'session.ready')).map((e) => e.payload);
    wss.on('connection', (ws) => {
      for (const f of frames) ws.send(JSON.stringify(f));
    });
    const { port } = wss.address() as AddressInfo;
    const stream = connectStream({ url: `ws://127.0.0.1:${port}/v1/sessions/sess_01HXYZ123456789/connect`, token: 'kst_test_corpus', keepalive: false });
    closers.unshift(() => stream.close().then(() => undefined));
    const got: unknown[] = [];
    const errors: unknown[] = [];
    stream.on('error', (e) => errors.push(e));
    stream.on('session.ready', (m) => got.push(m));
    stream.on('transcript.partial', (m) => got.push({ ...m, text: m.text }));
    stream.on('transcript.final', (m) => got.push({ ...m, speaker: m.speaker, text: m.text, translation: m.translation }));
    stream.on('session.error', (m) => got.push({ ...m, code: m.code }));
    await stream.ready;
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(frames.length);
    expect(got).toEqual(frames);
    expect(errors).toEqual([]);
  });
});

async function answering(status: number, body: unknown): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_corpus' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const path = { session_id: 'sess_01HXYZ123456789', recording_id: 'rec_01HABC987654321', analysis_id: 'anl_01HDEF456789012' };
type Client = ReturnType<typeof createKallglotClient>;
const calls: Record<string, (k: Client) => Promise<{ data?: unknown; error?: unknown }>> = {
  createSession: (k) => k.POST('/v1/sessions', { body: { mode: 'bidirectional_translation' } }),
  retrieveSession: (k) => k.GET('/v1/sessions/{session_id}', { params: { path } }),
  endSession: (k) => k.POST('/v1/sessions/{session_id}/end', { params: { path } }),
  retrieveSessionTranscript: (k) => k.GET('/v1/sessions/{session_id}/transcript', { params: { path } }),
  listSessionRecordings: (k) => k.GET('/v1/sessions/{session_id}/recordings', { params: { path } }),
  retrieveRecording: (k) => k.GET('/v1/recordings/{recording_id}', { params: { path } }),
  createSessionAnalysis: (k) => k.POST('/v1/sessions/{session_id}/analysis', { params: { path }, body: {} }),
  retrieveAnalysis: (k) => k.GET('/v1/analyses/{analysis_id}', { params: { path } }),
};

describe('@kallglot/client fed the docs response bodies', () => {
  it.each(responses.map((e) => [e.id, `${e.target.operationId} ${e.target.status}`, e] as const))('%s (%s)', async (_id, _what, e) => {
    const call = calls[e.target.operationId];
    expect(call, `no call for ${e.target.operationId}`).toBeDefined();
    const kallglot = createKallglotClient({ apiKey: 'sk_test_corpus', baseUrl: await answering(e.target.status, e.payload), maxRetries: 0 });
    const { data, error } = await call!(kallglot);
    if (e.target.status < 400) {
      expect(error).toBeUndefined();
      expect(data).toEqual(e.payload);
    } else {
      expect(data).toBeUndefined();
      expect(error).toEqual(e.payload);
    }
  });
});
