// The cassette format: HAR 1.2, with the WebSocket convention of Chrome DevTools, Playwright and mitmproxy
// (`_resourceType: "websocket"` + `_webSocketMessages`) and `_kallglot` marks for what HAR has no word for
// (webhook deliveries, close frames, hashed audio). Builders turn plain exchange parts into HAR parts.

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarPostData {
  mimeType: string;
  text: string;
  /** Not in HAR 1.2 (only `content` has it); set when the request body is not UTF-8, as Playwright does. */
  _encoding?: 'base64';
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
}

/** One WebSocket message, as Chrome DevTools writes it: `time` in Unix seconds, opcode 1 text / 2 binary (base64). */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  time: number;
  opcode: number;
  data: string;
}

export type KallglotEntryMark =
  | { kind: 'http' }
  | { kind: 'websocket'; close?: { code: number; reason: string; time: number }; truncated?: boolean }
  | { kind: 'webhook' };

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  _resourceType?: 'websocket';
  _webSocketMessages?: HarWebSocketMessage[];
  _kallglot: KallglotEntryMark;
}

export interface HarLog {
  version: '1.2';
  creator: { name: string; version: string };
  entries: HarEntry[];
  _kallglot: { format: 1; audio: 'full' | 'hash'; redacted: string[]; truncated: boolean };
}

export interface Har {
  log: HarLog;
}

export type HeaderInput = Record<string, string | readonly string[] | number | undefined>;
export type BodyInput = string | Uint8Array | null | undefined;

const STATUS_TEXT: Record<number, string> = {
  101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? '';
}

/** Header map → HAR name/value list; repeated headers (arrays) become repeated entries. */
export function harHeaders(headers: HeaderInput | undefined, mapValue: (name: string, value: string) => string): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined) continue;
    const values = Array.isArray(raw) ? raw : [String(raw)];
    for (const v of values) out.push({ name, value: mapValue(name, String(v)) });
  }
  return out;
}

export function headerValue(headers: HeaderInput | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== wanted || v === undefined) continue;
    return Array.isArray(v) ? v.join(', ') : String(v);
  }
  return undefined;
}

export function harQuery(url: string): HarNameValue[] {
  const q = new URL(url, 'http://placeholder.invalid').searchParams;
  return [...q].map(([name, value]) => ({ name, value }));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** A body as text when it is valid UTF-8, else as base64. */
export function bodyText(body: BodyInput): { text: string; base64: boolean; size: number } {
  if (body == null) return { text: '', base64: false, size: 0 };
  if (typeof body === 'string') return { text: body, base64: false, size: encoder.encode(body).length };
  try {
    return { text: utf8.decode(body), base64: false, size: body.length };
  } catch {
    return { text: Buffer.from(body).toString('base64'), base64: true, size: body.length };
  }
}

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}
