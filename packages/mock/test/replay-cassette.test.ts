// Loading cassettes: HAR 1.2 checked with har-schema, bounded in bytes, entries and frames, errors that say what to fix.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CassetteError, loadCassette, loadCassetteFile } from '../src/replay/index.js';
import { callHar, har, httpEntry, SESSION, socketEntry, T0, TOKEN } from './helpers/cassette.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('loadCassette', () => {
  it('splits a recorded call into REST exchanges, stream connections and webhooks, in recorded order', () => {
    const c = loadCassette(JSON.stringify(callHar()));
    expect(c.http.map((h) => `${h.method} ${h.path}`)).toEqual([
      'POST /v1/sessions', `POST /v1/sessions/${SESSION}/end`, `POST /v1/sessions/${SESSION}/analysis`,
      'GET /v1/analyses/anl_1', 'GET /v1/analyses/anl_1', `GET /v1/sessions/${SESSION}/recordings`,
    ]);
    expect(c.http[5]!.query).toEqual([['limit', '10'], ['starting_after', 'rec_0']]);
    expect(c.sockets).toHaveLength(1);
    const s = c.sockets[0]!;
    expect(s).toMatchObject({ path: `/v1/sessions/${SESSION}/connect`, token: TOKEN, close: { code: 1000, reason: 'normal_closure', offsetMs: 1150 } });
    expect(s.frames.map((f) => `${f.direction}@${f.offsetMs}`).slice(0, 3)).toEqual(['receive@10', 'send@100', 'send@200']);
    // The delivery came 20 ms after POST …/end answered (started 1280, took 5 ms): that is its anchor.
    expect(c.webhooks).toHaveLength(1);
    expect(c.webhooks[0]!.anchor).toEqual({ kind: 'http', index: 1 });
    expect(c.webhooks[0]!.delayMs).toBe(15);
    expect(c.startedAt).toBe(T0);
  });

  it('decodes base64 bodies and anchors a delivery on the server frame before it', () => {
    const mp3 = httpEntry(T0, 'GET', 'http://h/v1/recordings/rec_1/audio', undefined, 200, '');
    (mp3.response.content as Record<string, unknown>) = { size: 3, mimeType: 'audio/mpeg', text: Buffer.from([0xff, 0xfb, 0x90]).toString('base64'), encoding: 'base64' };
    const ws = socketEntry(T0 + 10, 'ws://h/v1/sessions/s/connect?token=kst_REDACTED_1', [{ type: 'receive', at: T0 + 50, data: '{"type":"transcript.final"}' }]);
    const hook = httpEntry(T0 + 80, 'POST', 'http://hooks/x', '{"type":"transcript.segment"}', 200, '', [], 'webhook');
    const c = loadCassette(har([mp3, ws, hook]));
    expect([...c.http[0]!.responseBody]).toEqual([0xff, 0xfb, 0x90]);
    expect(c.webhooks[0]!.anchor).toEqual({ kind: 'frame', socket: 0, frame: 0 });
    expect(c.webhooks[0]!.delayMs).toBe(30);
  });

  it('refuses what is not a HAR 1.2 cassette, naming the place', () => {
    expect(() => loadCassette('{"log": ')).toThrow(/not JSON.*kallglot-contract proxy --record/);
    const noVersion = callHar() as { log: Record<string, unknown> };
    delete noVersion.log.version;
    expect(() => loadCassette(noVersion, { source: 'call.har' })).toThrow(/call\.har is not a valid HAR 1\.2 document: \/log: must have required property 'version'/);
    const badEntry = callHar();
    (badEntry.log.entries[0] as { request: Record<string, unknown> }).request.url = 42;
    expect(() => loadCassette(badEntry)).toThrow(/\/log\/entries\/0\/request\/url: must be string/);
    const badFrame = callHar();
    ((badFrame.log.entries[1] as { _webSocketMessages: unknown[] })._webSocketMessages[2] as Record<string, unknown>).type = 'sent';
    expect(() => loadCassette(badFrame)).toThrow(/entry 1: _webSocketMessages\[2\] needs type 'send'\|'receive'/);
    expect(() => loadCassette(badFrame)).toThrow(CassetteError);
  });

  it('is bounded: bytes, entries and frames per connection', async () => {
    const text = JSON.stringify(callHar());
    expect(() => loadCassette(text, { maxBytes: 1000 })).toThrow(/is \d+ bytes; the limit is 1000 \(maxBytes\)/);
    expect(() => loadCassette(text, { maxEntries: 3 })).toThrow(/holds 8 entries; the limit is 3/);
    expect(() => loadCassette(text, { maxFramesPerSocket: 5 })).toThrow(/11 WebSocket messages; the limit is 5/);
    const dir = await mkdtemp(join(tmpdir(), 'kallglot-replay-'));
    dirs.push(dir);
    const path = join(dir, 'call.har');
    await writeFile(path, text);
    await expect(loadCassetteFile(path, { maxBytes: 1000 })).rejects.toThrow(`${path} is ${Buffer.byteLength(text)} bytes; the limit is 1000`);
    await expect(loadCassetteFile(join(dir, 'missing.har'))).rejects.toThrow(/Cannot read cassette .*missing\.har.*--record/);
    expect((await loadCassetteFile(path)).http).toHaveLength(6);
  });
});
