// Cassettes in: a HAR 1.2 document (with `_webSocketMessages` and `_kallglot` marks, as `kallglot-contract proxy
// --record` writes) parsed, bounded and checked, then turned into the three recordings a replay needs:
// REST exchanges, stream connections and webhook deliveries, each in recorded order.
import { harViolation } from './har-schema.js';

export type Anchor = { kind: 'start' } | { kind: 'http'; index: number } | { kind: 'frame'; socket: number; frame: number };

export interface RecordedHttp {
  /** Position among the cassette's REST exchanges. */
  index: number;
  entry: number;
  method: string;
  path: string;
  /** Query pairs as recorded. */
  query: [string, string][];
  requestBody: Uint8Array;
  status: number;
  responseHeaders: [string, string][];
  responseBody: Uint8Array;
  /** Epoch ms when the request started and when its answer ended. */
  startedAt: number;
  endedAt: number;
}

export interface RecordedFrame {
  direction: 'send' | 'receive';
  /** Ms after the connection opened. */
  offsetMs: number;
  opcode: number;
  /** Text frames as sent; binary frames as base64 (or `sha256:<hex>;bytes=<n>` for hashed audio). */
  data: string;
}

export interface RecordedSocket {
  index: number;
  entry: number;
  url: string;
  path: string;
  token: string | null;
  startedAt: number;
  frames: RecordedFrame[];
  close?: { code: number; reason: string; offsetMs: number };
}

export interface RecordedWebhook {
  index: number;
  entry: number;
  url: string;
  headers: [string, string][];
  body: Uint8Array;
  /** What the delivery followed in the recording, and how long after it. */
  anchor: Anchor;
  delayMs: number;
}

export interface Cassette {
  http: RecordedHttp[];
  sockets: RecordedSocket[];
  webhooks: RecordedWebhook[];
  audio: 'full' | 'hash';
  startedAt: number;
}

export interface LoadCassetteOptions {
  /** Where the cassette came from, for error messages. */
  source?: string;
  maxBytes?: number;
  maxEntries?: number;
  maxFramesPerSocket?: number;
}

export class CassetteError extends Error {
  override name = 'CassetteError';
}

export const DEFAULT_MAX_CASSETTE_BYTES = 128 * 1024 * 1024;

/** Parses and checks a cassette given as JSON text, bytes or an already-parsed object. */
export function loadCassette(input: string | Uint8Array | object, options: LoadCassetteOptions = {}): Cassette {
  const source = options.source ?? 'cassette';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CASSETTE_BYTES;
  let doc: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const size = typeof input === 'string' ? new TextEncoder().encode(input).length : input.length;
    if (size > maxBytes) throw new CassetteError(`${source} is ${size} bytes; the limit is ${maxBytes} (maxBytes). Record a shorter session, record audio as hashes (--record-audio hash), or raise the limit.`);
    try {
      doc = JSON.parse(typeof input === 'string' ? input : new TextDecoder().decode(input));
    } catch (e) {
      throw new CassetteError(`${source} is not JSON (${(e as Error).message}). A cassette is the HAR file that \`kallglot-contract proxy --record\` writes.`);
    }
  }
  const violation = harViolation(doc);
  if (violation) throw new CassetteError(`${source} is not a valid HAR 1.2 document: ${violation}`);
  const entries = (doc as { log: { entries: RawEntry[] } }).log.entries;
  if (entries.length > (options.maxEntries ?? 10_000)) throw new CassetteError(`${source} holds ${entries.length} entries; the limit is ${options.maxEntries ?? 10_000} (maxEntries).`);
  return build(entries, (doc as { log: { _kallglot?: { audio?: string } } }).log._kallglot?.audio === 'hash' ? 'hash' : 'full', source, options.maxFramesPerSocket ?? 500_000);
}

interface RawEntry {
  startedDateTime: string;
  time: number;
  request: { method: string; url: string; headers: { name: string; value: string }[]; postData?: { text?: string; _encoding?: string } };
  response: { status: number; headers: { name: string; value: string }[]; content: { text?: string; encoding?: string } };
  _resourceType?: string;
  _webSocketMessages?: { type: string; time: number; opcode: number; data: string }[];
  _kallglot?: { kind?: string; close?: { code: number; reason: string; time: number } };
}

function build(entries: RawEntry[], audio: 'full' | 'hash', source: string, maxFrames: number): Cassette {
  const c: Cassette = { http: [], sockets: [], webhooks: [], audio, startedAt: Infinity };
  const pendingHooks: { entry: number; at: number; raw: RawEntry }[] = [];
  entries.forEach((raw, i) => {
    const where = `${source} entry ${i}`;
    const startedAt = Date.parse(raw.startedDateTime);
    if (!Number.isFinite(startedAt)) throw new CassetteError(`${where}: startedDateTime '${raw.startedDateTime}' is not a date`);
    c.startedAt = Math.min(c.startedAt, startedAt);
    const kind = raw._kallglot?.kind ?? (raw._resourceType === 'websocket' ? 'websocket' : 'http');
    if (kind === 'websocket' || raw._resourceType === 'websocket') c.sockets.push(socket(raw, i, c.sockets.length, startedAt, where, maxFrames));
    else if (kind === 'webhook') pendingHooks.push({ entry: i, at: startedAt, raw });
    else c.http.push(http(raw, i, c.http.length, startedAt, where));
  });
  if (!Number.isFinite(c.startedAt)) c.startedAt = 0;
  for (const h of pendingHooks) {
    const { anchor, at } = anchorFor(c, h.at);
    c.webhooks.push({
      index: c.webhooks.length, entry: h.entry, url: h.raw.request.url,
      headers: h.raw.request.headers.map((x) => [x.name, x.value]),
      body: bytes(h.raw.request.postData?.text, h.raw.request.postData?._encoding, `${source} entry ${h.entry} request body`),
      anchor, delayMs: Math.max(0, h.at - at),
    });
  }
  return c;
}

/** HAR wants absolute URLs; a relative one is read liberally (only its path and query matter to a replay). */
function parseUrl(url: string, where: string): URL {
  try {
    return new URL(url, 'http://cassette.invalid');
  } catch {
    throw new CassetteError(`${where}: request.url '${url}' is not a URL`);
  }
}

function http(raw: RawEntry, entry: number, index: number, startedAt: number, where: string): RecordedHttp {
  const url = parseUrl(raw.request.url, where);
  return {
    index, entry, method: raw.request.method.toUpperCase(), path: url.pathname, query: [...url.searchParams],
    requestBody: bytes(raw.request.postData?.text, raw.request.postData?._encoding, `${where} request body`),
    status: raw.response.status,
    responseHeaders: raw.response.headers.map((h) => [h.name, h.value]),
    responseBody: bytes(raw.response.content.text, raw.response.content.encoding, `${where} response body`),
    startedAt, endedAt: startedAt + Math.max(0, raw.time),
  };
}

function socket(raw: RawEntry, entry: number, index: number, startedAt: number, where: string, maxFrames: number): RecordedSocket {
  const url = parseUrl(raw.request.url, where);
  const messages = raw._webSocketMessages ?? [];
  if (!Array.isArray(messages)) throw new CassetteError(`${where}: _webSocketMessages must be an array`);
  if (messages.length > maxFrames) throw new CassetteError(`${where}: ${messages.length} WebSocket messages; the limit is ${maxFrames} (maxFramesPerSocket)`);
  const frames = messages.map((m, k): RecordedFrame => {
    const ok = (m?.type === 'send' || m?.type === 'receive') && typeof m.time === 'number' && Number.isFinite(m.time) && typeof m.opcode === 'number' && typeof m.data === 'string';
    if (!ok) throw new CassetteError(`${where}: _webSocketMessages[${k}] needs type 'send'|'receive', a numeric time (Unix seconds), an opcode and string data`);
    return { direction: m.type as 'send' | 'receive', offsetMs: Math.max(0, Math.round(m.time * 1000 - startedAt)), opcode: m.opcode, data: m.data };
  });
  const close = raw._kallglot?.close;
  const s: RecordedSocket = { index, entry, url: raw.request.url, path: url.pathname, token: url.searchParams.get('token'), startedAt, frames };
  if (close && typeof close.code === 'number') s.close = { code: close.code, reason: String(close.reason ?? ''), offsetMs: Math.max(0, Math.round(close.time * 1000 - startedAt)) };
  return s;
}

/** The last REST answer or server frame that ended at or before `at` (the delivery's cause, as far as a recording tells). */
function anchorFor(c: Cassette, at: number): { anchor: Anchor; at: number } {
  let best: { anchor: Anchor; at: number } = { anchor: { kind: 'start' }, at: c.startedAt };
  for (const h of c.http) if (h.endedAt <= at && h.endedAt >= best.at) best = { anchor: { kind: 'http', index: h.index }, at: h.endedAt };
  for (const s of c.sockets) {
    s.frames.forEach((f, k) => {
      const t = s.startedAt + f.offsetMs;
      if (f.direction === 'receive' && t <= at && t >= best.at) best = { anchor: { kind: 'frame', socket: s.index, frame: k }, at: t };
    });
  }
  return best;
}

function bytes(text: string | undefined, encoding: string | undefined, where: string): Uint8Array {
  if (!text) return new Uint8Array(0);
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new CassetteError(`${where} is marked base64 but is not base64`);
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  }
  return new TextEncoder().encode(text);
}
