// Hot-path helpers between μ-law audio and the base64 `audio.payload` of the wire format.
import { base64DecodedLength, base64ToBytes, bytesToBase64 } from '../internal/base64.js';
import { mulawDecodeSample, mulawEncodeTable as encodeTable } from './mulaw.js';

type NodeBufferish = Uint8Array & {
  write(s: string, offset: number, encoding: 'base64'): number;
  // Node's own fast path behind write(…, 'base64'); skipping write()'s argument handling is measurable per frame.
  base64Write?: (s: string, offset: number) => number;
  toString(encoding?: string, start?: number, end?: number): string;
};
const NodeBuffer = (globalThis as { Buffer?: { from(ab: ArrayBufferLike, off?: number, len?: number): NodeBufferish; prototype: NodeBufferish } }).Buffer;
const HAS_BASE64_WRITE = typeof NodeBuffer?.prototype.base64Write === 'function';

let scratch = new Uint8Array(2048);
let scratchNode: NodeBufferish | undefined;
let encodeScratch = new Uint8Array(2048);
let encodeScratchNode: NodeBufferish | undefined;
let decodeTable: Int16Array | undefined;

function buildDecodeTable(): Int16Array {
  const t = new Int16Array(256);
  for (let i = 0; i < 256; i++) t[i] = mulawDecodeSample(i);
  return t;
}

function growScratch(n: number): void {
  scratch = new Uint8Array((Math.max(n, scratch.length * 2) + 3) & ~3);
  scratchNode = undefined;
}

function padEnd(payload: string): number {
  let end = payload.length;
  if (end > 0 && payload.charCodeAt(end - 1) === 61) {
    end--;
    if (end > 0 && payload.charCodeAt(end - 1) === 61) end--;
  }
  return end;
}

/** Node: native base64 into a reused Buffer, then one table lookup per sample. Kept small so V8 inlines it. */
function decodeNode(payload: string, out: Int16Array): number {
  const len = payload.length;
  const end = padEnd(payload);
  const n = (end * 3) >> 2;
  if (out.length < n) throw new RangeError(`decodeMulawBase64Into: output holds ${out.length} samples, need ${n}`);
  if (scratch.length < n) growScratch(n);
  const buf = (scratchNode ??= NodeBuffer!.from(scratch.buffer, scratch.byteOffset, scratch.byteLength));
  const written = HAS_BASE64_WRITE ? buf.base64Write!(payload, 0) : buf.write(payload, 0, 'base64');
  // Node skips bad characters and stops at '=': a short result means invalid input. Like Node (and
  // base64ToBytes), the URL-safe '-' and '_' are read as '+' and '/'; scanning for them costs ~15% of a frame.
  if (written !== n || (len & 3) === 1 || end < len - 2) {
    throw new Error('decodeMulawBase64Into: invalid base64');
  }
  const table = decodeTable ?? (decodeTable = buildDecodeTable());
  const src = scratch;
  for (let i = 0; i < written; i++) out[i] = table[src[i]!]!;
  return written;
}

function decodePortable(payload: string, out: Int16Array): number {
  const n = (padEnd(payload) * 3) >> 2;
  if (out.length < n) throw new RangeError(`decodeMulawBase64Into: output holds ${out.length} samples, need ${n}`);
  if (scratch.length < n) growScratch(n);
  const written = base64ToBytes(payload, scratch).length;
  const table = decodeTable ?? (decodeTable = buildDecodeTable());
  for (let i = 0; i < written; i++) out[i] = table[scratch[i]!]!;
  return written;
}

/**
 * Decodes a base64 μ-law `audio.payload` into `out` and returns the number of samples, allocating nothing:
 * the receive path for audio. Throws on invalid base64 or when `out` is too small.
 */
export function decodeMulawBase64Into(payload: string, out: Int16Array): number {
  return NodeBuffer ? decodeNode(payload, out) : decodePortable(payload, out);
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
