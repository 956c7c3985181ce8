// Strict comparison of one client frame with the recorded one. JSON frames compare canonically, without
// `timestamp_ms` (the client's clock, different every run); audio recorded as `sha256:<hex>;bytes=<n>` compares
// by length at once and by hash (Web Crypto, so it runs in browsers too) a moment later.
import type { RecordedFrame } from './cassette.js';
import { canonicalJson, firstDifference, show } from './diff.js';

const HASHED = /^sha256:([0-9a-f]{64});bytes=(\d+)$/;

type Verdict = string | undefined | Promise<string | undefined>;

/** Undefined when the frame matches; else why it differs (possibly later, for hashed audio). */
export function checkClientFrame(recorded: RecordedFrame, data: string | Uint8Array): Verdict {
  if (recorded.opcode === 2 || typeof data !== 'string') return checkBinary(recorded, data);
  const r = parse(recorded.data);
  const s = parse(data);
  if (r === undefined || s === undefined) return recorded.data === data ? undefined : `differs (recorded ${show(recorded.data)}, sent ${show(data)})`;
  const hashed = hashedPayload(r);
  const rCmp = withoutVolatile(r, hashed !== undefined);
  const sCmp = withoutVolatile(s, hashed !== undefined);
  if (canonicalJson(rCmp) !== canonicalJson(sCmp)) {
    const d = firstDifference(rCmp, sCmp);
    return `differs at ${d?.pointer || '/'} (recorded ${show(d?.recorded)}, sent ${show(d?.sent)})`;
  }
  if (!hashed) return undefined;
  const payload = (s as { audio?: { payload?: unknown } }).audio?.payload;
  if (typeof payload !== 'string') return 'has no audio payload';
  return compareHash(hashed, base64Bytes(payload), '/audio/payload');
}

function checkBinary(recorded: RecordedFrame, data: string | Uint8Array): Verdict {
  const sent = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (recorded.opcode !== 2) return `is binary (${sent.length} bytes); the recording has a text frame`;
  const m = HASHED.exec(recorded.data);
  if (m) return compareHash({ hex: m[1]!, bytes: Number(m[2]) }, sent, 'the binary frame');
  const rec = base64Bytes(recorded.data);
  if (rec.length !== sent.length) return `is ${sent.length} bytes; the recording has ${rec.length}`;
  const at = rec.findIndex((b, i) => b !== sent[i]);
  return at === -1 ? undefined : `differs at byte ${at}`;
}

function compareHash(h: { hex: string; bytes: number }, sent: Uint8Array, what: string): Verdict {
  if (sent.length !== h.bytes) return `differs at ${what}: ${sent.length} audio bytes, the recording has ${h.bytes}`;
  return sha256Hex(sent).then((hex) => (hex === h.hex ? undefined : `differs at ${what}: same length (${h.bytes} bytes), other audio`));
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function parse(text: string): unknown {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function hashedPayload(msg: unknown): { hex: string; bytes: number } | undefined {
  const payload = (msg as { audio?: { payload?: unknown } } | null)?.audio?.payload;
  const m = typeof payload === 'string' ? HASHED.exec(payload) : null;
  return m ? { hex: m[1]!, bytes: Number(m[2]) } : undefined;
}

function withoutVolatile(msg: unknown, dropPayload: boolean): unknown {
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return msg;
  const { timestamp_ms: _clientClock, ...rest } = msg as Record<string, unknown>;
  if (dropPayload && rest.audio && typeof rest.audio === 'object') {
    const { payload: _payload, ...audio } = rest.audio as Record<string, unknown>;
    rest.audio = audio;
  }
  return rest;
}

function base64Bytes(b64: string): Uint8Array {
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}

/** The `type` of a JSON text frame, or undefined. */
export function frameType(data: string): string | undefined {
  if (!data.includes('"type"')) return undefined;
  const t = (parse(data) as { type?: unknown } | undefined)?.type;
  return typeof t === 'string' ? t : undefined;
}

/** `audio.input sequence 3`, `session.end`, `binary 800 bytes`: a frame as a message names it. */
export function describeFrame(data: string | Uint8Array): string {
  if (typeof data !== 'string') return `binary ${data.length} bytes`;
  const msg = parse(data) as { type?: unknown; sequence?: unknown } | undefined;
  if (!msg || typeof msg.type !== 'string') return `text ${show(data, 60)}`;
  return typeof msg.sequence === 'number' ? `${msg.type} sequence ${msg.sequence}` : msg.type;
}

export function countAudio(frames: RecordedFrame[]): number {
  return frames.filter((f) => f.data.includes('"audio.input"') || f.opcode === 2).length;
}

/** Ms of 8 kHz μ-law audio in an `audio.input` frame (one byte per sample), full or hashed. */
export function audioMs(data: string): number {
  const msg = parse(data) as { type?: unknown; audio?: { payload?: unknown } } | undefined;
  if (msg?.type !== 'audio.input' || typeof msg.audio?.payload !== 'string') return 0;
  const hashed = HASHED.exec(msg.audio.payload);
  const bytes = hashed ? Number(hashed[2]) : Math.floor((msg.audio.payload.replace(/=+$/, '').length * 3) / 4);
  return bytes / 8;
}
