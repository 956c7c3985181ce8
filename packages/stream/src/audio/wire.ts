// Hot-path helpers between μ-law audio and the base64 `audio.payload` of the wire format.
import { base64DecodedLength, base64ToBytes, bytesToBase64 } from '../internal/base64.js';
import { decodeMulaw, mulawDecodeSample, mulawEncodeTable as encodeTable } from './mulaw.js';

type NodeBufferish = Uint8Array & { write(s: string, offset: number, encoding: 'base64'): number; toString(encoding?: string, start?: number, end?: number): string };
const NodeBuffer = (globalThis as { Buffer?: { from(ab: ArrayBufferLike, off?: number, len?: number): NodeBufferish } }).Buffer;

let scratch = new Uint8Array(2048);
let scratchNode: NodeBufferish | undefined;
let scratch16: Uint16Array | undefined;
let lastOut: Int16Array | undefined;
let lastOut32: Int32Array | undefined;
let encodeScratch = new Uint8Array(2048);
let encodeScratchNode: NodeBufferish | undefined;
let pairTable: Int32Array | undefined; // two decoded samples per pair of μ-law bytes (little-endian packing)
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function getPairTable(): Int32Array {
  if (pairTable) return pairTable;
  const single = new Int16Array(256);
  for (let i = 0; i < 256; i++) single[i] = mulawDecodeSample(i);
  const t = new Int32Array(65536);
  for (let lo = 0; lo < 256; lo++) for (let hi = 0; hi < 256; hi++) t[lo | (hi << 8)] = (single[lo]! & 0xffff) | (single[hi]! << 16);
  return (pairTable = t);
}

function growScratch(n: number): void {
  scratch = new Uint8Array((Math.max(n, scratch.length * 2) + 3) & ~3);
  scratchNode = undefined;
  scratch16 = undefined;
}

/**
 * Decodes a base64 μ-law `audio.payload` into `out` and returns the number of samples, allocating nothing:
 * the receive path for audio. Throws on invalid base64 or when `out` is too small.
 */
export function decodeMulawBase64Into(payload: string, out: Int16Array): number {
  const len = payload.length;
  let end = len;
  if (end > 0 && payload.charCodeAt(end - 1) === 61) {
    end--;
    if (end > 0 && payload.charCodeAt(end - 1) === 61) end--;
  }
  const n = (end * 3) >> 2;
  if (out.length < n) throw new RangeError(`decodeMulawBase64Into: output holds ${out.length} samples, need ${n}`);
  if (scratch.length < n) growScratch(n);
  let written: number;
  if (NodeBuffer) {
    written = (scratchNode ??= NodeBuffer.from(scratch.buffer, scratch.byteOffset, scratch.byteLength)).write(payload, 0, 'base64');
    // Node skips bad characters (short result), stops at '=' and accepts the URL-safe alphabet ('-', '_').
    if (written !== n || (len & 3) === 1 || (end < len - 2) || payload.indexOf('-') !== -1 || payload.indexOf('_') !== -1) {
      throw new Error('decodeMulawBase64Into: invalid base64');
    }
  } else {
    written = base64ToBytes(payload, scratch).length;
  }
  if (out !== lastOut) {
    lastOut = out;
    // Two samples per lookup needs an aligned Int32 view of `out` (views are cached: allocating per frame costs more than decoding).
    lastOut32 = LITTLE_ENDIAN && (out.byteOffset & 3) === 0 ? new Int32Array(out.buffer, out.byteOffset, out.length >> 1) : undefined;
  }
  const dst = lastOut32;
  if (dst) {
    const table = pairTable ?? getPairTable();
    const src = (scratch16 ??= new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >> 1));
    const half = written >> 1;
    for (let i = 0; i < half; i++) dst[i] = table[src[i]!]!;
    if (written & 1) out[written - 1] = mulawDecodeSample(scratch[written - 1]!);
    return written;
  }
  decodeMulaw(scratch.subarray(0, written), out);
  return written;
}

/** Decodes a base64 μ-law `audio.payload` to PCM (a new array, or a view of `out` when given). */
export function decodeMulawBase64(payload: string, out?: Int16Array): Int16Array {
  const dst = out ?? new Int16Array(base64DecodedLength(payload));
  const n = decodeMulawBase64Into(payload, dst);
  return n === dst.length ? dst : dst.subarray(0, n);
}

/** Encodes PCM to μ-law and base64 in one step, reusing an internal buffer: the send path for PCM. */
export function encodeMulawBase64(pcm: Int16Array): string {
  const n = pcm.length;
  if (encodeScratch.length < n) {
    encodeScratch = new Uint8Array(Math.max(n, encodeScratch.length * 2));
    encodeScratchNode = undefined;
  }
  const table = encodeTable();
  const dst = encodeScratch;
  for (let i = 0; i < n; i++) dst[i] = table[(pcm[i]! >> 2) & 0x3fff]!;
  if (NodeBuffer) {
    encodeScratchNode ??= NodeBuffer.from(dst.buffer, dst.byteOffset, dst.byteLength);
    return encodeScratchNode.toString('base64', 0, n);
  }
  return bytesToBase64(dst.subarray(0, n));
}
