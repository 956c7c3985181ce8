// The recorder: takes the proxy's plain observer events and builds one HAR cassette in memory, redacted as it
// goes (nothing unredacted is ever kept), bounded in entries, frames and bytes. `write(path)` stores it.
import { rename, writeFile } from 'node:fs/promises';
import {
  bodyText, byteLength, harHeaders, harQuery, headerValue, statusText,
  type BodyInput, type Har, type HarEntry, type HarWebSocketMessage, type HeaderInput,
} from './har.js';
import { hashAudioFrame } from './audio.js';
import { createRedactor, type RedactionOptions, type Redactor } from './redact.js';

export interface HttpExchangeEvent {
  request: { method: string; url: string; headers: HeaderInput; body?: BodyInput };
  response: { status: number; headers: HeaderInput; body?: BodyInput };
  /** When the request started: epoch ms, a Date or an ISO string. */
  startedAt: number | Date | string;
  durationMs: number;
}
export interface WebSocketOpenEvent {
  url: string;
  headers?: HeaderInput;
  /** Epoch ms; default: the recorder's clock. */
  time?: number;
  /** Tells concurrent connections apart; default: the last opened one. */
  id?: string;
}
export interface WebSocketMessageEvent {
  direction: 'send' | 'receive';
  /** 1 text, 2 binary. */
  opcode: number;
  data: string | Uint8Array;
  /** Epoch ms. */
  time: number;
  id?: string;
}
export interface WebSocketCloseEvent {
  code: number;
  reason: string;
  time?: number;
  id?: string;
}
export interface WebhookDeliveryEvent {
  headers: HeaderInput;
  body: BodyInput;
  /** Where the delivery was forwarded; default `urn:kallglot:webhook`. */
  url?: string;
  /** The receiver's answer, when known (0 = none). */
  status?: number;
  time?: number;
}

/** The observer interface the proxy calls. */
export interface RecorderObserver {
  onHttpExchange(e: HttpExchangeEvent): void;
  onWebSocketOpen(e: WebSocketOpenEvent): void;
  onWebSocketMessage(e: WebSocketMessageEvent): void;
  onWebSocketClose(e: WebSocketCloseEvent): void;
  onWebhook(e: WebhookDeliveryEvent): void;
}

export interface RecorderOptions extends RedactionOptions {
  /** `full` keeps audio frames; `hash` keeps `sha256:<hex>;bytes=<n>` in place of each audio the client sends. */
  audio?: 'full' | 'hash';
  maxEntries?: number;
  maxMessagesPerSocket?: number;
  /** Stored bytes (bodies + frames) at most; past it entries are dropped and the log is marked truncated. */
  maxBytes?: number;
  now?: () => number;
  /** Resolves relative request URLs (HAR wants absolute ones). Default `http://localhost`. */
  baseUrl?: string;
  creator?: { name: string; version: string };
}

export interface Recorder extends RecorderObserver {
  toHar(): Har;
  /** Writes the cassette (to `<path>.tmp`, then renamed, so a reader never sees half a file). */
  write(path: string): Promise<void>;
}

interface OpenSocket {
  entry: HarEntry;
  messages: HarWebSocketMessage[];
}

export function createRecorder(options: RecorderOptions = {}): Recorder {
  const r: Redactor = createRedactor(options);
  const now = options.now ?? Date.now;
  const audio = options.audio ?? 'full';
  const maxEntries = options.maxEntries ?? 10_000;
  const maxMessages = options.maxMessagesPerSocket ?? 500_000;
  const maxBytes = options.maxBytes ?? 128 * 1024 * 1024;
  const entries: HarEntry[] = [];
  const sockets = new Map<string, OpenSocket>();
  let lastSocket: string | undefined;
  let socketSeq = 0;
  let bytes = 0;
  let truncated = false;

  const admit = (size: number): boolean => {
    if (entries.length >= maxEntries || bytes + size > maxBytes) return ((truncated = true), false);
    bytes += size;
    return true;
  };
  const socketFor = (id?: string): OpenSocket | undefined => sockets.get(id ?? lastSocket ?? '');

  const base = options.baseUrl ?? 'http://localhost';
  const toHar = (): Har => ({
    log: {
      version: '1.2',
      creator: options.creator ?? { name: 'kallglot-contract', version: '1.0.0' },
      entries: structuredClone(entries),
      _kallglot: { format: 1, audio, redacted: r.placeholders(), truncated },
    },
  });

  return {
    onHttpExchange(e) {
      const entry = httpEntry(r, { ...e, request: { ...e.request, url: absolute(e.request.url, base) } }, 'http');
      if (admit(entry.request.bodySize + entry.response.bodySize)) entries.push(entry);
    },
    onWebSocketOpen(e) {
      const id = e.id ?? `ws${++socketSeq}`;
      const entry = socketEntry(r, absolute(e.url, base.replace(/^http/, 'ws')), e.headers, e.time ?? now());
      if (!admit(0)) return;
      entries.push(entry);
      sockets.set(id, { entry, messages: entry._webSocketMessages! });
      lastSocket = id;
    },
    onWebSocketMessage(e) {
      const s = socketFor(e.id);
      if (!s) return;
      const m = socketMessage(r, e, audio);
      if (s.messages.length >= maxMessages || !admit(m.data.length)) {
        if (s.entry._kallglot.kind === 'websocket') s.entry._kallglot.truncated = true;
        truncated = true;
        return;
      }
      s.messages.push(m);
    },
    onWebSocketClose(e) {
      const id = e.id ?? lastSocket;
      const s = socketFor(id);
      if (!s || s.entry._kallglot.kind !== 'websocket') return;
      const time = e.time ?? now();
      s.entry._kallglot.close = { code: e.code, reason: r.text(e.reason), time: time / 1000 };
      s.entry.time = Math.max(0, time - Date.parse(s.entry.startedDateTime));
      sockets.delete(id!);
    },
    onWebhook(e) {
      const entry = httpEntry(r, webhookExchange(e, e.time ?? now()), 'webhook');
      if (admit(entry.request.bodySize)) entries.push(entry);
    },
    toHar,
    async write(path) {
      const text = `${JSON.stringify(toHar(), null, 1)}\n`;
      await writeFile(`${path}.tmp`, text, { mode: 0o600 });
      await rename(`${path}.tmp`, path);
    },
  };
}

function webhookExchange(e: WebhookDeliveryEvent, time: number): HttpExchangeEvent {
  return {
    request: { method: 'POST', url: e.url ?? 'urn:kallglot:webhook', headers: e.headers, body: e.body },
    response: { status: e.status ?? 0, headers: {}, body: undefined },
    startedAt: time,
    durationMs: 0,
  };
}

function absolute(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

function iso(t: number | Date | string): string {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : t;
  return new Date(Number.isFinite(ms) ? ms : 0).toISOString();
}

function httpEntry(r: Redactor, e: HttpExchangeEvent, kind: 'http' | 'webhook'): HarEntry {
  const mapHeader = (n: string, v: string) => r.header(n, v);
  const url = r.text(e.request.url);
  const req = bodyText(e.request.body);
  const reqText = req.base64 ? req.text : r.text(req.text);
  const res = bodyText(e.response.body);
  const resText = res.base64 ? res.text : r.text(res.text);
  const reqSize = req.base64 ? req.size : byteLength(reqText);
  const resSize = res.base64 ? res.size : byteLength(resText);
  const duration = Math.max(0, e.durationMs);
  const entry: HarEntry = {
    startedDateTime: iso(e.startedAt),
    time: duration,
    request: {
      method: e.request.method.toUpperCase(),
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(e.request.headers, mapHeader),
      queryString: harQuery(url),
      headersSize: -1,
      bodySize: reqSize,
    },
    response: {
      status: e.response.status,
      statusText: statusText(e.response.status),
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(e.response.headers, mapHeader),
      content: { size: resSize, mimeType: headerValue(e.response.headers, 'content-type') ?? '', text: resText },
      redirectURL: '',
      headersSize: -1,
      bodySize: resSize,
    },
    cache: {},
    timings: { send: 0, wait: duration, receive: 0 },
    _kallglot: { kind },
  };
  if (res.base64) entry.response.content.encoding = 'base64';
  if (e.request.body != null) {
    const mimeType = headerValue(e.request.headers, 'content-type') ?? 'application/octet-stream';
    entry.request.postData = { mimeType, text: reqText, ...(req.base64 ? { _encoding: 'base64' as const } : {}) };
  }
  return entry;
}

function socketEntry(r: Redactor, rawUrl: string, headers: HeaderInput | undefined, time: number): HarEntry {
  const url = r.text(rawUrl);
  return {
    startedDateTime: iso(time),
    time: 0,
    request: {
      method: 'GET', url, httpVersion: 'HTTP/1.1', cookies: [],
      headers: harHeaders(headers, (n, v) => r.header(n, v)),
      queryString: harQuery(url), headersSize: -1, bodySize: 0,
    },
    response: {
      status: 101, statusText: statusText(101), httpVersion: 'HTTP/1.1', cookies: [], headers: [],
      content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: 0,
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    _resourceType: 'websocket',
    _webSocketMessages: [],
    _kallglot: { kind: 'websocket' },
  };
}

function socketMessage(r: Redactor, e: WebSocketMessageEvent, audio: 'full' | 'hash'): HarWebSocketMessage {
  const time = e.time / 1000;
  if (e.opcode === 2 || typeof e.data !== 'string') {
    const bytes = typeof e.data === 'string' ? new TextEncoder().encode(e.data) : e.data;
    const data = audio === 'hash' && e.direction === 'send' ? hashAudioFrame(bytes) : Buffer.from(bytes).toString('base64');
    return { type: e.direction, time, opcode: 2, data };
  }
  const text = e.direction === 'send' && audio === 'hash' ? hashAudioInput(e.data) : e.data;
  return { type: e.direction, time, opcode: e.opcode, data: r.text(text) };
}

/** An `audio.input` frame with its payload replaced by its hash and length; other frames unchanged. */
function hashAudioInput(text: string): string {
  if (!text.includes('"audio.input"')) return text;
  let msg: { type?: unknown; audio?: { payload?: unknown } };
  try {
    msg = JSON.parse(text) as typeof msg;
  } catch {
    return text;
  }
  if (msg.type !== 'audio.input' || typeof msg.audio?.payload !== 'string') return text;
  msg.audio.payload = hashAudioFrame(Buffer.from(msg.audio.payload, 'base64'));
  return JSON.stringify(msg);
}
