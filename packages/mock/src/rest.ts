// REST mock: real Prism behind our own node:http front.
// The front adds what Prism cannot do: the API's auth rules, Error envelope for every 4xx/5xx, X-Request-ID,
// credit and rate-limit headers, idempotency replay, and session responses that point at the local stream mock.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { envelope, ErrorVocabulary, requestId, ulidLike, type ApiError } from './internal/errors.js';
import { createRestRules, HttpError, MAX_BODY, statusFor } from './core/rest.js';
import { buildOpenApiModel, type OpenApiModel, type OperationSpec } from './internal/openapi-model.js';
import { supervisePrism, UpstreamError, type UpstreamResponse } from './internal/prism.js';
import { readJson, resolveSpecPath, type JsonObject } from './internal/specs.js';
import { SessionRegistry } from './registry.js';
import { Engine } from './engine/index.js';
import { answerFromEngine, claimIdempotency, coerceQueryParams, failureToApiError } from './http/engine-route.js';
import { handleControl, type ControlHooks } from './control/handler.js';

export interface RestMockOptions {
  host?: string;
  /** 0 picks a free port. Default 4010. */
  port?: number;
  /** Path to the bundled OpenAPI JSON. Default: `@kallglot/spec/openapi.json`. */
  openapiPath?: string;
  /** Shared with the stream mock so issued tokens are recognised there. */
  registry?: SessionRegistry;
  /** Base of the stream URLs handed out, e.g. `ws://127.0.0.1:4011`. */
  streamBaseUrl?: string;
  /** Credits the mock organisation starts with (1 per session create and per analysis). Default 1000. */
  credits?: number;
  /** Requests allowed per key per window; 0 disables enforcement (headers still sent). Default 1000 per 60 s. */
  rateLimit?: number;
  rateLimitWindowSeconds?: number;
  /** Prism's own log level. Default `warn`. */
  prismVerbose?: 'warn' | 'error' | 'info' | 'debug' | 'silent';
  /** Deadline for one Prism exchange; past it the request answers 503 and the pool socket is freed. Default 15 s. */
  upstreamTimeoutMs?: number;
  /** How often Prism's health is probed (ms). Default 2000. */
  prismHealthIntervalMs?: number;
  /** GET answers memoized from Prism (static mode makes them deterministic). 0 disables. Default 1000 entries. */
  prismCacheSize?: number;
  /** Called with one line per notable event (errors inside the mock). Default: stderr. */
  log?: (line: string) => void;
  /** Example-driven mode: every answer comes from Prism (today's behaviour). Default false (stateful sandbox). */
  stateless?: boolean;
  /** The sandbox engine (shared with the stream mock). Default: a new one. */
  engine?: Engine;
  /** Origins answered with CORS headers (the docs site). A Set is used live (it may be filled later). Default: none. */
  corsOrigins?: string[] | Set<string>;
  /** Extra control-plane actions (webhook log, state file) supplied by startMock. */
  control?: ControlHooks;
}

export interface RestMock {
  url: string;
  host: string;
  port: number;
  readonly prismPort: number;
  /** Process id of the current Prism child (it is restarted if it dies). */
  readonly prismPid: number | undefined;
  readonly prismRestarts: number;
  registry: SessionRegistry;
  model: OpenApiModel;
  engine: Engine;
  readonly stateless: boolean;
  close(): Promise<void>;
}

const CREDIT_OPS = new Set(['createSession', 'createSessionAnalysis']);
// Headers Prism adds that must not reach users (sl-violations carries Prism's own text).
const DROP_UPSTREAM = new Set(['sl-violations', 'x-powered-by', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => (tooBig ? reject(new Error('too_big')) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

const EXPOSE = 'X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-API-Credits-Remaining, X-API-Credits-Used, Retry-After, Idempotent-Replayed, Content-Disposition';

interface ParsedUrl {
  pathname: string;
  search: string;
  searchParams: URLSearchParams;
}

/** Split path and query without the WHATWG URL parser (hot path); the path stays percent-encoded as URL keeps it. */
function parseUrl(raw: string): ParsedUrl {
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

// Shared by every request without a query string; never mutated.
const NO_QUERY = new URLSearchParams();
const NO_BODY = Buffer.alloc(0);

/** A request carries a body only with Transfer-Encoding or a non-zero Content-Length (RFC 9112 §6.3). */
function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
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

export async function startRestMock(options: RestMockOptions = {}): Promise<RestMock> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((l: string) => process.stderr.write(`[kallglot-mock rest] ${l}\n`));
  const specPath = resolveSpecPath('openapi.json', options.openapiPath);
  const model = buildOpenApiModel(readJson(specPath));
  const vocab = new ErrorVocabulary(model.errorTypes);
  const stateless = options.stateless ?? false;
  const engine = options.engine ?? new Engine({ streamBaseUrl: options.streamBaseUrl, credits: options.credits, rateLimit: options.rateLimit, rateWindowMs: (options.rateLimitWindowSeconds ?? 60) * 1000 });
  const registry = options.registry ?? new SessionRegistry(engine);
  const streamBase = options.streamBaseUrl?.replace(/\/$/, '');
  const corsOrigins = options.corsOrigins instanceof Set ? options.corsOrigins : new Set(options.corsOrigins ?? []);
  const rateLimit = options.rateLimit ?? 1000;
  const windowSec = options.rateLimitWindowSeconds ?? 60;
  let creditsRemaining = options.credits ?? 1000;
  let creditsUsed = 0;
  const windows = new Map<string, { start: number; count: number }>();
  const idem = new Map<string, { hash: string; done?: UpstreamLike }>();
  const upstreamCache = new Map<string, UpstreamResponse>();
  const finalCache = new Map<string, UpstreamLike>();
  const cacheSize = options.prismCacheSize ?? 1000;
  // Per-operation facts the request path needs, worked out once.
  const opInfo = new Map<OperationSpec, { idempotent: boolean; headerParams: string[] }>(
    model.operations.map((op) => {
      const headerParams = op.params.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());
      return [op, { idempotent: headerParams.includes('idempotency-key'), headerParams }];
    }),
  );

  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 15_000;
  // Prism is a supervised child: health-probed, restarted with backoff; 503 envelopes while it is down.
  const prism = await supervisePrism({ specPath, host: '127.0.0.1', verbose: options.prismVerbose ?? 'warn', healthIntervalMs: options.prismHealthIntervalMs, log });

  // Routing, auth, validation and the envelope are shared with the MSW adapter (core/rest.ts).
  const rules = createRestRules(model, vocab);
  const authErr = rules.authErr;
  const validateRequest = (op: OperationSpec, params: Record<string, string>, url: ParsedUrl, req: IncomingMessage, raw: Buffer) => rules.validateRequest(op, params, url.searchParams, req.headers, raw);
  const authenticate = (req: IncomingMessage) => rules.authenticate(req.headers);

  function rateHeaders(key: string, into: Record<string, string>): Record<string, string> {
    const now = Math.floor(Date.now() / 1000);
    let w = windows.get(key);
    if (!w || now >= w.start + windowSec) {
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    const limit = rateLimit > 0 ? rateLimit : 1000;
    const reset = w.start + windowSec;
    const headers = into;
    headers['X-RateLimit-Limit'] = String(limit);
    headers['X-RateLimit-Remaining'] = String(Math.max(0, limit - w.count));
    headers['X-RateLimit-Reset'] = String(reset);
    if (rateLimit > 0 && w.count > rateLimit) {
      const retry = Math.max(1, reset - now);
      throw new HttpError({
        status: 429,
        type: vocab.type('rate_limit'),
        code: 'rate_limit_exceeded',
        message: `Too many requests: ${limit} per ${windowSec} s. Retry after ${retry} s.`,
        retry_after: retry,
        headers: { ...headers, 'Retry-After': String(retry) },
      });
    }
    return headers;
  }

  const creditHeaders = () => ({ 'X-API-Credits-Remaining': String(creditsRemaining), 'X-API-Credits-Used': String(creditsUsed) });

  function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Uint8Array | string, length?: number) {
    if (res.headersSent) return;
    // Later entries win, whatever their case (ours override the example values Prism sends).
    const merged: Record<string, string> = {};
    for (const k in headers) merged[lowerName(k)] = headers[k]!;
    merged['content-length'] = String(length ?? (typeof body === 'string' ? Buffer.byteLength(body) : body.length));
    res.writeHead(status, merged);
    // Node joins a string body to the head in one chunk; a Buffer would go as a second one.
    res.end(body);
  }

  /** `send` with headers `base`, then `extra`, then X-Request-ID, without spreading them into a new object first. */
  function sendWith(res: ServerResponse, status: number, base: Record<string, string>, extra: Record<string, string>, reqId: string, body: Uint8Array | string, length?: number) {
    if (res.headersSent) return;
    const merged: Record<string, string> = {};
    for (const k in base) merged[lowerName(k)] = base[k]!;
    for (const k in extra) merged[lowerName(k)] = extra[k]!;
    merged['x-request-id'] = reqId;
    merged['content-length'] = String(length ?? (typeof body === 'string' ? Buffer.byteLength(body) : body.length));
    res.writeHead(status, merged);
    res.end(body);
  }

  function sendError(res: ServerResponse, reqId: string, raw: ApiError, extra: Record<string, string> = {}) {
    const e = rules.errorAnswer(raw, reqId);
    send(res, e.status, { ...extra, ...e.headers }, e.body);
  }

  /** Prism problem+json → our envelope. Prism's own wording is dropped. */
  function translateProblem(op: OperationSpec | undefined, up: UpstreamResponse, prefer: string | undefined): ApiError {
    let problem: JsonObject = {};
    try {
      problem = JSON.parse(up.body.toString('utf8')) as JsonObject;
    } catch {
      /* not JSON: handled as an internal error below */
    }
    const slug = String(problem.type ?? '').split('#').pop() ?? '';
    const validation = Array.isArray(problem.validation) ? (problem.validation as JsonObject[]) : [];
    const first = validation[0];
    const location = Array.isArray(first?.location) ? (first!.location as string[]) : [];
    switch (slug) {
      case 'NO_PATH_MATCHED_ERROR':
      case 'NO_SERVER_MATCHED_ERROR':
        return { status: 404, type: vocab.type('not_found'), code: 'route_not_found|not_found', message: 'No such route.' };
      case 'NO_METHOD_MATCHED_ERROR':
        return { status: 405, type: vocab.type('invalid_request'), code: 'method_not_allowed|invalid_request', message: 'Method not allowed on this route.' };
      case 'UNAUTHORIZED':
        return authErr('missing', 'Authentication failed.').api;
      case 'INVALID_CONTENT_TYPE':
        return { status: statusFor(op, [415, 400], 400), type: vocab.type('invalid_request'), code: 'unsupported_media_type|invalid_request', message: 'Unsupported Content-Type.', param: 'Content-Type' };
      case 'NOT_ACCEPTABLE':
        return { status: 406, type: vocab.type('invalid_request'), code: 'not_acceptable|invalid_request', message: 'No documented response matches the Accept header.', param: 'Accept' };
      case 'UNPROCESSABLE_ENTITY': {
        const segs = location.slice(1).map(String);
        let param = '';
        for (const s of segs) param += /^\d+$/.test(s) ? `[${s}]` : param ? `.${s}` : s;
        const status = statusFor(op, [422, 400], 422);
        return { status, type: vocab.type('validation'), code: 'invalid_request', message: param ? `The '${param}' field is invalid.` : 'The request is invalid.', param: param || undefined };
      }
      default:
        if (prefer) {
          return { status: 400, type: vocab.type('invalid_request'), code: 'invalid_prefer_header|invalid_request', message: 'The Prefer header asks for a response or example this operation does not document.', param: 'Prefer' };
        }
        return { status: 500, type: vocab.type('api'), code: 'internal_error', message: 'The mock could not produce a response for this request.' };
    }
  }

  /** Apply a change to a JSON body and keep it only if the documented response schema still accepts the result. */
  function tryRewrite(op: OperationSpec, status: number, body: JsonObject, change: (b: JsonObject) => boolean | void): JsonObject {
    const copy = structuredClone(body);
    // `false` means nothing changed: skip the schema check.
    if (change(copy) === false) return body;
    const v = model.validateResponse(op, status, copy);
    if (!v || v(copy)) return copy;
    log(`rewrite of ${op.operationId} ${status} rejected by the response schema; kept the example`);
    return body;
  }

  /**
   * `Prefer: code=404` alone makes Prism answer with the Error schema's generic example; name the response's
   * first documented example so the body matches the status.
   */
  function preferWithExample(op: OperationSpec, prefer: string): string {
    const code = /(?:^|[,;\s])code=(\d{3})/.exec(prefer)?.[1];
    if (!code || /(?:^|[,;\s])example=/.test(prefer)) return prefer;
    const content = (op.responses[code]?.content ?? {}) as JsonObject;
    const media = content['application/json'] as JsonObject | undefined;
    const first = media?.examples && typeof media.examples === 'object' ? Object.keys(media.examples as JsonObject)[0] : undefined;
    return first ? `${prefer}, example=${first}` : prefer;
  }

  function rewriteStream(s: JsonObject, sessionId: string) {
    if (!s.stream || typeof s.stream !== 'object' || !streamBase) return;
    const t = registry.issueToken(sessionId);
    const stream = s.stream as JsonObject;
    stream.url = `${streamBase}/v1/sessions/${encodeURIComponent(sessionId)}/connect`;
    stream.token = t.token;
    if ('expires_at' in stream) stream.expires_at = t.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  function postProcess(op: OperationSpec, status: number, params: Record<string, string>, reqBody: unknown, body: JsonObject): JsonObject {
    const pathIds = Object.values(params);
    const samePrefix = (a: unknown, b: string) => typeof a === 'string' && a.includes('_') && b.startsWith(a.slice(0, a.indexOf('_') + 1));
    // Reflect path ids into the example so `retrieve X` returns X.
    const needsIds = pathIds.some(
      (id) =>
        (samePrefix(body.id, id) && body.id !== id) ||
        (id.startsWith('sess_') && ((typeof body.session_id === 'string' && body.session_id !== id) || Array.isArray(body.data) || (typeof body.id === 'string' && body.id.startsWith('trn_')))),
    );
    if (needsIds) {
      body = tryRewrite(op, status, body, (b) => {
        for (const id of pathIds) {
          if (samePrefix(b.id, id)) b.id = id;
          if (id.startsWith('sess_')) {
            if (typeof b.session_id === 'string') b.session_id = id;
            if (Array.isArray(b.data)) for (const d of b.data as JsonObject[]) if (d && typeof d.session_id === 'string') d.session_id = id;
            if (typeof b.id === 'string' && b.id.startsWith('trn_')) b.id = `trn_${id}`;
          }
        }
      });
    }
    if (op.operationId === 'createSession') {
      const input = (reqBody ?? {}) as JsonObject;
      const meta = input.metadata as JsonObject | undefined;
      const s = registry.createSession({
        mode: typeof input.mode === 'string' ? input.mode : undefined,
        sourceLanguage: (input.source_language as string | undefined) ?? null,
        targetLanguage: (input.target_language as string | undefined) ?? null,
        metadata: meta ?? null,
        scenario: typeof meta?.kallglot_mock_scenario === 'string' ? meta.kallglot_mock_scenario : undefined,
      });
      body = tryRewrite(op, status, body, (b) => {
        b.id = s.id;
        if ('status' in b) b.status = 'created';
        if ('created_at' in b) b.created_at = s.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
        for (const k of ['mode', 'source_language', 'target_language', 'metadata'] as const) {
          if (k in input) b[k] = input[k]!;
          else if (k !== 'mode' && k in b) b[k] = null;
        }
      });
      // The local URL is ws://, which a wss-only documented pattern would reject: applied unconditionally.
      rewriteStream(body, s.id);
      return body;
    }
    if (op.operationId === 'endSession') {
      const id = params[op.pathParamNames[0] ?? 'id'] ?? String(body.id);
      registry.endSession(id, 'api_end');
      return body;
    }
    if (op.operationId === 'createSessionAnalysis') {
      body = tryRewrite(op, status, body, (b) => {
        if (typeof b.id === 'string' && b.id.startsWith('anl_')) b.id = `anl_${ulidLike()}`;
      });
    }
    // Any session object with a stream gets a live local URL and token.
    if (body.object === 'session' && body.stream) {
      const id = String(body.id);
      const known = registry.sessions.get(id);
      body = tryRewrite(op, status, body, (b) => {
        if (known) {
          // Reflect what the mock knows about its own sessions; anything else stays as the example has it.
          const iso = (d?: Date) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);
          if ('status' in b) b.status = known.status;
          if (known.mode && 'mode' in b) b.mode = known.mode;
          if ('source_language' in b && known.sourceLanguage !== undefined) b.source_language = known.sourceLanguage ?? null;
          if ('target_language' in b && known.targetLanguage !== undefined) b.target_language = known.targetLanguage ?? null;
          if ('metadata' in b && known.metadata !== undefined) b.metadata = (known.metadata ?? null) as JsonObject | null;
          if ('created_at' in b) b.created_at = iso(known.createdAt);
          if ('started_at' in b) b.started_at = iso(known.startedAt);
          if ('ended_at' in b) b.ended_at = iso(known.endedAt);
          if (known.status === 'ended') delete b.stream;
        }
      });
      if (body.stream) rewriteStream(body, id);
    }
    return body;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const reqId = requestId();
    const method = (req.method ?? 'GET').toUpperCase();
    let url: ParsedUrl;
    try {
      url = parseUrl(req.url ?? '/');
    } catch {
      return sendError(res, reqId, { status: 400, type: vocab.type('invalid_request'), code: 'invalid_request', message: 'Malformed request URL.' });
    }
    const origin = req.headers.origin;
    const allowOrigin = typeof origin === 'string' && corsOrigins.has(origin) ? origin : undefined;
    if (url.pathname === '/health' && (method === 'GET' || method === 'HEAD')) {
      const ph = prism.health();
      const ok = ph.state === 'up';
      const h: Record<string, string> = { 'Content-Type': 'application/json', 'X-Request-ID': reqId };
      if (allowOrigin) Object.assign(h, { 'Access-Control-Allow-Origin': allowOrigin, Vary: 'Origin' });
      return send(res, ok ? 200 : 503, h, JSON.stringify({ status: ok ? 'ok' : 'degraded', rest: true, mode: stateless ? 'stateless' : 'stateful', prism: ph.state, prism_restarts: ph.restarts }));
    }
    if (method === 'OPTIONS') {
      const h: Record<string, string> = { 'X-Request-ID': reqId, Vary: 'Origin' };
      if (allowOrigin) {
        Object.assign(h, {
          'Access-Control-Allow-Origin': allowOrigin,
          'Access-Control-Allow-Methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key, X-API-Key, Prefer',
          'Access-Control-Expose-Headers': EXPOSE,
          'Access-Control-Max-Age': '600',
        });
      }
      res.writeHead(204, h);
      return res.end();
    }
    let extra: Record<string, string> = {};
    if (allowOrigin) {
      extra['Access-Control-Allow-Origin'] = allowOrigin;
      extra['Access-Control-Expose-Headers'] = EXPOSE;
      extra.Vary = 'Origin';
    }
    if (url.pathname.startsWith('/_mock/') || url.pathname === '/_mock') {
      return handleControl({ req, res, url, method, engine, hooks: options.control, model, readBody: () => readBody(req), extra, reqId, send, sendError, vocab });
    }
    // HEAD is answered like GET (Node drops the body).
    const routeMethod = method === 'HEAD' ? 'GET' : method;
    let release = () => {};
    try {
      const { op, params } = rules.route(routeMethod, url.pathname);
      // Auth, rate and size come before the body is read: an unauthenticated upload is never read.
      let key = '';
      if (op.secured) {
        key = authenticate(req);
        try {
          Object.assign(extra, engine.admit(key));
        } catch (e) {
          throw new HttpError(failureToApiError(e));
        }
        if (stateless) {
          extra['X-API-Credits-Remaining'] = String(creditsRemaining);
          extra['X-API-Credits-Used'] = String(creditsUsed);
        } else Object.assign(extra, engine.tenant(key).creditHeaders());
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (Number.isFinite(declared) && declared > MAX_BODY) {
        res.setHeader('Connection', 'close');
        throw rules.tooLarge();
      }
      // `Prefer: code=…` (Prism's example selector) asks for a documented example, not for state: Prism answers it.
      const fromEngine = !stateless && req.headers.prefer === undefined;
      if (fromEngine && key) {
        const claim = claimIdempotency(engine, key, op.operationId, params, req.headers['idempotency-key']);
        if (!claim.ok) throw new HttpError(failureToApiError(claim.error));
        release = claim.release;
      }
      let raw: Buffer = NO_BODY;
      try {
        // No await for bodiless requests (most GETs): the answer can go out in the same tick.
        if (hasBody(req)) raw = await readBody(req);
      } catch {
        throw rules.tooLarge();
      }
      const parsed = validateRequest(op, params, url, req, raw);
      if (fromEngine) {
        const out = answerFromEngine(engine, op.operationId, key, params, coerceQueryParams(op, url.searchParams), parsed, req.headers['idempotency-key']);
        release();
        if (routeMethod !== 'GET' && !out.error) options.control?.changed?.();
        if (out.error) return sendError(res, reqId, out.error, { ...extra, ...(out.headers ?? {}) });
        // The engine's headers (credits after this request) win over the ones taken before it.
        return sendWith(res, out.status, extra, out.headers, reqId, out.body!);
      }
      if (CREDIT_OPS.has(op.operationId) && creditsRemaining <= 0) {
        throw new HttpError({ status: 402, type: vocab.type('permission'), code: 'insufficient_api_credits', message: 'The organization has no API credits left.' });
      }

      // Idempotency replay for the operations that declare an Idempotency-Key header.
      const idemKey = req.headers['idempotency-key'];
      const idempotent = opInfo.get(op)!.idempotent;
      const slot = idempotent && typeof idemKey === 'string' ? `${key}|${op.operationId}|${url.pathname}|${idemKey}` : undefined;
      // Compare bodies as JSON (whitespace does not make a request different).
      const bodyHash = slot ? createHash('sha256').update(parsed === undefined ? raw : Buffer.from(JSON.stringify(parsed))).digest('hex') : '';
      if (slot) {
        const prev = idem.get(slot);
        if (prev && prev.hash !== bodyHash) {
          throw new HttpError({ status: 400, type: vocab.type('invalid_request'), code: 'idempotency_mismatch', message: 'This Idempotency-Key was used with a different request body.', param: 'Idempotency-Key' });
        }
        if (prev && !prev.done) {
          throw new HttpError({ status: 409, type: vocab.type('conflict'), code: 'idempotency_conflict', message: 'A request with this Idempotency-Key is still in progress.', retry_after: 1, headers: { 'Retry-After': '1' } });
        }
        if (prev?.done) {
          const d = prev.done;
          return send(res, d.status, { ...d.headers, ...extra, 'X-Request-ID': reqId, 'Idempotent-Replayed': 'true' }, d.body);
        }
        if (idem.size >= 10_000) idem.delete(idem.keys().next().value!);
        idem.set(slot, { hash: bodyHash });
      }

      const fwdHeaders: Record<string, string> = { accept: String(req.headers.accept ?? '*/*') };
      if (raw.length) fwdHeaders['content-type'] = String(req.headers['content-type']);
      const prefer = typeof req.headers.prefer === 'string' ? req.headers.prefer : undefined;
      if (prefer) fwdHeaders.prefer = preferWithExample(op, prefer);
      if (key) {
        // Prism checks presence of the declared scheme; give it both forms.
        fwdHeaders.authorization = `Bearer ${key}`;
        fwdHeaders['x-api-key'] = key;
      }
      for (const name of opInfo.get(op)!.headerParams) {
        const h = req.headers[name];
        if (typeof h === 'string') fwdHeaders[name] = h;
      }
      let up: UpstreamResponse;
      // Prism runs in static mode, so a GET's answer depends only on path, query, Prefer and Accept: memoize it.
      const cacheKey = cacheSize > 0 && (method === 'GET' || method === 'HEAD') ? `${method} ${url.pathname}${url.search}|${fwdHeaders.prefer ?? ''}|${fwdHeaders.accept}` : undefined;
      const done = cacheKey ? finalCache.get(cacheKey) : undefined;
      if (done) return sendWith(res, done.status, done.headers, extra, reqId, done.body, done.length);
      try {
        const cached = cacheKey ? upstreamCache.get(cacheKey) : undefined;
        if (cached) up = cached;
        else {
          up = await prism.forward({ method: routeMethod, path: url.pathname + url.search, headers: fwdHeaders, body: raw }, { timeoutMs: upstreamTimeoutMs });
          if (cacheKey && up.status < 500) {
            if (upstreamCache.size >= cacheSize) upstreamCache.delete(upstreamCache.keys().next().value!);
            upstreamCache.set(cacheKey, up);
          }
        }
      } catch (e) {
        if (slot) idem.delete(slot);
        log(`Prism ${e instanceof UpstreamError && e.code === 'timeout' ? 'timed out' : 'unreachable'}: ${(e as Error).message}`);
        throw new HttpError({ status: 503, type: vocab.type('api'), code: 'service_unavailable', message: 'The mock REST engine is not available.' });
      }
      const ctype = String(up.headers['content-type'] ?? '');
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(up.headers)) {
        if (v === undefined || DROP_UPSTREAM.has(k) || k.startsWith('access-control-')) continue;
        outHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      if (ctype.includes('problem+json')) {
        if (slot) idem.delete(slot);
        const apiErr = translateProblem(op, up, prefer);
        if (apiErr.status >= 500) log(`Prism problem for ${method} ${url.pathname}: ${up.body.toString('utf8').slice(0, 300)}`);
        return sendError(res, reqId, apiErr, extra);
      }
      let outBody: Buffer | string = up.body;
      if (/json/i.test(ctype) && up.body.length) {
        let json: JsonObject | undefined;
        try {
          json = JSON.parse(up.body.toString('utf8')) as JsonObject;
        } catch {
          json = undefined;
        }
        if (json && typeof json === 'object' && !Array.isArray(json)) {
          if (up.status >= 400) {
            const e = json.error as JsonObject | undefined;
            if (e && typeof e === 'object') {
              e.request_id = reqId;
              if (up.status === 429 && !outHeaders['retry-after']) outHeaders['retry-after'] = String(e.retry_after ?? 30);
            } else {
              json = envelope({ status: up.status, type: vocab.type(up.status >= 500 ? 'api' : 'invalid_request'), code: up.status >= 500 ? 'internal_error' : 'invalid_request', message: 'Request failed.' }, reqId) as unknown as JsonObject;
            }
          } else {
            json = postProcess(op, up.status, params, parsed, json);
            if (CREDIT_OPS.has(op.operationId)) {
              creditsRemaining = Math.max(0, creditsRemaining - 1);
              creditsUsed++;
              Object.assign(extra, creditHeaders());
            }
          }
          outBody = JSON.stringify(json);
          // Final answers that do not depend on mock state (no session objects) are reused as they are.
          if (cacheKey && up.status < 400 && json.object !== 'session' && !('stream' in json)) {
            if (finalCache.size >= cacheSize) finalCache.delete(finalCache.keys().next().value!);
            finalCache.set(cacheKey, { status: up.status, headers: outHeaders, body: outBody, length: Buffer.byteLength(outBody) });
          }
        }
      } else if (up.status >= 400) {
        const apiErr: ApiError = { status: up.status, type: vocab.type(up.status >= 500 ? 'api' : 'invalid_request'), code: up.status >= 500 ? 'internal_error' : 'invalid_request', message: 'Request failed.' };
        if (slot) idem.delete(slot);
        return sendError(res, reqId, apiErr, extra);
      }
      if (slot) {
        if (up.status < 500) idem.set(slot, { hash: bodyHash, done: { status: up.status, headers: outHeaders, body: outBody } });
        else idem.delete(slot);
      }
      return sendWith(res, up.status, outHeaders, extra, reqId, outBody);
    } catch (e) {
      release();
      if (e instanceof HttpError) return sendError(res, reqId, e.api, extra);
      log(`internal error on ${method} ${url.pathname}: ${(e as Error).stack ?? String(e)}`);
      return sendError(res, reqId, { status: 500, type: vocab.type('api'), code: 'internal_error', message: 'The mock hit an internal error.' }, extra);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      log(`unhandled: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(envelope({ status: 500, type: 'api_error', code: 'internal_error', message: 'The mock hit an internal error.' }, requestId())));
      }
    });
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n' + JSON.stringify(envelope({ status: 400, type: 'invalid_request_error', code: 'invalid_request', message: 'Malformed HTTP request.' }, requestId())));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4010, host, () => resolve());
    });
  } catch (e) {
    await prism.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    get prismPort() {
      return prism.prism.port;
    },
    get prismPid() {
      return prism.prism.child.pid;
    },
    get prismRestarts() {
      return prism.restarts;
    },
    registry,
    model,
    engine,
    stateless,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await prism.close();
    },
  };
}

interface UpstreamLike {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
  /** Byte length of `body`, kept for cached answers. */
  length?: number;
}
