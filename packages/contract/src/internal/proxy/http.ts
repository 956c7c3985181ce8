// The proxy's REST half: read the request within its limits, validate it, forward it, read the answer within
// its cap, validate it, point stream.url at the proxy when it fronts the stream too, and answer.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from '../contract.js';
import { checkRequest, checkResponse } from '../validate.js';
import type { Violation } from '../../report.js';
import { depthExceededAt, MAX_JSON_DEPTH } from '@kallglot/spec/json-limits';
import { closeAfterResponse, readLimited, readRequestBody } from './body.js';
import type { ProxyContext } from './context.js';
import { flatHeaders, notify } from './observer.js';

export const VIOLATIONS_HEADER = 'Kallglot-Contract-Violations';
export const HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'content-encoding', 'accept-encoding']);

export function createHttpHandler(ctx: ProxyContext) {
  return (req: IncomingMessage, res: ServerResponse) => {
    handle(ctx, req, res).catch((e) => {
      ctx.log(`! ${req.method} ${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) envelope(res, 502, 'api_error', 'upstream_error', 'The proxy could not complete the request.');
      else res.destroy();
    });
  };
}

async function handle(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse) {
  ctx.tally.counts.requests++;
  const startedAt = Date.now();
  const url = new URL(req.url ?? '/', 'http://proxy.invalid');
  const what = `${req.method} ${url.pathname}`;
  const read = await readRequestBody(req, ctx.maxRequestBytes, ctx.bodyTimeoutMs);
  if (read.refusal) {
    const r = read.refusal;
    ctx.tally.violate('request', what, { name: `${what}: request body ${r.status === 413 ? 'size' : 'time'}`, ok: false, message: r.status === 413 ? `request body over ${ctx.maxRequestBytes} bytes` : `request body not complete within ${ctx.bodyTimeoutMs} ms` });
    closeAfterResponse(req, res);
    return envelope(res, r.status, 'invalid_request_error', r.code, r.message, { connection: 'close' });
  }
  const body = read.body;
  // A body nested past the depth limit is refused here: neither the validator nor the upstream sees it.
  const deep = /json/i.test(header(req, 'content-type') ?? '') ? depthExceededAt(body) : -1;
  if (deep >= 0) {
    ctx.tally.violate('request', what, { name: `${what}: request body depth`, ok: false, message: `request body nests deeper than ${MAX_JSON_DEPTH} levels` });
    return envelope(res, 400, 'invalid_request_error', 'invalid_request', `The request body nests deeper than ${MAX_JSON_DEPTH} levels (at byte ${deep}): JSON bodies are limited to a depth of ${MAX_JSON_DEPTH}.`);
  }
  const op = ctx.contract.match(req.method ?? 'GET', url.pathname);
  const found: Violation[] = [];
  if (!op) found.push(ctx.tally.violate('request', what, { name: `${what}: documented operation`, ok: false, message: `no documented operation for ${what}` }));
  else for (const f of checkRequest(ctx.contract, op, what, (n) => header(req, n), body)) if (!f.ok) found.push(ctx.tally.violate('request', what, f));

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(flatHeaders(req.headers))) if (!HOP.has(k)) headers[k] = v;
  let up: Response;
  try {
    up = await fetch(`${ctx.upstreamBase}${url.pathname}${url.search}`, { method: req.method, headers, body: body.length ? new Uint8Array(body) : undefined, signal: AbortSignal.timeout(ctx.timeoutMs), redirect: 'manual' });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    ctx.log(`→ ${what} upstream error: ${err.cause?.code ?? err.message}`);
    return envelope(res, 502, 'api_error', 'upstream_error', `The upstream did not answer (${err.name === 'TimeoutError' ? `timeout after ${ctx.timeoutMs} ms` : (err.cause?.code ?? 'connection failed')}).`);
  }
  let out = await readLimited(up, ctx.maxResponseBytes);
  if (out === undefined) {
    ctx.tally.violate('response', what, { name: `${what}: response size`, ok: false, message: `response body over ${ctx.maxResponseBytes} bytes` });
    return envelope(res, 502, 'api_error', 'upstream_error', `The upstream response exceeds ${ctx.maxResponseBytes} bytes.`);
  }
  const responseViolations: Violation[] = [];
  let json: Json;
  if (op) {
    const r = checkResponse(ctx.contract, op, what, up.status, (n) => up.headers.get(n), out, ctx.waivers);
    json = r.json;
    for (const f of r.findings) if (!f.ok) responseViolations.push(ctx.tally.violate('response', what, f));
  }
  found.push(...responseViolations);
  const outHeaders: Record<string, string> = {};
  up.headers.forEach((v, k) => {
    if (!HOP.has(k) && k !== 'set-cookie') outHeaders[k] = v;
  });
  const cookies = up.headers.getSetCookie?.() ?? [];
  if (ctx.streamUpstream && typeof json?.stream?.url === 'string') out = pointStreamAtProxy(ctx, json);
  if (found.length) outHeaders[VIOLATIONS_HEADER] = headerValue(found);
  ctx.log(`→ ${what} ${up.status} (${Date.now() - startedAt} ms)${found.length ? ` ${found.length} violation(s)` : ' ok'}`);
  if (ctx.failOnViolation && responseViolations.some((v) => !v.inferred || ctx.strict)) {
    return envelope(res, 502, 'api_error', 'contract_violation', `The upstream response breaks the contract: ${ascii(responseViolations[0]!.message).slice(0, 500)}`, { [VIOLATIONS_HEADER]: outHeaders[VIOLATIONS_HEADER]! });
  }
  outHeaders['content-length'] = String(out.length);
  res.writeHead(up.status, cookies.length ? ({ ...outHeaders, 'set-cookie': cookies } as never) : outHeaders);
  res.end(req.method === 'HEAD' ? undefined : out);
  const exchange = { request: { method: req.method ?? 'GET', url: `${url.pathname}${url.search}`, headers: flatHeaders(req.headers), body }, response: { status: up.status, headers: { ...outHeaders, ...(cookies.length ? { 'set-cookie': cookies.join(', ') } : {}) }, body: out } };
  notify(ctx.observer, 'onHttpExchange', { ...exchange, startedAt, durationMs: Date.now() - startedAt }, ctx.log);
}

/** The client's stream follows the proxy (the body was validated as the upstream sent it). */
function pointStreamAtProxy(ctx: ProxyContext, json: Json): Buffer {
  const s = new URL(json.stream.url);
  const self = new URL(ctx.selfOrigin.replace(/^http/, 'ws'));
  s.protocol = self.protocol;
  s.host = self.host;
  json.stream.url = s.toString();
  return Buffer.from(JSON.stringify(json));
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

const ascii = (s: string) => s.replace(/→/g, '->').replace(/≠/g, '!=').replace(/…/g, '...').replace(/[^\x20-\x7e]/g, '?');

function headerValue(found: Violation[]): string {
  return `${found.length}; ${ascii(found[0]!.message)}`.slice(0, 300);
}

/** An answer in the API's error envelope. */
export function envelope(res: ServerResponse, status: number, type: string, code: string, message: string, extra: Record<string, string> = {}) {
  const requestId = `req_${randomUUID().replace(/-/g, '')}`;
  const body = JSON.stringify({ error: { type, code, message, request_id: requestId } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': requestId, ...extra }).end(body);
}
