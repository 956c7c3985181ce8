// The audio checks on real speech: the bundled μ-law sample raises nothing, the same speech as 16-bit PCM, a
// .wav file sent whole, and audio sent far faster than real time are each named. The arrival clock is injected,
// so rates are exact and no test sleeps.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chunkFrames, decodeMulaw, wavToMulaw8k, writeWav } from '@kallglot/stream';
import { AudioDiagnostics, type AudioDiagnostic } from '../src/audio/diagnostics.js';

const wavBytes = readFileSync(fileURLToPath(new URL('../../stream/examples/call.wav', import.meta.url)));
const sample = wavToMulaw8k(wavBytes);

/** Sends `audio` in frames of `ms`, paced at `speed`× real time; returns every diagnostic raised. */
function send(audio: Uint8Array, { ms = 100, speed = 1, bytesPerMs = 8 } = {}): AudioDiagnostic[] {
  let now = 0;
  const d = new AudioDiagnostics(() => now);
  const out: AudioDiagnostic[] = [];
  let seq = 0;
  for (const frame of chunkFrames(audio, { ms, sampleRate: bytesPerMs * 1000 })) {
    out.push(...d.inspect(frame, ++seq));
    now += frame.length / bytesPerMs / speed;
  }
  return out;
}
const codes = (ds: AudioDiagnostic[]) => ds.map((d) => d.code);

function pcm16(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** A 44.1 kHz stereo 16-bit WAV of the sample's speech (each 8 kHz sample held, both channels). */
function wav44kStereo(): Uint8Array {
  const speech = decodeMulaw(sample);
  const n = Math.floor((speech.length * 44100) / 8000);
  const stereo = new Int16Array(n * 2);
  for (let i = 0; i < n; i++) stereo[2 * i] = stereo[2 * i + 1] = speech[Math.floor((i * 8000) / 44100)]!;
  const mono = writeWav(stereo, 88200); // same bytes per second as 44.1 kHz stereo; header patched below
  const view = new DataView(mono.buffer, mono.byteOffset);
  view.setUint16(22, 2, true);
  view.setUint32(24, 44100, true);
  view.setUint16(32, 4, true);
  return mono;
}

describe('audio checks', () => {
  it('raise nothing for the bundled μ-law speech in 20 ms and 100–200 ms frames, in real time', () => {
    expect(send(sample, { ms: 20 })).toEqual([]);
    expect(send(sample, { ms: 100 })).toEqual([]);
    expect(send(sample, { ms: 200 })).toEqual([]);
    // a client slightly ahead of real time (1.5×) is not "too fast"
    expect(send(sample, { ms: 100, speed: 1.5 })).toEqual([]);
  });

  it('name a .wav file sent whole in its first frame, fatal', () => {
    const ds = send(wav44kStereo(), { ms: 100, bytesPerMs: 176.4 });
    expect(ds[0]).toMatchObject({ code: 'wav_header', fatal: true, sequence: 1 });
    expect(ds[0]!.message).toMatch(/wavToMulaw8k/);
  });

  it('name 44.1 kHz 16-bit stereo audio sent as μ-law, paced in real time for its own rate, as too fast and as PCM', () => {
    const raw = wav44kStereo().subarray(44);
    const ds = send(raw, { ms: 100, bytesPerMs: 176.4 });
    expect(codes(ds)).toEqual(expect.arrayContaining(['too_fast', 'pcm16_bytes']));
    const fast = ds.find((d) => d.code === 'too_fast')!;
    expect(fast.audio_ms).toBeLessThan(30_000); // within about a second of wall time at 22× the bytes
  });

  it('name 8 kHz 16-bit PCM speech (twice the bytes, not too fast) by its byte statistics', () => {
    const ds = send(pcm16(decodeMulaw(sample)), { ms: 100, bytesPerMs: 16 });
    expect(codes(ds)).toEqual(['pcm16_bytes']);
    expect(ds[0]!.message).toMatch(/encodeMulaw/);
  });

  it('do not call noise PCM (random bytes are neither smooth as 16-bit nor as μ-law)', () => {
    let x = 1;
    const noise = Uint8Array.from({ length: 80_000 }, () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff);
    expect(send(noise, { ms: 100 })).toEqual([]);
  });

  it('name μ-law sent as fast as the client can (a file loop without pacing)', () => {
    expect(codes(send(sample, { ms: 100, speed: 50 }))).toEqual(['too_fast']);
  });

  it('note frames far outside 100–200 ms, never as fatal, once per stream', () => {
    const tiny = send(sample, { ms: 5 });
    expect(tiny).toEqual([expect.objectContaining({ code: 'frame_duration', fatal: false })]);
    const huge = send(sample, { ms: 2000 });
    expect(codes(huge)).toEqual(['frame_duration']);
    // a short last frame alone is not a pattern
    expect(send(sample.subarray(0, 16_010), { ms: 20 })).toEqual([]);
  });
});
