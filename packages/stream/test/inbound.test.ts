// decodeClientFrame must give exactly what JSON.parse + the generated validator + decode give, for canonical
// frames (fast path) and for every near miss (which must fall back), and must really skip JSON.parse when it can.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientValidators, connectStream, decodeClientFrame, decodeMulaw, decodeMulawBase64, encodeMulaw } from '../src/node.js';
import { decodeClientFrameGeneral } from '../src/inbound.js';
import { serializeAudioInput } from '../src/internal/audio-frame.js';
import schemas from '../src/generated/schemas.json' with { type: 'json' };
import { arbitraryFor } from './helpers/arbitraries.js';
import { behaveNormally, startScriptedServer } from './helpers/scripted-server.js';

type Outcome = { ok: true; message: unknown; pcm: number[] | undefined } | { ok: false };

/** The reference, written independently of src/inbound.ts: JSON.parse + generated validator + decode. */
function reference(text: string): Outcome {
  let m: any;
  try {
    m = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  if (m === null || typeof m !== 'object' || Array.isArray(m) || typeof m.type !== 'string') return { ok: false };
  if (!Object.hasOwn(clientValidators, m.type)) return { ok: false };
  const validate = (clientValidators as unknown as Record<string, (data: unknown) => boolean>)[m.type]!;
  if (!validate(m)) return { ok: false };
  if (m.type !== 'audio.input') return { ok: true, message: m, pcm: undefined };
  try {
    return { ok: true, message: m, pcm: Array.from(decodeMulawBase64(m.audio.payload)) };
  } catch {
    return { ok: false };
  }
}

function outcome(r: ReturnType<typeof decodeClientFrame>): Outcome {
  return r.ok ? { ok: true, message: r.message, pcm: r.pcm && Array.from(r.pcm) } : { ok: false };
}

/** Checks one frame three ways: without `out`, with a big `out`, and against the general path's full result. */
function check(text: string): void {
  const expected = reference(text);
  const plain = decodeClientFrame(text);
  expect(outcome(plain)).toStrictEqual(expected);
  if (expected.ok) expect(JSON.stringify(plain.ok && plain.message)).toBe(JSON.stringify(expected.message)); // key order too
  const out = new Int16Array(2048).fill(12345);
  const withOut = decodeClientFrame(text, out);
  expect(outcome(withOut)).toStrictEqual(expected);
  if (withOut.ok && withOut.pcm) expect(withOut.pcm.buffer).toBe(out.buffer);
  const general = decodeClientFrameGeneral(text);
  const arrays = (r: ReturnType<typeof decodeClientFrame>) => (r.ok ? { ...r, pcm: r.pcm && Array.from(r.pcm) } : r);
  expect(arrays(plain)).toStrictEqual(arrays(general));
}

const speakerArb = fc.constantFrom('agent', 'customer');
const payloadArb = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 400 }),
  fc.uint8Array({ minLength: 1, maxLength: 4 }), // the padding cases
).map((b) => Buffer.from(b).toString('base64'));
const fieldsArb = fc.record({
  // Up to 15 digits the fast path reads the number; longer ones fall back.
  sequence: fc.oneof({ arbitrary: fc.nat(1000), weight: 3 }, { arbitrary: fc.nat(999_999_999_999_999), weight: 2 }, { arbitrary: fc.maxSafeNat(), weight: 1 }),
  timestamp_ms: fc.oneof(fc.constant(0), fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }), fc.maxSafeNat()),
  speaker: speakerArb,
  payload: payloadArb,
});
const canonicalArb = fieldsArb.map((f) => serializeAudioInput(f.sequence, f.timestamp_ms, f.speaker, f.payload));

const oddChars = ['-', '_', '=', '"', '\\', ' ', '\n', '!', '.', '*', 'é', '\u0100', '\u0141', '\u4e00', '\ud83d', '\u0000', 'A', '/', '+', '}', ','];
const oddCharArb = fc.constantFrom(...oddChars);
const numberTexts = ['-1', '-0', '0', '00', '01', '1.0', '1.5', '1e3', '1E2', '0.0', ' 1', '1 ', '9007199254740991', '9007199254740992', '9007199254740993', '123456789012345', '1234567890123456', '1'.repeat(20), '1e400', 'null', '"1"', 'true'];

/** Mutations of a canonical frame, each either still valid (and non-canonical) or a near miss. */
const mutatedArb: fc.Arbitrary<string> = fc.oneof(
  // a character of the payload replaced
  fc.tuple(canonicalArb, fc.nat(), oddCharArb).map(([t, i, c]) => {
    const s = t.indexOf('"payload":"') + 11;
    const len = t.length - 3 - s;
    if (len <= 0) return t;
    const at = s + (i % len);
    return t.slice(0, at) + c + t.slice(at + 1);
  }),
  // payload lengthened, shortened or re-padded
  fc.tuple(canonicalArb, fc.constantFrom('=', '==', '===', 'A', 'AB', 'ABC', 'A=', 'AB=', '-_', ''), fc.nat(3)).map(([t, extra, cut]) => {
    const end = t.length - 3;
    return t.slice(0, end - cut) + extra + t.slice(end);
  }),
  // sequence or timestamp spelled differently
  fc.tuple(fieldsArb, fc.oneof(fc.constantFrom(...numberTexts), fc.stringMatching(/^[1-9]\d{14,22}$/)), fc.boolean()).map(([f, n, which]) => {
    const t = serializeAudioInput(f.sequence, f.timestamp_ms, f.speaker, f.payload);
    const key = which ? '"sequence":' : '"timestamp_ms":';
    const s = t.indexOf(key) + key.length;
    return t.slice(0, s) + n + t.slice(t.indexOf(',', s));
  }),
  // sample rate, encoding, type and speaker spelled differently
  fc.tuple(canonicalArb, fc.constantFrom(
    ['8000', '8000.0'], ['8000', '8e3'], ['8000', '16000'], ['8000', '"8000"'], ['8000', '08000'],
    ['"mulaw"', '"MULAW"'], ['"mulaw"', '"pcm"'], ['"mulaw"', '"mul\\u0061w"'],
    ['"audio.input"', '"audio"'], ['"audio.input"', '"\\u0061udio.input"'], ['"audio.input"', '"ping"'],
    ['"customer"', '"Customer"'], ['"customer"', '"cust\\u006fmer"'], ['"customer"', '"customer "'], ['"agent"', '"agents"'], ['"agent"', '""'],
    ['"agent"', '"customer"'], ['"customer"', '"agent"'], ['"customer"', 'null'], ['"agent"', '1'],
  )).map(([t, [from, to]]) => t.replace(from!, to!)),
  // whitespace, reordered keys, escapes, extra or duplicate fields, trailing or leading bytes
  fc.tuple(fieldsArb, fc.constantFrom('indent', 'reorder', 'nested-reorder', 'extra-top', 'extra-audio', 'duplicate', 'trailing', 'leading', 'bom', 'escape-payload', 'unicode-letter')).map(([f, how]) => {
    const msg = { type: 'audio.input', sequence: f.sequence, timestamp_ms: f.timestamp_ms, speaker: f.speaker, audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: f.payload } };
    const t = serializeAudioInput(f.sequence, f.timestamp_ms, f.speaker, f.payload);
    switch (how) {
      case 'indent':
        return JSON.stringify(msg, null, 1);
      case 'reorder':
        return JSON.stringify({ sequence: msg.sequence, type: msg.type, timestamp_ms: msg.timestamp_ms, speaker: msg.speaker, audio: msg.audio });
      case 'nested-reorder':
        return JSON.stringify({ ...msg, audio: { payload: f.payload, encoding: 'mulaw', sample_rate_hz: 8000 } });
      case 'extra-top':
        return t.slice(0, -1) + ',"extra":1}';
      case 'extra-audio':
        return t.slice(0, -2) + ',"channels":1}}';
      case 'duplicate':
        return t.slice(0, -1) + ',"sequence":-1}';
      case 'trailing':
        return t + ' ';
      case 'leading':
        return ' ' + t;
      case 'bom':
        return '\ufeff' + t;
      case 'escape-payload':
        return t.replace('"payload":"', '"payload":"\\u0041');
      default:
        return t.replace('"speaker"', '"\\u0073peaker"');
    }
  }),
  // one random edit anywhere
  fc.tuple(canonicalArb, fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), oddCharArb).map(([t, i, op, c]) => {
    const at = i % t.length;
    if (op === 'insert') return t.slice(0, at) + c + t.slice(at);
    if (op === 'delete') return t.slice(0, at) + t.slice(at + 1);
    return t.slice(0, at) + c + t.slice(at + 1);
  }),
);

const otherMessageArb = fc.oneof(...schemas.client.map((m) => arbitraryFor(m.schema))).map((m) => JSON.stringify(m));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('decodeClientFrame', () => {
  it('decodes canonical audio.input frames (what sendAudio sends) exactly like JSON.parse + validator + decode', () => {
    fc.assert(fc.property(canonicalArb, (t) => check(t)), { numRuns: 500 });
  });

  it('agrees with JSON.parse + validator + decode on near misses of canonical frames', () => {
    fc.assert(fc.property(mutatedArb, (t) => check(t)), { numRuns: 3000 });
  });

  it('agrees on schema-generated client messages, arbitrary JSON and arbitrary text', () => {
    fc.assert(fc.property(fc.oneof(otherMessageArb, fc.json(), fc.string({ unit: 'binary' })), (t) => check(t)), { numRuns: 1000 });
  });

  it('takes the fast path for every canonical frame with numbers below 1e15 and a non-empty payload', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const small = fc.integer({ min: 0, max: 999_999_999_999_999 });
    fc.assert(
      fc.property(small, small, speakerArb, fc.uint8Array({ minLength: 1, maxLength: 400 }), (seq, ts, speaker, bytes) => {
        const r = decodeClientFrame(serializeAudioInput(seq, ts, speaker, Buffer.from(bytes).toString('base64')));
        expect(r.ok).toBe(true);
        expect(parse).not.toHaveBeenCalled();
      }),
      { numRuns: 300 },
    );
  });

  it('skips JSON.parse for a canonical frame and falls back to it otherwise', () => {
    const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 4)));
    const payload = Buffer.from(encodeMulaw(pcm)).toString('base64');
    const canonical = serializeAudioInput(7, 1763900000000, 'agent', payload);
    const parse = vi.spyOn(JSON, 'parse');
    const fast = decodeClientFrame(canonical);
    expect(parse).not.toHaveBeenCalled();
    expect(fast.ok && fast.message).toStrictEqual({ type: 'audio.input', sequence: 7, timestamp_ms: 1763900000000, speaker: 'agent', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload } });
    expect(Array.from(fast.ok ? fast.pcm! : [])).toStrictEqual(Array.from(decodeMulawBase64(payload)));
    const spaced = decodeClientFrame(canonical.replace('"sequence":', '"sequence": '));
    expect(parse).toHaveBeenCalledTimes(1);
    expect(spaced.ok && spaced.message).toStrictEqual(fast.ok && fast.message);
  });

  it('throws a RangeError on both paths when `out` is too small', () => {
    const payload = Buffer.alloc(160, 0x55).toString('base64');
    const canonical = serializeAudioInput(1, 2, 'customer', payload);
    expect(() => decodeClientFrame(canonical, new Int16Array(159))).toThrow(RangeError);
    expect(() => decodeClientFrame(canonical.replace(':1,', ': 1,'), new Int16Array(159))).toThrow(RangeError);
    const ok = decodeClientFrame(canonical, new Int16Array(160));
    expect(ok.ok && ok.pcm!.length).toBe(160);
  });

  it('refuses bad frames with the session.error code a server sends', () => {
    const good = serializeAudioInput(1, 2, 'customer', 'AAAA');
    const code = (t: string) => {
      const r = decodeClientFrame(t);
      return r.ok ? 'ok' : r.code;
    };
    expect(code(good)).toBe('ok');
    expect(code('{"type":"ping"}')).toBe('ok');
    expect(code('{"type":"session.end"}')).toBe('ok');
    expect(code('not json')).toBe('invalid_json');
    expect(code(good.slice(0, -1))).toBe('invalid_json');
    expect(code('[]')).toBe('invalid_message');
    expect(code('null')).toBe('invalid_message');
    expect(code('{}')).toBe('unknown_message_type');
    expect(code('{"type":"audio"}')).toBe('unknown_message_type');
    expect(code('{"type":"toString"}')).toBe('unknown_message_type');
    expect(code('{"type":"__proto__"}')).toBe('unknown_message_type');
    expect(code(good.replace('"mulaw"', '"pcm"'))).toBe('invalid_audio_format');
    expect(code(good.replace('8000', '16000'))).toBe('invalid_audio_format');
    expect(code(good.replace('AAAA', 'AAAAA'))).toBe('invalid_audio_format');
    expect(code(good.replace('AAAA', 'AA!A'))).toBe('invalid_audio_format');
    expect(code(good.replace(':1,', ':-1,'))).toBe('invalid_message');
    expect(code(good.replace('"customer"', '"bot"'))).toBe('invalid_message');
    expect(code(good.slice(0, -1) + ',"x":1}')).toBe('invalid_message');
    expect(code('{"type":"ping","x":1}')).toBe('invalid_message');
    const r = decodeClientFrame(good.replace('"customer"', '"bot"'));
    expect(r.ok === false && r.errors?.[0]?.instancePath).toBe('/speaker');
  });

  it('refuses a frame nested deeper than 64 levels before JSON.parse builds it, naming the limit', () => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const nested = (n: number) => `{"type":"ping","x":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
      const deep = decodeClientFrame(nested(5_000));
      expect(deep).toMatchObject({ ok: false, code: 'invalid_json' });
      expect(!deep.ok && deep.detail).toMatch(/deeper than 64 levels \(at offset 82\).*depth of 64/);
      expect(parse).not.toHaveBeenCalled();
      expect(decodeClientFrame(nested(65))).toMatchObject({ ok: false, code: 'invalid_json' });
      // At the limit the frame is parsed and meets the schema, which refuses the unknown field.
      expect(decodeClientFrame(nested(64))).toMatchObject({ ok: false, code: 'invalid_message' });
      expect(parse).toHaveBeenCalledTimes(1);
      // Brackets inside strings do not count.
      expect(decodeClientFrame(`{"type":"ping","x":"${'['.repeat(100)}"}`)).toMatchObject({ ok: false, code: 'invalid_message' });
    } finally {
      parse.mockRestore();
    }
  });

  it('a real server decodes what connectStream sends on the fast path', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const decoded: Array<{ result: ReturnType<typeof decodeClientFrame>; parses: number }> = [];
    const out = new Int16Array(2048);
    const srv = await startScriptedServer((conn) => {
      behaveNormally(conn);
      conn.ws.on('message', (data) => {
        const before = parse.mock.calls.length;
        const result = decodeClientFrame(data.toString(), out);
        // Copy: `out` is reused by the next frame.
        decoded.push({ result: result.ok && result.pcm ? { ...result, pcm: result.pcm.slice() } : result, parses: parse.mock.calls.length - before });
      });
    });
    const s = connectStream({ url: srv.url, token: 'kst_test_inbound', keepalive: false, speaker: 'agent' });
    try {
      await s.ready;
      const frames = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 1600 }), { numRuns: 12, seed: 11 });
      for (const f of frames) await s.sendAudio(f);
      const pcm = Int16Array.from({ length: 320 }, (_, i) => Math.round(9000 * Math.sin(i / 7)));
      await s.sendAudio(pcm, { speaker: 'customer', timestampMs: 1234 });
      while (decoded.length < frames.length + 1) await new Promise((r) => setTimeout(r, 5));
      decoded.forEach(({ result, parses }, i) => {
        expect(parses, `frame ${i} went through JSON.parse`).toBe(0);
        expect(result.ok).toBe(true);
        if (!result.ok || result.message.type !== 'audio.input') return;
        expect(result.message.sequence).toBe(i);
        const expected = i < frames.length ? decodeMulaw(frames[i]!) : decodeMulaw(encodeMulaw(pcm));
        expect(Array.from(result.pcm!)).toStrictEqual(Array.from(expected));
      });
      expect(decoded.at(-1)!.result.ok && decoded.at(-1)!.result).toMatchObject({ message: { speaker: 'customer', timestamp_ms: 1234 } });
    } finally {
      s.close();
      await srv.close();
    }
  });
});
