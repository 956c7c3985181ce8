// node:http plumbing for the REST adapter: URL splitting, the lazy bounded body reader, and writing a plain
// response (header names lower-cased, later entries winning, Content-Length set).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTimeout, BodyTooLarge, type PlainRequest, type PlainResponse } from '../pipeline/types.js';

export interface ParsedUrl {
  pathname: string;
  search: string;
  searchParams: URLSearchParams;
}

// Shared by every request without a query string; never mutated.
const NO_QUERY = new URLSearchParams();

/** Split path and query without the WHATWG URL parser (hot path); the path stays percent-encoded as URL keeps it. */
export function parseUrl(raw: string): ParsedUrl {
  if (!raw.startsWith('/')) {
    const u = new URL(raw, 'http://mock.local');
    return { pathname: u.pathname, search: u.search, searchParams: u.searchParams };
  }
  const q = raw.indexOf('?');
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const search = q < 0 ? '' : raw.slice(q);
  if (/\/\.\.?(\/|$)|[^\x21-\x7e]/.test(pathname)) {
    // Dot segments or odd characters: let the WHATWG parser normalise them.
    const u = new URL(raw, 'http://mock.local');
    return { pathname: u.pathname, search: u.search, searchParams: u.searchParams };
  }
  return { pathname, search, searchParams: search.length > 1 ? new URLSearchParams(search) : NO_QUERY };
}

/** How long a request body may take to arrive after its headers, unless `bodyTimeoutMs` says otherwise. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/**
 * Read the whole body. Past `limit` it stops at once (the rest is never read) and rejects with BodyTooLarge; a body
 * still arriving `timeoutMs` after the read began rejects with BodyTimeout. Either way the request is paused: the
 * adapter answers and closes the connection.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs = DEFAULT_BODY_TIMEOUT_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const stop = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // The 'error' listener stays: a client that aborts after the cut must not become an unhandled error.
      req.off('data', onData).off('end', onEnd);
      if (!err) return resolve(Buffer.concat(chunks, size));
      req.pause();
      reject(err);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) stop(new BodyTooLarge());
      else chunks.push(c);
    };
    const onEnd = () => stop();
    const timer = setTimeout(() => stop(new BodyTimeout(timeoutMs)), timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', stop);
  });
}

/** After answering a request whose body was cut: close the connection (ending it, then destroying it) unread. */
export function closeAfterResponse(res: ServerResponse): void {
  res.once('finish', () => {
    const socket = res.socket ?? res.req.socket;
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  });
}

/** A request carries a body only with Transfer-Encoding or a non-zero Content-Length (RFC 9112 §6.3). */
function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/** IncomingMessage → the pipeline's plain request; the body is read only if the pipeline asks for it. */
export function plainRequest(req: IncomingMessage, method: string, url: ParsedUrl, bodyTimeoutMs?: number): PlainRequest {
  const len = req.headers['content-length'];
  const declared = len === undefined ? undefined : Number(len);
  return {
    method,
    pathname: url.pathname,
    search: url.search,
    query: url.searchParams,
    headers: req.headers,
    declaredLength: declared !== undefined && Number.isFinite(declared) ? declared : undefined,
    hasBody: hasBody(req),
    readBody: (limit) => readBody(req, limit, bodyTimeoutMs),
  };
}

// Header names seen so far → lower case (the set is small: ours plus the ones the spec documents).
const lowerNames = new Map<string, string>();
function lowerName(k: string): string {
  let l = lowerNames.get(k);
  if (l === undefined) {
    l = k.toLowerCase();
    if (lowerNames.size < 1000) lowerNames.set(k, l);
  }
  return l;
}

/** Write an answer: `base` then `extra` headers (later entries win, whatever their case), Content-Length. */
export function send(res: ServerResponse, status: number, base: Record<string, string>, body: Uint8Array | string, extra?: Record<string, string>) {
  if (res.headersSent) return;
  const merged: Record<string, string> = {};
  for (const k in base) merged[lowerName(k)] = base[k]!;
  if (extra) for (const k in extra) merged[lowerName(k)] = extra[k]!;
  merged['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.writeHead(status, merged);
  // Node joins a string body to the head in one chunk; a Buffer would go as a second one.
  res.end(body);
}

/** Header block of a frozen answer, merged once (the same answer sent again, e.g. a replayed recording). */
const frozenHeads = new WeakMap<PlainResponse, Record<string, string>>();

function headOf(out: PlainResponse): Record<string, string> {
  let head = frozenHeads.get(out);
  if (head === undefined) {
    head = {};
    for (const k in out.headers) head[lowerName(k)] = out.headers[k]!;
    head['content-length'] = String(typeof out.body === 'string' ? Buffer.byteLength(out.body) : out.body.length);
    frozenHeads.set(out, Object.freeze(head));
  }
  return head;
}

/** Write the pipeline's answer, with the adapter's own headers (CORS) first. */
export function sendPlain(res: ServerResponse, out: PlainResponse, cors: Record<string, string> | undefined) {
  if (out.close) {
    res.setHeader('Connection', 'close');
    closeAfterResponse(res);
  }
  if (cors) send(res, out.status, cors, out.body, out.headers);
  else if (!Object.isFrozen(out) || !Object.isFrozen(out.headers)) send(res, out.status, out.headers, out.body);
  else if (!res.headersSent) {
    res.writeHead(out.status, headOf(out));
    res.end(out.body);
  }
}
