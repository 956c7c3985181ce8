import { decodeMulaw, encodeMulaw } from './mulaw.js';
import { resample } from './resample.js';

// Minimal RIFF/WAVE reader and writer: 16-bit PCM, 8-bit μ-law (format 7) and WAVE_FORMAT_EXTENSIBLE.

export interface WavAudio {
  /** Samples per second. */
  sampleRate: number;
  channels: number;
  /** Encoding of the data chunk in the file. */
  format: 'pcm16' | 'mulaw';
  /** Mono 16-bit samples (multi-channel files are averaged down). */
  samples: Int16Array;
  /** The raw data chunk (interleaved, as stored). */
  data: Uint8Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Parses a WAV file. Throws a clear error for anything that is not 16-bit PCM or 8-bit μ-law. */
export function readWav(bytes: Uint8Array | ArrayBuffer): WavAudio {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const tag = (o: number) => String.fromCharCode(u8[o]!, u8[o + 1]!, u8[o + 2]!, u8[o + 3]!);
  if (u8.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('readWav: not a RIFF/WAVE file');
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  let data: Uint8Array | undefined;
  let o = 12;
  while (o + 8 <= u8.length) {
    const id = tag(o);
    const size = view.getUint32(o + 4, true);
    const body = o + 8;
    if (id === 'fmt ') {
      let format = view.getUint16(body, true);
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 40) format = view.getUint16(body + 24, true);
      fmt = { format, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      data = u8.subarray(body, Math.min(body + size, u8.length));
    }
    o = body + size + (size & 1); // chunks are word-aligned
  }
  if (!fmt) throw new Error('readWav: missing fmt chunk');
  if (!data) throw new Error('readWav: missing data chunk');
  const { format, channels, sampleRate, bits } = fmt;
  if (channels < 1) throw new Error('readWav: zero channels');
  let interleaved: Int16Array;
  let kind: WavAudio['format'];
  if (format === WAVE_FORMAT_PCM && bits === 16) {
    const count = data.length >> 1;
    interleaved = new Int16Array(count);
    const dv = new DataView(data.buffer, data.byteOffset, count * 2);
    for (let i = 0; i < count; i++) interleaved[i] = dv.getInt16(i * 2, true);
    kind = 'pcm16';
  } else if (format === WAVE_FORMAT_MULAW && bits === 8) {
    interleaved = decodeMulaw(data);
    kind = 'mulaw';
  } else {
    throw new Error(`readWav: unsupported format ${format} with ${bits} bits (need 16-bit PCM or 8-bit μ-law)`);
  }
  let samples = interleaved;
  if (channels > 1) {
    const frames = Math.floor(interleaved.length / channels);
    samples = new Int16Array(frames);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += interleaved[f * channels + c]!;
      samples[f] = Math.round(sum / channels);
    }
  }
  return { sampleRate, channels, format: kind, samples, data };
}

/** Writes mono 16-bit PCM as a WAV file (handy for tests and examples). */
export function writeWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const v = new DataView(out.buffer);
  const put = (o: number, s: string) => { for (let i = 0; i < 4; i++) out[o + i] = s.charCodeAt(i); };
  put(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, WAVE_FORMAT_PCM, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  put(36, 'data');
  v.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) v.setInt16(44 + i * 2, samples[i]!, true);
  return out;
}

/** Reads a WAV file and returns what the stream wants: mono 8 kHz μ-law bytes. */
export function wavToMulaw8k(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  const wav = readWav(bytes);
  if (wav.format === 'mulaw' && wav.channels === 1 && wav.sampleRate === 8000) return wav.data.slice();
  return encodeMulaw(resample(wav.samples, wav.sampleRate, 8000));
}
