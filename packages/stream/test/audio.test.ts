import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { encodeMulaw, decodeMulaw, resample, resampleTo8k, chunkFrames, frameSize, FrameChunker, readWav, writeWav, wavToMulaw8k, bytesToBase64, base64ToBytes } from '../src/audio/index.js';
import { encodeMulawComputed } from '../src/audio/mulaw.js';
import { decodeMulawBase64, encodeMulawBase64 } from '../src/audio/wire.js';
import { serializeAudioInput } from '../src/internal/audio-frame.js';
import * as root from '../src/index.js';
import { ulawCompress, ulawExpand } from './helpers/g711-reference.js';

const ALL_PCM = (() => {
  const a = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) a[i] = i - 32768;
  return a;
})();
const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('μ-law (G.711)', () => {
  it('encodes all 65,536 inputs exactly like the ITU-T G.191 reference', () => {
    const ours = encodeMulaw(ALL_PCM);
    const ref = ulawCompress(ALL_PCM);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) if (ours[i] !== ref[i]) mismatches++;
    expect(mismatches).toBe(0);
    expect(encodeMulawComputed(ALL_PCM)).toEqual(ref);
  });

  it('decodes all 256 codes exactly like the reference', () => {
    expect(decodeMulaw(ALL_CODES)).toEqual(ulawExpand(ALL_CODES));
  });

  it('has the well-known anchor values', () => {
    expect([...encodeMulaw(Int16Array.of(0, -1, 32767, -32768))]).toEqual([0xff, 0x7f, 0x80, 0x00]);
    expect([...decodeMulaw(Uint8Array.of(0x80, 0x00, 0xff, 0x7f))]).toEqual([32124, -32124, 0, 0]);
  });

  it('is exported from both the root and the /audio entry', () => {
    expect(root.encodeMulaw).toBe(encodeMulaw);
    expect(root.decodeMulaw).toBe(decodeMulaw);
  });

  it('decode → encode is the identity on codes (except the duplicate zero 0x7f → 0xff)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 400 }), (codes) => {
        const back = encodeMulaw(decodeMulaw(codes));
        for (let i = 0; i < codes.length; i++) expect(back[i]).toBe(codes[i] === 0x7f ? 0xff : codes[i]);
      }),
    );
  });

  it('encode → decode stays within one quantization step', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 400 }), (samples) => {
        const pcm = Int16Array.from(samples);
        const back = decodeMulaw(encodeMulaw(pcm));
        for (let i = 0; i < pcm.length; i++) {
          const x = Math.max(-32124, Math.min(32124, pcm[i]!));
          // Step size of the segment, 8..1024 in 16-bit units; the error is at most one step.
          const step = 8 << Math.max(0, Math.floor(Math.log2(Math.abs(x) / 4 + 33)) - 5);
          expect(Math.abs(back[i]! - x)).toBeLessThanOrEqual(step);
          expect(Math.sign(back[i]!) * Math.sign(x)).not.toBe(-1);
        }
      }),
    );
  });
});

describe('base64', () => {
  it('is strict in the Node path too', () => {
    for (const bad of ['ab$c', 'A=AA', 'AAAAA', 'AA==AA', 'AA\nAA', 'AA AA']) expect(() => base64ToBytes(bad), bad).toThrow(/invalid base64/);
    expect(base64ToBytes('AB-_')).toEqual(base64ToBytes('AB+/')); // URL-safe alphabet read like Node does
    expect(base64ToBytes('AQID')).toEqual(Uint8Array.of(1, 2, 3));
    expect(base64ToBytes('AQI=')).toEqual(Uint8Array.of(1, 2));
    expect(base64ToBytes('AQI')).toEqual(Uint8Array.of(1, 2));
    const out = new Uint8Array(8);
    expect(base64ToBytes('AQID', out)).toEqual(Uint8Array.of(1, 2, 3));
    expect(out.buffer).toBe(base64ToBytes('BAUG', out).buffer);
    expect(() => base64ToBytes('AQIDBA==', new Uint8Array(2))).toThrow(RangeError);
  });

  it('decodeMulawBase64 / encodeMulawBase64 match the step-by-step path', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 3000 }), (samples) => {
        const pcm = Int16Array.from(samples);
        const b64 = encodeMulawBase64(pcm);
        expect(b64).toBe(Buffer.from(encodeMulaw(pcm)).toString('base64'));
        const out = new Int16Array(4000);
        expect(decodeMulawBase64(b64, out)).toEqual(decodeMulaw(encodeMulaw(pcm)));
        expect(decodeMulawBase64(b64)).toEqual(decodeMulaw(encodeMulaw(pcm)));
      }),
      { numRuns: 60 },
    );
    for (const bad of ['AA$A', 'A=AA', 'AAAAA', 'AA A']) expect(() => decodeMulawBase64(bad), bad).toThrow(/invalid base64/);
    expect(() => decodeMulawBase64('AAAA', new Int16Array(2))).toThrow(RangeError);
  });

  it('the audio.input serializer writes exactly what JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.nat(), fc.oneof(fc.nat(), fc.double(), fc.constant(2 ** 60)), fc.constantFrom('customer', 'agent', 'we"ird\\'), fc.base64String(), (seq, ts, speaker, payload) => {
        const expected = JSON.stringify({ type: 'audio.input', sequence: seq, timestamp_ms: ts, speaker, audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload } });
        expect(serializeAudioInput(seq, ts, speaker, payload)).toBe(expected);
      }),
    );
  });

  it('round-trips arbitrary bytes and matches Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const b64 = bytesToBase64(bytes);
        expect(b64).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64ToBytes(b64)).toEqual(bytes);
      }),
    );
  });

  it('uses a pure-JS codec when Buffer is absent (browsers)', async () => {
    const saved = globalThis.Buffer;
    vi.resetModules();
    vi.stubGlobal('Buffer', undefined);
    try {
      const mod = await import('../src/internal/base64.js');
      const wire = await import('../src/audio/wire.js');
      vi.unstubAllGlobals();
      const pcm = Int16Array.from({ length: 333 }, (_, i) => (i * 997) % 65536 - 32768);
      const b64 = wire.encodeMulawBase64(pcm);
      expect(b64).toBe(saved.from(encodeMulaw(pcm)).toString('base64'));
      expect(wire.decodeMulawBase64(b64)).toEqual(decodeMulaw(encodeMulaw(pcm)));
      expect(() => wire.decodeMulawBase64('AB$_')).toThrow(/invalid base64/);
      expect(wire.decodeMulawBase64('AB-_')).toEqual(decodeMulaw(mod.base64ToBytes('AB+/')));
      expect(mod.base64ToBytes('AB-_')).toEqual(Uint8Array.of(0, 0x1f, 0xbf));
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          const b64 = mod.bytesToBase64(bytes);
          expect(b64).toBe(saved.from(bytes).toString('base64'));
          expect(mod.base64ToBytes(b64)).toEqual(bytes);
        }),
      );
      expect(() => mod.base64ToBytes('ab$c')).toThrow(/invalid base64 character/);
      expect(mod.base64ToBytes('AQID', new Uint8Array(3))).toEqual(Uint8Array.of(1, 2, 3));
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

function sine(freq: number, rate: number, seconds: number, amp = 12000): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

function rms(x: Int16Array, skip = 0): number {
  let s = 0;
  for (let i = skip; i < x.length - skip; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, x.length - 2 * skip));
}

/** Amplitude of `freq` in `x` (sampled at `rate`), by correlation. */
function toneAmplitude(x: Int16Array, freq: number, rate: number, skip = 64): number {
  let re = 0;
  let im = 0;
  for (let i = skip; i < x.length - skip; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * freq * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * freq * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (x.length - 2 * skip);
}

describe('resampling to 8 kHz', () => {
  for (const rate of [16000, 24000, 44100, 48000]) {
    it(`keeps a 1 kHz tone and removes a 6 kHz tone from ${rate} Hz`, () => {
      const tone = resampleTo8k(sine(1000, rate, 0.5), rate);
      expect(tone.length).toBe(Math.floor((rate * 0.5 * 8000) / rate));
      expect(toneAmplitude(tone, 1000, 8000)).toBeGreaterThan(12000 * 0.95);
      expect(toneAmplitude(tone, 1000, 8000)).toBeLessThan(12000 * 1.05);
      if (rate > 12000) {
        // 6 kHz is above the 4 kHz Nyquist of the output: it must not alias to 2 kHz.
        const alias = resampleTo8k(sine(6000, rate, 0.5), rate);
        expect(rms(alias, 64)).toBeLessThan(12000 * 0.02);
      }
    });
  }

  it('returns a copy for equal rates and rejects bad rates', () => {
    const x = Int16Array.of(1, 2, 3);
    const y = resample(x, 8000, 8000);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
    expect(() => resample(x, 0, 8000)).toThrow(RangeError);
  });

  it('clips instead of wrapping around', () => {
    const square = new Int16Array(4800).map((_, i) => (Math.floor(i / 24) % 2 ? 32767 : -32768));
    const out = resampleTo8k(square, 48000);
    expect(Math.max(...out)).toBeLessThanOrEqual(32767);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(-32768);
  });
});

describe('frames', () => {
  it('defaults to 20 ms = 160 bytes of 8 kHz μ-law', () => {
    expect(frameSize()).toBe(160);
    expect(frameSize({ ms: 100 })).toBe(800);
    expect(frameSize({ ms: 20, sampleRate: 16000, bytesPerSample: 2 })).toBe(640);
    expect(() => frameSize({ ms: 0 })).toThrow(RangeError);
  });

  it('chunks and the stateful chunker agree with plain slicing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 20 }), (audio, cuts) => {
        const frames = [...chunkFrames(audio)];
        expect(frames.every((f, i) => f.length === (i < frames.length - 1 ? 160 : f.length))).toBe(true);
        expect(Buffer.concat(frames)).toEqual(Buffer.from(audio));
        const chunker = new FrameChunker();
        const out: Uint8Array[] = [];
        let at = 0;
        for (const c of cuts) {
          out.push(...chunker.push(audio.subarray(at, at + c)));
          at += c;
        }
        out.push(...chunker.push(audio.subarray(at)));
        const tail = chunker.flush();
        expect(out.every((f) => f.length === 160)).toBe(true);
        expect(Buffer.concat([...out, tail])).toEqual(Buffer.from(audio));
      }),
    );
  });
});

describe('WAV', () => {
  it('reads what it writes, and converts to 8 kHz μ-law', () => {
    const pcm = sine(440, 16000, 0.1);
    const wav = writeWav(pcm, 16000);
    const r = readWav(wav);
    expect(r).toMatchObject({ sampleRate: 16000, channels: 1, format: 'pcm16' });
    expect(r.samples).toEqual(pcm);
    const mulaw = wavToMulaw8k(wav);
    expect(mulaw.length).toBe(800);
    expect(toneAmplitude(decodeMulaw(mulaw), 440, 8000)).toBeGreaterThan(12000 * 0.9);
  });

  it('reads μ-law (format 7) and stereo files, and skips unknown chunks', () => {
    const codes = encodeMulaw(sine(300, 8000, 0.05));
    const header = (fmt: number, channels: number, bits: number, data: Uint8Array) => {
      const extra = new Uint8Array([...Buffer.from('LIST'), 4, 0, 0, 0, 1, 2, 3, 4]);
      const out = Buffer.alloc(12 + 24 + extra.length + 8 + data.length);
      out.write('RIFF', 0);
      out.writeUInt32LE(out.length - 8, 4);
      out.write('WAVE', 8);
      out.write('fmt ', 12);
      out.writeUInt32LE(16, 16);
      out.writeUInt16LE(fmt, 20);
      out.writeUInt16LE(channels, 22);
      out.writeUInt32LE(8000, 24);
      out.writeUInt32LE(8000 * channels * (bits / 8), 28);
      out.writeUInt16LE(channels * (bits / 8), 32);
      out.writeUInt16LE(bits, 34);
      out.set(extra, 36);
      out.write('data', 36 + extra.length);
      out.writeUInt32LE(data.length, 40 + extra.length);
      out.set(data, 44 + extra.length);
      return new Uint8Array(out);
    };
    const mu = readWav(header(7, 1, 8, codes));
    expect(mu.format).toBe('mulaw');
    expect(mu.samples).toEqual(decodeMulaw(codes));
    expect(wavToMulaw8k(header(7, 1, 8, codes))).toEqual(codes);

    const stereo = new Int16Array([100, 300, -100, -300]);
    const st = readWav(header(1, 2, 16, new Uint8Array(stereo.buffer)));
    expect([...st.samples]).toEqual([200, -200]);

    expect(() => readWav(new Uint8Array(10))).toThrow(/not a RIFF/);
    expect(() => readWav(header(3, 1, 32, new Uint8Array(8)))).toThrow(/unsupported format 3/);
  });
});
