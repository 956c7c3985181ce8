// MP3 from μ-law with lamejs (pure JS): 8 kHz mono, 16 kbit/s, as telephony recordings are.
import { Mp3Encoder } from '@breezystack/lamejs';
import { mulawToPcm } from './audio.js';

const CHUNK = 1152 * 8;

export function encodeMp3(mulaw: Uint8Array): Uint8Array {
  const pcm = mulawToPcm(mulaw);
  const enc = new Mp3Encoder(1, 8000, 16);
  const parts: Uint8Array[] = [];
  const keep = (b: ArrayLike<number> & { buffer?: ArrayBufferLike; byteOffset?: number }) => {
    if (!b.length) return;
    const view = b as unknown as Int8Array;
    parts.push(new Uint8Array(view.buffer, view.byteOffset, view.length).slice());
  };
  for (let i = 0; i < pcm.length; i += CHUNK) keep(enc.encodeBuffer(pcm.subarray(i, i + CHUNK)));
  keep(enc.flush());
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
