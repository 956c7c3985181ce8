// `kallglot-contract proxy`: a validating proxy for REST and the stream. Traffic is forwarded unchanged
// (one exception: with a stream upstream, the `stream.url` origin in responses points at the proxy so the
// stream flows through it too); requests, responses and every frame in both directions are validated.
// Bounded: request/response body caps, the AsyncAPI frame cap, a pending-frame cap, upstream timeouts.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { loadContract, type Contract, type Json, type SpecPaths } from './internal/contract.js';
import { wsWaiver, type Waiver } from './internal/errors.js';
import { createMasker } from './internal/mask.js';
import { checkFrame, checkRequest, checkResponse, type Finding } from './internal/validate.js';
import { junitXml } from './report.js';

export interface ProxyOptions {
  upstream: string;
  streamUpstream?: string;
  host?: string;
  port?: number;
  /** Turn a response violation into a 502 in the API's error envelope. */
  failOnViolation?: boolean;
  /** Count inferred-part deviations as violations for --fail-on-violation and the exit code. */
  strict?: boolean;
  /** Accept ws:// stream URLs from a local upstream without TLS. */
  allowWs?: boolean;
  maxRequestBytes?: number;
  maxResponseBytes?: number;
  timeoutMs?: number;
  /** Frames a side may send before the other side is connected. */
  maxPendingFrames?: number;
  /** Violations kept in the summary (all are counted). */
  maxViolations?: number;
  log?: (line: string) => void;
  specPaths?: SpecPaths;
}

export type ViolationKind = 'request' | 'response' | 'client-frame' | 'server-frame' | 'close';
export interface Violation {
  kind: ViolationKind;
  where: string;
  check: string;
  message: string;
  inferred: boolean;
}
export interface ProxySummary {
  tool: 'kallglot-contract';
  command: 'proxy';
  upstream: string;
  streamUpstream: string | null;
  requests: number;
  frames: { client: number; server: number };
  connections: number;
  violations: { total: number; documented: number; inferred: number; byKind: Record<ViolationKind, number> };
  list: Violation[];
  durationMs: number;
}
export interface RunningProxy {
  url: string;
  streamUrl: string | null;
  summary(): ProxySummary;
  close(): Promise<ProxySummary>;
}

export const VIOLATIONS_HEADER = 'Kallglot-Contract-Violations';
const HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'content-encoding', 'accept-encoding']);

export async function startProxy(o: ProxyOptions): Promise<RunningProxy> {
  const started = Date.now();
  const contract: Contract = loadContract(o.specPaths);
  const upstream = new URL(o.upstream);
  const streamUpstream = o.streamUpstream ? new URL(o.streamUpstream.replace(/^http/, 'ws')) : undefined;
  const maxReq = o.maxRequestBytes ?? 1024 * 1024;
  const maxRes = o.maxResponseBytes ?? 32 * 1024 * 1024;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxPending = o.maxPendingFrames ?? 64;
  const maxKept = o.maxViolations ?? 1000;
  const mask = createMasker([]);
  const log = (line: string) => o.log?.(mask(line));
  const waivers: Waiver[] = o.allowWs ? [wsWaiver()] : [];
  const upstreamBase = upstream.toString().replace(/\/+$/, '');

  const counts = { requests: 0, client: 0, server: 0, connections: 0 };
  const byKind: Record<ViolationKind, number> = { request: 0, response: 0, 'client-frame': 0, 'server-frame': 0, close: 0 };
  const list: Violation[] = [];
  let documented = 0;
  let inferred = 0;
  const counts1 = (v: Violation) => !v.inferred || !!o.strict;
  function violate(kind: ViolationKind, where: string, f: Finding): Violation {
    const v: Violation = { kind, where: mask(where), check: mask(f.name), message: mask(f.message), inferred: !!f.inferred };
    byKind[kind]++;
    if (v.inferred) inferred++;
    else documented++;
    if (list.length < maxKept) list.push(v);
    log(`  ✘ ${kind} ${v.where}: ${v.message}${v.inferred ? ' (inferred part)' : ''}`);
    return v;
  }

  let selfOrigin = '';
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      log(`! ${req.method} ${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) envelope(res, 502, 'api_error', 'upstream_error', 'The proxy could not complete the request.');
      else res.destroy();
    });
  });
  server.requestTimeout = timeoutMs + 5000;
  server.headersTimeout = 15_000;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    counts.requests++;
    const t0 = Date.now();
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const what = `${req.method} ${url.pathname}`;
    const body = await readBody(req, maxReq);
    if (body === undefined) {
      violate('request', what, { name: `${what}: request body size`, ok: false, message: `request body over ${maxReq} bytes` });
      return envelope(res, 413, 'invalid_request_error', 'invalid_request', `The request body exceeds ${maxReq} bytes.`);
    }
    const op = contract.match(req.method ?? 'GET', url.pathname);
    const found: Violation[] = [];
    if (!op) found.push(violate('request', what, { name: `${what}: documented operation`, ok: false, message: `no documented operation for ${what}` }));
    else for (const f of checkRequest(contract, op, what, (n) => header(req, n), body)) if (!f.ok) found.push(violate('request', what, f));

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    let up: Response;
    try {
      up = await fetch(`${upstreamBase}${url.pathname}${url.search}`, { method: req.method, headers, body: body.length ? new Uint8Array(body) : undefined, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      log(`→ ${what} upstream error: ${err.cause?.code ?? err.message}`);
      return envelope(res, 502, 'api_error', 'upstream_error', `The upstream did not answer (${err.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (err.cause?.code ?? 'connection failed')}).`);
    }
    let out = await readLimited(up, maxRes);
    if (out === undefined) {
      violate('response', what, { name: `${what}: response size`, ok: false, message: `response body over ${maxRes} bytes` });
      return envelope(res, 502, 'api_error', 'upstream_error', `The upstream response exceeds ${maxRes} bytes.`);
    }
    const responseViolations: Violation[] = [];
    let json: Json;
    if (op) {
      const r = checkResponse(contract, op, what, up.status, (n) => up.headers.get(n), out, waivers);
      json = r.json;
      for (const f of r.findings) if (!f.ok) responseViolations.push(violate('response', what, f));
    }
    found.push(...responseViolations);
    const outHeaders: Record<string, string> = {};
    up.headers.forEach((v, k) => {
      if (!HOP.has(k) && k !== 'set-cookie') outHeaders[k] = v;
    });
    const cookies = up.headers.getSetCookie?.() ?? [];
    if (streamUpstream && json?.stream?.url && typeof json.stream.url === 'string') {
      // Point the client's stream at the proxy (validated above as the upstream sent it).
      const s = new URL(json.stream.url);
      const self = new URL(selfOrigin.replace(/^http/, 'ws'));
      s.protocol = self.protocol;
      s.host = self.host;
      json.stream.url = s.toString();
      out = Buffer.from(JSON.stringify(json));
    }
    const ms = Date.now() - t0;
    if (found.length) outHeaders[VIOLATIONS_HEADER] = headerValue(found);
    log(`→ ${what} ${up.status} (${ms} ms)${found.length ? ` ${found.length} violation(s)` : ' ok'}`);
    if (o.failOnViolation && responseViolations.some(counts1)) {
      return envelope(res, 502, 'api_error', 'contract_violation', `The upstream response breaks the contract: ${ascii(responseViolations[0]!.message).slice(0, 500)}`, { [VIOLATIONS_HEADER]: outHeaders[VIOLATIONS_HEADER]! });
    }
    outHeaders['content-length'] = String(out.length);
    res.writeHead(up.status, cookies.length ? { ...outHeaders, 'set-cookie': cookies } as never : outHeaders);
    res.end(req.method === 'HEAD' ? undefined : out);
  }

  // ---------- stream ----------
  const wss = new WebSocketServer({ noServer: true, maxPayload: contract.maxFrameBytes });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!streamUpstream) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    counts.connections++;
    const path = new URL(req.url ?? '/', 'http://proxy.invalid');
    const where = `stream ${path.pathname}`;
    const target = new URL(`${path.pathname}${path.search}`, streamUpstream);
    const up = new WebSocket(target, { handshakeTimeout: timeoutMs, maxPayload: contract.maxFrameBytes });
    sockets.add(up);
    let client: WebSocket | undefined;
    const pendingToClient: { data: Buffer; isBinary: boolean }[] = [];
    const pendingToUp: { data: Buffer; isBinary: boolean }[] = [];
    let upClose: { code: number; reason: Buffer } | undefined;
    log(`⇄ ${where} connecting`);

    const frame = (direction: 'server' | 'client', data: Buffer, isBinary: boolean) => {
      counts[direction]++;
      for (const f of checkFrame(contract, direction, data, isBinary).findings) if (!f.ok) violate(direction === 'server' ? 'server-frame' : 'client-frame', where, f);
    };
    up.on('unexpected-response', (_r, upRes) => {
      violate('close', where, { name: `${where}: upgrade`, ok: false, message: `upstream refused the upgrade with HTTP ${upRes.statusCode}` });
      socket.end(`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      upRes.resume();
      sockets.delete(up);
    });
    up.on('error', (e) => {
      log(`⇄ ${where} upstream error: ${e.message}`);
      if (!client) socket.destroy();
      else if (client.readyState === WebSocket.OPEN) client.close(1011, 'upstream error');
    });
    up.on('message', (data: Buffer, isBinary: boolean) => {
      frame('server', data, isBinary);
      if (client?.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
      else if (pendingToClient.length < maxPending) pendingToClient.push({ data, isBinary });
    });
    up.on('close', (code: number, reason: Buffer) => {
      sockets.delete(up);
      if (code !== 1005 && code !== 1006 && !contract.closeCodes.has(code) && contract.closeCodes.size > 0) {
        violate('close', where, { name: `${where}: close code`, ok: false, message: `close code ${code} is not in x-kallglot-close-codes` });
      }
      log(`⇄ ${where} upstream closed ${code}`);
      upClose = { code, reason };
      if (client) closeWith(client, code, reason);
    });
    up.on('open', () => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        client = ws;
        sockets.add(ws);
        for (const m of pendingToClient.splice(0)) ws.send(m.data, { binary: m.isBinary });
        if (upClose) closeWith(ws, upClose.code, upClose.reason);
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          frame('client', data, isBinary);
          if (up.readyState === WebSocket.OPEN) up.send(data, { binary: isBinary });
          else if (pendingToUp.length < maxPending) pendingToUp.push({ data, isBinary });
          else ws.close(1013, 'too many pending frames');
        });
        ws.on('error', () => ws.terminate());
        ws.on('close', (code: number, reason: Buffer) => {
          sockets.delete(ws);
          if (up.readyState === WebSocket.OPEN) closeWith(up, code, reason);
          else if (up.readyState === WebSocket.CONNECTING) up.terminate();
        });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  selfOrigin = `http://${host}:${addr.port}`;

  const summary = (): ProxySummary => ({
    tool: 'kallglot-contract',
    command: 'proxy',
    upstream: mask(upstream.toString()),
    streamUpstream: streamUpstream ? mask(streamUpstream.toString()) : null,
    requests: counts.requests,
    frames: { client: counts.client, server: counts.server },
    connections: counts.connections,
    violations: { total: documented + inferred, documented, inferred, byKind: { ...byKind } },
    list: [...list],
    durationMs: Date.now() - started,
  });
  let closing: Promise<ProxySummary> | undefined;
  return {
    url: selfOrigin,
    streamUrl: streamUpstream ? selfOrigin.replace(/^http/, 'ws') : null,
    summary,
    close: () =>
      (closing ??= new Promise<ProxySummary>((resolve) => {
        for (const s of sockets) s.terminate();
        wss.close();
        server.close(() => resolve(summary()));
        server.closeAllConnections();
      })),
  };
}

/** Whether a summary has violations that count (documented ones, and inferred ones in strict mode). */
export function proxyFailed(s: ProxySummary, strict = false): boolean {
  return s.violations.documented > 0 || (strict && s.violations.inferred > 0);
}

export function formatProxySummary(s: ProxySummary): string {
  const lines = [
    `Kallglot contract proxy — ${s.upstream}${s.streamUpstream ? ` + ${s.streamUpstream}` : ''}`,
    `${s.requests} requests, ${s.connections} stream connections, ${s.frames.client} client frames, ${s.frames.server} server frames`,
    `${s.violations.total} violations (${s.violations.documented} documented, ${s.violations.inferred} inferred part): ${Object.entries(s.violations.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`,
  ];
  for (const v of s.list) lines.push(`  ${v.inferred ? '!' : '✘'} [${v.kind}] ${v.where}: ${v.message}`);
  return lines.join('\n');
}

export function proxyJUnit(s: ProxySummary, strict = false): string {
  const cases = s.list.map((v) => ({ group: `proxy ${v.kind}`, name: `${v.where}: ${v.check}`, ...(!v.inferred || strict ? { failure: v.message } : {}) }));
  cases.push({ group: 'proxy', name: `${s.requests} requests and ${s.frames.client + s.frames.server} frames validated`, ...(proxyFailed(s, strict) ? { failure: `${s.violations.total} violations` } : {}) });
  return junitXml('kallglot-contract proxy', cases, s.durationMs);
}

function closeWith(ws: WebSocket, code: number, reason: Buffer) {
  if (ws.readyState !== WebSocket.OPEN && ws.readyState !== WebSocket.CONNECTING) return;
  const sendable = code === 1000 || (code >= 1001 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);
  if (sendable) ws.close(code, reason.subarray(0, 123));
  else ws.terminate();
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

const ascii = (s: string) => s.replace(/→/g, '->').replace(/≠/g, '!=').replace(/…/g, '...').replace(/[^\x20-\x7e]/g, '?');

function headerValue(found: Violation[]): string {
  return `${found.length}; ${ascii(found[0]!.message)}`.slice(0, 300);
}

function envelope(res: ServerResponse, status: number, type: string, code: string, message: string, extra: Record<string, string> = {}) {
  const requestId = `req_${randomUUID().replace(/-/g, '')}`;
  const body = JSON.stringify({ error: { type, code, message, request_id: requestId } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': requestId, ...extra }).end(body);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readLimited(res: Response, max: number): Promise<Buffer | undefined> {
  const len = Number(res.headers.get('content-length'));
  if (Number.isFinite(len) && len > max) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += c.length;
    if (size > max) return undefined;
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}
