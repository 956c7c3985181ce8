// Base64 without Node built-ins: Buffer when the runtime has it (fast), a table-driven codec otherwise.

type BufferLike = {
  from(data: Uint8Array | ArrayBuffer | string, byteOffsetOrEncoding?: number | string, length?: number): Uint8Array & { toString(enc: string): string };
};
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
let decodeLookup: Int16Array | undefined;

/** Encodes bytes as standard (padded) base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString('base64');
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

/** Decodes standard base64; throws on characters outside the alphabet. */
export function base64ToBytes(b64: string): Uint8Array {
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(b64, 'base64'));
  if (!decodeLookup) {
    decodeLookup = new Int16Array(128).fill(-1);
    for (let i = 0; i < 64; i++) decodeLookup[ALPHABET.charCodeAt(i)] = i;
  }
  const table = decodeLookup;
  let end = b64.length;
  while (end > 0 && b64.charCodeAt(end - 1) === 61) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = b64.charCodeAt(i);
    const v = c < 128 ? table[c]! : -1;
    if (v < 0) throw new Error(`base64ToBytes: invalid character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}
