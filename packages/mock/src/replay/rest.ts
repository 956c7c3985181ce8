// REST replay over plain objects: ordered matching (method + path + query + canonical body), the recorded answers
// in order for a request sent twice, a miss in the API's error envelope naming the nearest recorded request, and
// strict-mode differences. No sockets: the node and MSW adapters call `handle`.
import { envelope, requestId } from '../internal/errors.js';
import type { Cassette, RecordedHttp, RecordedWebhook } from './cassette.js';
import { canonicalBody, describeBodyDifference } from './diff.js';
import { rewriteStreamUrls } from './rewrite.js';
import type { StrictLog } from './strict.js';

export type QueryInput = string | URLSearchParams | Record<string, string | readonly string[] | undefined> | undefined;

export interface ReplayRequest {
  method: string;
  /** The path only (`/v1/sessions`); a query here is read too. */
  path: string;
  query?: QueryInput;
  headers?: Record<string, string | readonly string[] | undefined>;
  body?: Uint8Array | string | null;
}

/** Shared between calls for the same recorded exchange: read it, do not change it. */
export interface ReplayResponse {
  status: number;
  /** Recorded headers without hop-by-hop and length headers (the adapter sets Content-Length). */
  headers: Record<string, string>;
  body: Uint8Array;
  /** The cassette exchange that answered (index into `cassette.http`), or null for a miss. */
  recorded: number | null;
  /** Webhook deliveries that followed this exchange in the recording, with their recorded delay. */
  webhooks: RecordedWebhook[];
}

export interface RestReplayOptions {
  /** Base URL of the replay's stream server; every `stream.url` in an answer is moved onto it. */
  streamUrl?: string;
  /** When set, differences from the recording are reported here. */
  strict?: StrictLog;
  /** A request sent more often than recorded gets the last recorded answer again (default), or a miss. */
  onExhausted?: 'repeat-last' | 'miss';
}

export interface RestReplayer {
  handle(req: ReplayRequest): ReplayResponse;
  /** Recorded exchanges not replayed yet. */
  unused(): RecordedHttp[];
  /** Strict mode's end-of-run check: a recorded write (non-GET) the client never sent is a difference. */
  finish(): void;
}

const DROP = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive']);
const encoder = new TextEncoder();

interface Slot {
  /** The recorded answers for one request, in recorded order, each built once at load. */
  queue: ReplayResponse[];
  next: number;
}

const keyOf = (method: string, path: string, query: [string, string][], body: string) => `${method} ${path}?${canonicalQuery(query)}\n${body}`;

/** Every recorded answer built once at load (headers, moved stream.url, the deliveries that followed it), frozen. */
function buildAnswers(cassette: Cassette, streamUrl: string | undefined): ReplayResponse[] {
  const hooks = new Map<number, RecordedWebhook[]>();
  for (const w of cassette.webhooks) {
    if (w.anchor.kind !== 'http') continue;
    const list = hooks.get(w.anchor.index) ?? [];
    list.push(w);
    hooks.set(w.anchor.index, list);
  }
  return cassette.http.map((h) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of h.responseHeaders) {
      const lower = name.toLowerCase();
      if (DROP.has(lower)) continue;
      headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
    }
    const body = rewriteStreamUrls(h.responseBody, streamUrl);
    return Object.freeze({ status: h.status, headers: Object.freeze(headers), body, recorded: h.index, webhooks: Object.freeze(hooks.get(h.index) ?? []) as RecordedWebhook[] });
  });
}

/** Recorded requests by method, path, canonical query and canonical body, each with its cursor. */
function indexRequests(cassette: Cassette, answers: ReplayResponse[]): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  for (const h of cassette.http) {
    const key = keyOf(h.method, h.path, h.query, canonicalBody(h.requestBody));
    const slot = slots.get(key) ?? { queue: [], next: 0 };
    slot.queue.push(answers[h.index]!);
    slots.set(key, slot);
  }
  return slots;
}

export function createRestReplayer(cassette: Cassette, options: RestReplayOptions = {}): RestReplayer {
  // The hot path of a replay is one map lookup and a cursor step: everything else is done here, once.
  const answers = buildAnswers(cassette, options.streamUrl);
  const slots = indexRequests(cassette, answers);
  const used = new Set<number>();
  const answer = (out: ReplayResponse): ReplayResponse => {
    used.add(out.recorded!);
    return out;
  };

  return {
    handle(req) {
      const { path, query } = splitPath(req.path, req.query);
      const method = req.method.toUpperCase();
      const body = req.body == null || req.body.length === 0 ? '' : canonicalBody(req.body);
      const slot = slots.get(keyOf(method, path, query, body));
      if (slot && slot.next < slot.queue.length) return answer(slot.queue[slot.next++]!);
      const sent: Sent = { method, path, query, body };
      if (slot && options.onExhausted !== 'miss') {
        options.strict?.report({ kind: 'extra-request', message: `${describe(sent)} was sent ${slot.next + 1} times; the cassette holds it ${slot.queue.length} times (the last answer was replayed again).` });
        slot.next++;
        return answer(slot.queue[slot.queue.length - 1]!);
      }
      return miss(cassette, sent, slot !== undefined, options.strict);
    },
    unused: () => cassette.http.filter((h) => !used.has(h.index)),
    finish() {
      const missing = cassette.http.find((h) => !used.has(h.index) && h.method !== 'GET' && h.method !== 'HEAD');
      if (missing) {
        options.strict?.report({ kind: 'missing-request', message: `The recording has ${describeRecorded(missing)} (entry ${missing.entry}), which the client never sent.` });
      }
    },
  };
}

interface Sent {
  method: string;
  path: string;
  query: [string, string][];
  body: string;
}

function miss(cassette: Cassette, sent: Sent, exhausted: boolean, strict: StrictLog | undefined): ReplayResponse {
  const near = nearest(cassette.http, sent);
  let detail = 'The cassette holds no request.';
  if (near) {
    const parts: string[] = [];
    if (near.method !== sent.method) parts.push(`method ${near.method}, not ${sent.method}`);
    if (near.path !== sent.path) parts.push(`path ${near.path}`);
    if (canonicalQuery(near.query) !== canonicalQuery(sent.query)) parts.push(`query ?${canonicalQuery(near.query) || '(none)'}, sent ?${canonicalQuery(sent.query) || '(none)'}`);
    const nearBody = canonicalBody(near.requestBody);
    if (nearBody !== sent.body) parts.push(describeBodyDifference(nearBody, sent.body));
    detail = `Nearest recorded request: ${describeRecorded(near)} (entry ${near.entry})${parts.length ? `: ${parts.join('; ')}` : ''}.`;
  }
  const sameRoute = cassette.http.some((h) => h.method === sent.method && h.path === sent.path);
  const status = sameRoute ? 501 : 404;
  const what = exhausted ? `${describe(sent)} was sent more often than the cassette holds it.` : `The cassette holds no answer for ${describe(sent)}.`;
  const message = `${what} ${detail} Send the recorded request, or record the cassette again.`;
  strict?.report({ kind: 'request', message });
  const reqId = requestId();
  const err = { status, type: sameRoute ? 'invalid_request_error' : 'not_found_error', code: 'invalid_request', message };
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': reqId },
    body: encoder.encode(JSON.stringify(envelope(err, reqId))),
    recorded: null,
    webhooks: [],
  };
}

/** Most alike first: method and path segments weigh most, then query, then body. Ties go to the earliest. */
function nearest(all: RecordedHttp[], sent: Sent): RecordedHttp | undefined {
  let best: RecordedHttp | undefined;
  let bestScore = -1;
  const sentSegs = sent.path.split('/');
  for (const h of all) {
    const segs = h.path.split('/');
    let same = 0;
    for (let i = 0; i < Math.min(segs.length, sentSegs.length); i++) if (segs[i] === sentSegs[i]) same++;
    const pathScore = h.path === sent.path ? 16 : (8 * same) / Math.max(segs.length, sentSegs.length);
    const score = pathScore + (h.method === sent.method ? 8 : 0) + (canonicalQuery(h.query) === canonicalQuery(sent.query) ? 2 : 0) + (canonicalBody(h.requestBody) === sent.body ? 1 : 0);
    if (score > bestScore) [best, bestScore] = [h, score];
  }
  return best;
}

function describe(s: Sent): string {
  const q = canonicalQuery(s.query);
  const body = s.body ? ` with body ${s.body.length > 160 ? `${s.body.slice(0, 160)}…` : s.body}` : '';
  return `${s.method} ${s.path}${q ? `?${q}` : ''}${body}`;
}

function describeRecorded(h: RecordedHttp): string {
  return describe({ method: h.method, path: h.path, query: h.query, body: canonicalBody(h.requestBody) });
}

function canonicalQuery(q: [string, string][]): string {
  if (q.length === 0) return '';
  return [...q].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

const NO_PAIRS: [string, string][] = [];
const noQuery = (query: QueryInput) => query === undefined || query === '' || query === '?' || (query instanceof URLSearchParams && query.size === 0);

function splitPath(rawPath: string, query: QueryInput): { path: string; query: [string, string][] } {
  const q = rawPath.indexOf('?');
  const path = q === -1 ? rawPath : rawPath.slice(0, q);
  // Most requests carry no query: nothing to collect (the shared empty list is only read).
  if (q === -1 && noQuery(query)) return { path, query: NO_PAIRS };
  const pairs: [string, string][] = q === -1 ? [] : [...new URLSearchParams(rawPath.slice(q + 1))];
  if (typeof query === 'string') pairs.push(...new URLSearchParams(query.replace(/^\?/, '')));
  else if (query instanceof URLSearchParams) pairs.push(...query);
  else if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      for (const one of typeof v === 'string' ? [v] : v) pairs.push([k, one]);
    }
  }
  return { path, query: pairs };
}
