// Server side of the socket: turns one client text frame into a validated message (and, for `audio.input`, PCM).
// The general path is JSON.parse + the generated validator + base64/μ-law decode. A frame in exactly the
// serialization `sendAudio` produces (src/internal/audio-frame.ts) takes a fast path that reads the fields at
// known offsets instead; it gives the same result as the general path (test/inbound.test.ts checks this with
// fast-check) and falls back to it for anything else: other spacing or key order, escapes, extra fields,
// numbers of 16+ digits, non-canonical base64. Before JSON.parse, the general path bounds the frame's nesting depth
// (the canonical frame is two levels deep, so the fast path needs no scan).
import type { AudioInput, ClientMessage, Ping, SessionEnd } from './generated/messages.js';
import { clientValidators, type ValidationError, type Validator } from './generated/validators.js';
import { mulawDecodeSample } from './audio/mulaw.js';
import { decodeMulawBase64 } from './audio/wire.js';
import { depthExceededAt, MAX_JSON_DEPTH } from './generated/json-limits.js';

/** `session.error` codes a server answers a refused client frame with. */
export type ClientFrameErrorCode = 'invalid_json' | 'unknown_message_type' | 'invalid_message' | 'invalid_audio_format';

export type DecodedClientFrame =
  | { ok: true; message: AudioInput; /** The decoded audio: a view of `out` when given. */ pcm: Int16Array }
  | { ok: true; message: Ping | SessionEnd; pcm?: undefined }
  | { ok: false; code: ClientFrameErrorCode; /** Human-readable reason. */ detail: string; errors?: ValidationError[] };

const validators = clientValidators as Record<string, Validator<ClientMessage>>;
const hasOwn = Object.prototype.hasOwnProperty;
const AUDIO_FORMAT_PATHS = new Set(['/audio/encoding', '/audio/sample_rate_hz', '/audio/payload']);

/**
 * Parses, validates and decodes one client → server text frame, as a server (or the stream mock) receives it.
 * Pass `out` (large enough for the frame's samples, else a RangeError) to decode audio without allocating.
 * Never throws on bad input: a refused frame is `{ ok: false, code, detail }` with the `session.error` code
 * (and leaves the contents of `out` unspecified).
 */
export function decodeClientFrame(text: string, out?: Int16Array): DecodedClientFrame {
  return decodeCanonicalAudioInput(text, out) ?? decodeClientFrameGeneral(text, out);
}

/** The general path: JSON.parse + the generated validator + decode. Exported for tests. */
export function decodeClientFrameGeneral(text: string, out?: Int16Array): DecodedClientFrame {
  const deep = depthExceededAt(text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    const detail = `The frame nests deeper than ${MAX_JSON_DEPTH} levels (at offset ${deep}): client frames are limited to a JSON depth of ${MAX_JSON_DEPTH}.`;
    return { ok: false, code: 'invalid_json', detail };
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid_json', detail: 'The frame is not valid JSON.' };
  }
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    return { ok: false, code: 'invalid_message', detail: 'A frame must be a JSON object with a `type`.' };
  }
  const type = (m as { type?: unknown }).type;
  if (typeof type !== 'string' || !hasOwn.call(validators, type)) {
    const shown = typeof type === 'string' ? JSON.stringify(type.slice(0, 64)) : 'missing';
    return { ok: false, code: 'unknown_message_type', detail: `Unknown message type ${shown}: send audio.input, ping or session.end.` };
  }
  const validate = validators[type]!;
  if (!validate(m)) {
    const errors = validate.errors ?? [];
    const e = errors[0];
    const code = e && AUDIO_FORMAT_PATHS.has(e.instancePath) ? 'invalid_audio_format' : 'invalid_message';
    return { ok: false, code, detail: `Invalid ${type}: ${e ? `${e.instancePath || '/'} ${e.message ?? e.keyword}` : 'rejected'}`, errors };
  }
  if (m.type !== 'audio.input') return { ok: true, message: m as Ping | SessionEnd };
  let pcm: Int16Array;
  try {
    pcm = decodeMulawBase64(m.audio.payload, out);
  } catch (err) {
    if (err instanceof RangeError) throw err; // `out` too small: the caller's bug, not the peer's
    return { ok: false, code: 'invalid_audio_format', detail: 'Invalid audio.input: /audio/payload is not valid base64.' };
  }
  return { ok: true, message: m, pcm };
}

// Everything before the payload, in the one serialization the fast path reads. Sticky, no captures: the numbers
// and the speaker are read at their offsets after it matched. 15 digits at most, so the value is exact.
const CANONICAL_HEAD =
  /\{"type":"audio\.input","sequence":(?:0|[1-9]\d{0,14}),"timestamp_ms":(?:0|[1-9]\d{0,14}),"speaker":"(?:agent|customer)","audio":\{"encoding":"mulaw","sample_rate_hz":8000,"payload":"/y;
const SEQUENCE_AT = '{"type":"audio.input","sequence":'.length;
const TIMESTAMP_GAP = ',"timestamp_ms":'.length;
const SPEAKER_GAP = ',"speaker":"'.length;

let pairTable: Int16Array | undefined;
let mulawTable: Int16Array | undefined;

/** 12-bit value of two base64 characters, indexed by (c0 << 7) | c1 (both < 128); -1 outside the alphabet. */
function buildPairTable(): Int16Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const t = new Int16Array(1 << 14).fill(-1);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) t[(alphabet.charCodeAt(i) << 7) | alphabet.charCodeAt(j)] = (i << 6) | j;
  return t;
}

function buildMulawTable(): Int16Array {
  const t = new Int16Array(256);
  for (let i = 0; i < 256; i++) t[i] = mulawDecodeSample(i);
  return t;
}

/** The fast path. Returns undefined (fall back) unless `text` is byte-for-byte canonical and fully valid. */
function decodeCanonicalAudioInput(text: string, out: Int16Array | undefined): DecodedClientFrame | undefined {
  CANONICAL_HEAD.lastIndex = 0;
  if (!CANONICAL_HEAD.test(text)) return undefined;
  const start = CANONICAL_HEAD.lastIndex;
  const end = text.length - 3;
  const len = end - start;
  // Strict base64: a whole number of quads, '=' only as padding of the last one. Empty payloads fall back.
  if (len <= 0 || (len & 3) !== 0 || text.charCodeAt(end) !== 34 || text.charCodeAt(end + 1) !== 125 || text.charCodeAt(end + 2) !== 125) {
    return undefined;
  }
  let pad = 0;
  if (text.charCodeAt(end - 1) === 61) pad = text.charCodeAt(end - 2) === 61 ? 2 : 1;
  const n = (len >> 2) * 3 - pad;
  if (out !== undefined && out.length < n) return undefined; // the general path throws the RangeError
  const dst = out ?? new Int16Array(n);
  const pairs = pairTable ?? (pairTable = buildPairTable());
  const mulaw = mulawTable ?? (mulawTable = buildMulawTable());
  const full = pad === 0 ? end : end - 4;
  let o = 0;
  let k = start;
  for (; k < full; k += 4) {
    const c0 = text.charCodeAt(k);
    const c1 = text.charCodeAt(k + 1);
    const c2 = text.charCodeAt(k + 2);
    const c3 = text.charCodeAt(k + 3);
    if ((c0 | c1 | c2 | c3) > 127) return undefined;
    const hi = pairs[(c0 << 7) | c1]!;
    const lo = pairs[(c2 << 7) | c3]!;
    if ((hi | lo) < 0) return undefined; // also catches '"', '\\' and '=': the payload cannot end early
    const v = (hi << 12) | lo;
    dst[o] = mulaw[v >> 16]!;
    dst[o + 1] = mulaw[(v >> 8) & 255]!;
    dst[o + 2] = mulaw[v & 255]!;
    o += 3;
  }
  if (pad !== 0) {
    // "xy==" → 1 byte, "xyz=" → 2 bytes; the unused low bits are ignored, as Node's decoder does.
    const c0 = text.charCodeAt(k);
    const c1 = text.charCodeAt(k + 1);
    const c2 = pad === 1 ? text.charCodeAt(k + 2) : 65; // 'A' stands in for the padding
    if ((c0 | c1 | c2) > 127) return undefined;
    const hi = pairs[(c0 << 7) | c1]!;
    const lo = pairs[(c2 << 7) | 65]!;
    if ((hi | lo) < 0) return undefined;
    const v = (hi << 12) | lo;
    dst[o++] = mulaw[v >> 16]!;
    if (pad === 1) dst[o++] = mulaw[(v >> 8) & 255]!;
  }
  let i = SEQUENCE_AT;
  let sequence = 0;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) sequence = sequence * 10 + (c - 48);
  i += TIMESTAMP_GAP;
  let timestamp = 0;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) timestamp = timestamp * 10 + (c - 48);
  const speaker = text.charCodeAt(i + SPEAKER_GAP) === 97 ? 'agent' : 'customer';
  return {
    ok: true,
    message: { type: 'audio.input', sequence, timestamp_ms: timestamp, speaker, audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: text.slice(start, end) } },
    pcm: n === dst.length ? dst : dst.subarray(0, n),
  };
}
