// Base64 without Node built-ins: Buffer when the runtime has it (native, fast), a table-driven codec otherwise.
// Decoding is strict in both paths: characters outside the alphabet or misplaced padding throw; the URL-safe
// '-' and '_' are read as '+' and '/' (what Node's decoder does, and checking for them costs a scan per frame).

interface NodeBufferLike extends Uint8Array {
  toString(encoding?: string): string;
  write(data: string, offset: number, encoding: 'base64'): number;
}
type BufferCtor = {
  from(data: ArrayBufferLike, byteOffset?: number, length?: number): NodeBufferLike;
  from(data: string, encoding: 'base64'): NodeBufferLike;
};
const NodeBuffer = (globalThis as { Buffer?: BufferCtor }).Buffer;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
let decodeLookup: Int16Array | undefined;

/** Encodes bytes as standard (padded) base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
  }
  if (i < n) {
    const v = (bytes[i]! << 16) | ((i + 1 < n ? bytes[i + 1]! : 0) << 8);
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + (i + 1 < n ? ALPHABET[(v >> 6) & 63]! : '=') + '=';
  }
  return out;
}

/** Number of bytes `b64` decodes to (ignoring up to two trailing `=`). */
export function base64DecodedLength(b64: string): number {
  let end = b64.length;
  if (end > 0 && b64.charCodeAt(end - 1) === 61) end--;
  if (end > 0 && b64.charCodeAt(end - 1) === 61) end--;
  return Math.floor((end * 3) / 4);
}

let lastOut: Uint8Array | undefined;
let lastView: NodeBufferLike | undefined;

/**
 * Decodes standard base64. Pass `out` (at least `base64DecodedLength(b64)` bytes) to decode without
 * allocating. Throws on characters outside the alphabet or misplaced padding.
 */
export function base64ToBytes(b64: string, out?: Uint8Array): Uint8Array {
  const expected = base64DecodedLength(b64);
  if (out && out.length < expected) throw new RangeError(`base64ToBytes: output holds ${out.length} bytes, need ${expected}`);
  if (NodeBuffer) {
    // Node's decoder skips bad characters (a short result means invalid input) and reads '-'/'_' as '+'/'/'.
    let written: number;
    let result: Uint8Array;
    if (out) {
      if (out !== lastOut) {
        lastOut = out;
        lastView = NodeBuffer.from(out.buffer, out.byteOffset, out.byteLength);
      }
      written = lastView!.write(b64, 0, 'base64');
      result = written === out.length ? out : out.subarray(0, written);
    } else {
      result = NodeBuffer.from(b64, 'base64');
      written = result.length;
    }
    const eq = b64.indexOf('=');
    if (written !== expected || (b64.length & 3) === 1 || (eq !== -1 && eq < b64.length - 2)) {
      throw new Error('base64ToBytes: invalid base64');
    }
    return out ? result : new Uint8Array(result.buffer, result.byteOffset, result.length);
  }
  if (!decodeLookup) {
    decodeLookup = new Int16Array(128).fill(-1);
    for (let i = 0; i < 64; i++) decodeLookup[ALPHABET.charCodeAt(i)] = i;
    decodeLookup[45] = 62; // '-' and '_' (URL-safe alphabet) decode like '+' and '/', as in Node
    decodeLookup[95] = 63;
  }
  const table = decodeLookup;
  let end = b64.length;
  while (end > 0 && end > b64.length - 2 && b64.charCodeAt(end - 1) === 61) end--;
  if ((end & 3) === 1) throw new Error('base64ToBytes: invalid base64');
  const dst = out ?? new Uint8Array(expected);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = b64.charCodeAt(i);
    const v = c < 128 ? table[c]! : -1;
    if (v < 0) throw new Error(`base64ToBytes: invalid base64 character at ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      dst[o++] = (acc >> bits) & 0xff;
    }
  }
  return o === dst.length ? dst : dst.subarray(0, o);
}
