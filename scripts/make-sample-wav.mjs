#!/usr/bin/env node
// Writes packages/stream/examples/call.wav: 1.6 s of 8 kHz mono μ-law (about 13 KB), a soft two-tone
// "voice-like" signal. Long enough for the mock's first transcript.final (1.5 s of audio). Deterministic:
// running it again gives the same bytes.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rate = 8000;
const seconds = 1.6;
const n = Math.round(rate * seconds);
// G.711 μ-law encode (the stream package has a tested encoder; this script must not need a build).
function mulaw(sample) {
  const BIAS = 0x84;
  let s = Math.max(-32635, Math.min(32635, sample));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s += BIAS;
  let exp = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mant = (s >> (exp + 3)) & 0x0f;
  return ~(sign | (exp << 4) | mant) & 0xff;
}
const data = Buffer.alloc(n);
for (let i = 0; i < n; i++) {
  const t = i / rate;
  const env = Math.sin(Math.PI * ((t * 2.5) % 1)) ** 2; // syllable-like envelope
  data[i] = mulaw(Math.round(6000 * env * (Math.sin(2 * Math.PI * 220 * t) + 0.5 * Math.sin(2 * Math.PI * 660 * t))));
}
const header = Buffer.alloc(46);
header.write('RIFF', 0);
header.writeUInt32LE(38 + n, 4);
header.write('WAVE', 8);
header.write('fmt ', 12);
header.writeUInt32LE(18, 16); // fmt chunk size (non-PCM formats carry cbSize)
header.writeUInt16LE(7, 20); // WAVE_FORMAT_MULAW
header.writeUInt16LE(1, 22); // mono
header.writeUInt32LE(rate, 24);
header.writeUInt32LE(rate, 28); // byte rate
header.writeUInt16LE(1, 32); // block align
header.writeUInt16LE(8, 34); // bits per sample
header.writeUInt16LE(0, 36); // cbSize
header.write('data', 38);
header.writeUInt32LE(n, 42);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'stream', 'examples', 'call.wav');
writeFileSync(out, Buffer.concat([header, data]));
console.log(`wrote ${out} (${header.length + n} bytes)`);
