// Fuzzing the stream mock: random and mutated client frames. The server must never crash, every reply must be a
// valid server message, and only the documented closes may happen (1000 after session.end, 1009 for >64 KiB).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamMock, type StreamMock } from '../src/index.js';
import { validateServerFrame } from './helpers/spec.js';
import { connect } from './helpers/ws.js';

let mock: StreamMock;
let sent = 0;
const closeCodes = new Map<number, number>();
const replyTypes = new Map<string, number>();

beforeAll(async () => {
  // Scripted timing: random audio must still reach the transcript paths (voice timing would answer noise with silence).
  const base = JSON.parse(readFileSync(new URL('../scenarios/default.json', import.meta.url), 'utf8'));
  mock = await startStreamMock({ port: 0, selfCheck: true, scenario: { ...base, $schema: undefined, timing: 'scripted' }, log: () => undefined });
});
afterAll(async () => {
  await mock?.close();
});

// fast-check biases arrays towards tiny sizes; pick the length explicitly so audio adds up to transcripts.
const b64 = fc.tuple(fc.integer({ min: 1, max: 16_000 }), fc.integer({ min: 0, max: 255 })).map(([n, byte]) => Buffer.alloc(n, byte).toString('base64'));
const validAudio = fc.record({
  type: fc.constant('audio.input'),
  sequence: fc.nat(),
  timestamp_ms: fc.nat(),
  speaker: fc.constantFrom('customer', 'agent'),
  audio: fc.record({ encoding: fc.constant('mulaw'), sample_rate_hz: fc.constant(8000), payload: b64 }),
});
const validFrame = fc.oneof(validAudio, fc.constant({ type: 'ping' }), fc.constant({ type: 'session.end' }));

/** A valid frame with one mutation: a key dropped, replaced, added, or the audio object damaged. */
const mutated = fc
  .tuple(validFrame, fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 12 }))
  .map(([frame, pick, value, key]) => {
    const f: Record<string, any> = structuredClone(frame);
    const keys = Object.keys(f);
    switch (pick % 6) {
      case 0:
        delete f[keys[pick % keys.length]!];
        break;
      case 1:
        f[keys[pick % keys.length]!] = value;
        break;
      case 2:
        f[key || 'extra'] = value;
        break;
      case 3:
        if (f.audio) f.audio[['encoding', 'sample_rate_hz', 'payload'][pick % 3]!] = value;
        else f.type = value;
        break;
      case 4:
        f.type = key;
        break;
      default:
        if (f.audio) f.audio.payload = String(f.audio.payload).slice(0, (pick % 7) + 1) + '%';
        else f.type = `${f.type} `;
    }
    return JSON.stringify(f);
  });

const frameArb = fc.oneof(
  { weight: 3, arbitrary: mutated },
  { weight: 3, arbitrary: validFrame.map((f) => JSON.stringify(f)) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '{}', '{"type":null}', '{"type":"ping"', '\u0000', '{"type":"audio.input","audio":{}}') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.nat({ max: 3 }).map((n) => (n === 0 ? 'x'.repeat(70_000) : JSON.stringify({ type: 'ping', pad: 'p'.repeat(1000 * n) }))) },
);

async function settle(c: ReturnType<typeof connect>): Promise<'closed' | 'idle'> {
  let seen = -1;
  let closed = false;
  void c.closed.then(() => (closed = true));
  for (;;) {
    await new Promise((r) => setTimeout(r, 25));
    if (closed) return 'closed';
    if (c.frames.length === seen && c.frames.length > 0 && c.frames[c.frames.length - 1]!.includes('"pong"')) return 'idle';
    seen = c.frames.length;
  }
}

describe('stream mock fuzzing', () => {
  it('survives 1000+ random and mutated frames with only valid replies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { minLength: 10, maxLength: 20 }), async (frames) => {
        const t = mock.issueToken({ sourceLanguage: 'en', targetLanguage: 'de' });
        const c = connect(`${t.url}?token=${t.token}`);
        await c.next((f) => f.type === 'session.ready');
        let oversize = false;
        for (const f of frames) {
          if (c.ws.readyState !== c.ws.OPEN) break;
          c.ws.send(f);
          sent++;
          if (f.length > 65_536) oversize = true;
        }
        if (c.ws.readyState === c.ws.OPEN) c.send({ type: 'ping' });
        const how = await settle(c);
        for (const raw of c.frames) {
          const v = validateServerFrame(raw);
          if (!v.ok) throw new Error(`invalid reply ${raw.slice(0, 200)}: ${JSON.stringify(v.errors)}`);
          const type = JSON.parse(raw).type as string;
          replyTypes.set(type, (replyTypes.get(type) ?? 0) + 1);
        }
        if (how === 'closed') {
          const { code } = await c.closed;
          closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
          // After a >64 KiB frame the server closes with 1009; a client still writing may see the reset as 1006.
          expect(oversize ? [1000, 1009, 1006] : [1000]).toContain(code);
        } else c.ws.close();
      }),
      { numRuns: 130, endOnFailure: true },
    );
    console.log('fuzz:', sent, 'frames sent; replies', Object.fromEntries(replyTypes), 'closes', Object.fromEntries(closeCodes));
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(mock.stats.selfCheckFailures).toBe(0);
    // Every kind of reply was exercised, including every error path.
    for (const t of ['session.ready', 'pong', 'session.error', 'transcript.partial', 'transcript.final', 'session.ended']) expect(replyTypes.get(t) ?? 0, t).toBeGreaterThan(0);
    // Still healthy afterwards.
    const health = await fetch(mock.url.replace('ws://', 'http://') + '/health');
    expect(health.status).toBe(200);
    const t = mock.issueToken();
    const c = connect(`${t.url}?token=${t.token}`);
    await c.next((f) => f.type === 'session.ready');
    c.send({ type: 'ping' });
    expect((await c.next()).type).toBe('pong');
    c.ws.close();
  });
});
