// G.711 μ-law, table-driven. The encoder only depends on the top 14 bits of a sample (G.711 works on
// 14-bit linear input), so one 16,384-entry table covers all 65,536 inputs exactly.

/** Computes one μ-law code the way ITU-T G.191 `ulaw_compress` does. Used to build the table. */
export function mulawEncodeSample(sample: number): number {
  const s = sample | 0;
  let absno = s < 0 ? (~s >> 2) + 33 : (s >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let i = absno >> 6;
  let segno = 1;
  while (i !== 0) {
    segno++;
    i >>= 1;
  }
  const high = 8 - segno;
  const low = 0x0f - ((absno >> segno) & 0x0f);
  let code = (high << 4) | low;
  if (s >= 0) code |= 0x80;
  return code & 0xff;
}

/** Expands one μ-law code the way ITU-T G.191 `ulaw_expand` does. Used to build the table. */
export function mulawDecodeSample(code: number): number {
  const c = code & 0xff;
  const sign = c < 0x80 ? -1 : 1;
  const inv = ~c;
  const exponent = (inv >> 4) & 0x07;
  const mantissa = inv & 0x0f;
  const step = 4 << (exponent + 1);
  return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33);
}

let encodeTable: Uint8Array | undefined;
let decodeTable: Int16Array | undefined;

// Tables are built on first use so importing the module costs nothing (and stays tree-shakeable).
/** The 16,384-entry encode table (index: sample >> 2, as 14-bit two's complement). */
export function mulawEncodeTable(): Uint8Array {
  return encodeTable ?? getEncodeTable();
}

function getEncodeTable(): Uint8Array {
  if (encodeTable) return encodeTable;
  const t = new Uint8Array(16384);
  for (let i = 0; i < 16384; i++) t[i] = mulawEncodeSample((i << 18) >> 16); // sign-extend the 14-bit index
  return (encodeTable = t);
}

function getDecodeTable(): Int16Array {
  if (decodeTable) return decodeTable;
  const t = new Int16Array(256);
  for (let i = 0; i < 256; i++) t[i] = mulawDecodeSample(i);
  return (decodeTable = t);
}

/**
 * Encodes 16-bit linear PCM to 8-bit G.711 μ-law, one byte per sample. Pass `out` (at least
 * `pcm.length` bytes) to reuse a buffer on hot paths.
 */
export function encodeMulaw(pcm: Int16Array, out?: Uint8Array): Uint8Array {
  const table = encodeTable ?? getEncodeTable();
  const n = pcm.length;
  const dst = out ?? new Uint8Array(n);
  if (dst.length < n) throw new RangeError(`encodeMulaw: output holds ${dst.length} bytes, need ${n}`);
  for (let i = 0; i < n; i++) dst[i] = table[(pcm[i]! >> 2) & 0x3fff]!;
  return dst.length === n ? dst : dst.subarray(0, n);
}

/**
 * Decodes 8-bit G.711 μ-law to 16-bit linear PCM. Pass `out` (at least `mulaw.length` samples) to reuse a
 * buffer on hot paths.
 */
export function decodeMulaw(mulaw: Uint8Array, out?: Int16Array): Int16Array {
  const table = decodeTable ?? getDecodeTable();
  const n = mulaw.length;
  const dst = out ?? new Int16Array(n);
  if (dst.length < n) throw new RangeError(`decodeMulaw: output holds ${dst.length} samples, need ${n}`);
  for (let i = 0; i < n; i++) dst[i] = table[mulaw[i]!]!;
  return dst.length === n ? dst : dst.subarray(0, n);
}

/** Encoder that computes every sample instead of looking it up (the benchmark's reference). */
export function encodeMulawComputed(pcm: Int16Array): Uint8Array {
  const n = pcm.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = mulawEncodeSample(pcm[i]!);
  return out;
}
