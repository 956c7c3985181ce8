// Test audio: a real WAV file (RIFF/PCM16) generated here, never shipped, and the bundled speech sample.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeMulaw, wavToMulaw8k } from '@kallglot/stream';

/** A RIFF/WAVE file around 16-bit little-endian PCM `data` (interleaved when `channels` > 1). */
function pcm16Wav(data: Buffer, sampleRate: number, channels: number): Uint8Array {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2 * channels, 28); // bytes per second
  h.writeUInt16LE(2 * channels, 32); // bytes per frame
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return new Uint8Array(Buffer.concat([h, data]));
}

export function makeWav(seconds: number, sampleRate = 16000, freq = 440): Uint8Array {
  const n = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * freq * i) / sampleRate) * 12000), i * 2);
  return pcm16Wav(data, sampleRate, 1);
}

// The bundled speech sample (espeak-ng, scripts/make-sample-wav.mjs): 1 s of silence, then three phrases (the
// default scenario's lines) with 1.2 s gaps, as 8 kHz μ-law.

export const SAMPLE_WAV = new Uint8Array(readFileSync(fileURLToPath(new URL('../../../stream/examples/call.wav', import.meta.url))));
export const SPEECH = wavToMulaw8k(SAMPLE_WAV);

/** μ-law audio cut into frames of `ms` (the last one may be shorter). */
export function frames(audio: Uint8Array, ms = 100): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < audio.length; o += ms * 8) out.push(audio.subarray(o, o + ms * 8));
  return out;
}

/** The spans (audio ms) where the sample is loud (over -40 dBFS in 20 ms frames), merged across gaps under 800 ms: its phrases. */
export function phrases(mulaw: Uint8Array = SPEECH): Array<{ startMs: number; endMs: number }> {
  const pcm = decodeMulaw(mulaw);
  const out: Array<{ startMs: number; endMs: number }> = [];
  for (let f = 0; f * 160 < pcm.length; f++) {
    const frame = pcm.subarray(f * 160, f * 160 + 160);
    let sq = 0;
    for (const s of frame) sq += s * s;
    if (20 * Math.log10(Math.sqrt(sq / frame.length) / 32768 + 1e-12) < -40) continue;
    const last = out[out.length - 1];
    if (last && f * 20 - last.endMs < 800) last.endMs = (f + 1) * 20;
    else out.push({ startMs: f * 20, endMs: (f + 1) * 20 });
  }
  return out;
}

/** The speech sample as a raw 44.1 kHz stereo 16-bit WAV file (what a browser or a DAW records), header included. */
export function speechWav44kStereo(): Uint8Array {
  const pcm8k = decodeMulaw(SPEECH);
  const rate = 44_100;
  const n = Math.floor((pcm8k.length * rate) / 8000);
  const data = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    const x = (i * 8000) / rate;
    const a = pcm8k[Math.floor(x)] ?? 0;
    const b = pcm8k[Math.floor(x) + 1] ?? a;
    const v = Math.round(a + (b - a) * (x - Math.floor(x)));
    data.writeInt16LE(v, i * 4);
    data.writeInt16LE(v, i * 4 + 2);
  }
  return pcm16Wav(data, rate, 2);
}
