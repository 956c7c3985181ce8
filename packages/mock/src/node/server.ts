// The node:http adapter of the REST mock: sockets, CORS, /health and the /_mock control plane; every API
// request goes through the one pipeline (pipeline/pipeline.ts) as a plain request object. Stateless mode and
// `Prefer: code=…` are answered by the supervised Prism child (prism/) behind that same pipeline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl, type ControlHooks } from '../control/handler.js';
import { Engine } from '../engine/index.js';
import { envelope, ErrorVocabulary, requestId, type ApiError } from '../internal/errors.js';
import { buildOpenApiModel, type OpenApiModel } from '../internal/openapi-model.js';
import { readJson, resolveSpecPath } from '../internal/specs.js';
import { createPipeline, type Pipeline, type ReplayRoute } from '../pipeline/pipeline.js';
import { createRestRules, MAX_BODY, type RestRules } from '../pipeline/rules.js';
import { supervisePrism, type PrismSupervisor } from '../prism/supervisor.js';
import { createPrismBackend } from '../prism/forward.js';
import { SessionRegistry } from '../registry.js';
import { closeAfterResponse, parseUrl, plainRequest, readBody, send, sendPlain, type ParsedUrl } from './http.js';

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
  /** Replay mode: API requests are answered from a cassette after the pipeline's checks (see replay/). */
  replay?: ReplayRoute;
  /** A request body must have arrived this long after the pipeline starts reading it, else 408. Default 10 000 ms. */
  bodyTimeoutMs?: number;
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

const EXPOSE = 'X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-API-Credits-Remaining, X-API-Credits-Used, Retry-After, Idempotent-Replayed, Content-Disposition';

interface Front {
  pipeline: Pipeline;
  rules: RestRules;
  vocab: ErrorVocabulary;
  engine: Engine;
  prism: PrismSupervisor;
  stateless: boolean;
  corsOrigins: Set<string>;
  control?: ControlHooks;
  model: OpenApiModel;
  bodyTimeoutMs?: number;
}

function health(f: Front, res: ServerResponse, reqId: string, allowOrigin: string | undefined) {
  const ph = f.prism.health();
  const ok = ph.state === 'up';
  const h: Record<string, string> = { 'Content-Type': 'application/json', 'X-Request-ID': reqId };
  if (allowOrigin) Object.assign(h, { 'Access-Control-Allow-Origin': allowOrigin, Vary: 'Origin' });
  send(res, ok ? 200 : 503, h, JSON.stringify({ status: ok ? 'ok' : 'degraded', rest: true, mode: f.stateless ? 'stateless' : 'stateful', prism: ph.state, prism_restarts: ph.restarts }));
}

function preflight(res: ServerResponse, reqId: string, allowOrigin: string | undefined) {
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
  res.end();
}

/** One request: CORS, /health and /_mock here; everything else is the pipeline's. */
function handle(f: Front, req: IncomingMessage, res: ServerResponse): void | Promise<void> {
  const reqId = requestId();
  const method = (req.method ?? 'GET').toUpperCase();
  const sendError = (r: ServerResponse, id: string, raw: ApiError, extra: Record<string, string> = {}) => {
    const e = f.rules.errorAnswer(raw, id);
    send(r, e.status, extra, e.body, e.headers);
  };
  let url: ParsedUrl;
  try {
    url = parseUrl(req.url ?? '/');
  } catch {
    return sendError(res, reqId, { status: 400, type: f.vocab.type('invalid_request'), code: 'invalid_request', message: 'Malformed request URL.' });
  }
  const origin = req.headers.origin;
  const allowOrigin = typeof origin === 'string' && f.corsOrigins.has(origin) ? origin : undefined;
  if (url.pathname === '/health' && (method === 'GET' || method === 'HEAD')) return health(f, res, reqId, allowOrigin);
  if (method === 'OPTIONS') return preflight(res, reqId, allowOrigin);
  const cors = allowOrigin ? { 'Access-Control-Allow-Origin': allowOrigin, 'Access-Control-Expose-Headers': EXPOSE, Vary: 'Origin' } : undefined;
  if (url.pathname.startsWith('/_mock/') || url.pathname === '/_mock') {
    const sendText = (r: ServerResponse, status: number, headers: Record<string, string>, body: string) => send(r, status, headers, body);
    return handleControl({ req, res, url, method, engine: f.engine, hooks: f.control, model: f.model, readBody: () => readControlBody(req, res, f.bodyTimeoutMs), extra: { ...cors }, reqId, send: sendText, sendError, vocab: f.vocab });
  }
  const out = f.pipeline(plainRequest(req, method, url, f.bodyTimeoutMs), reqId);
  if (!(out instanceof Promise)) return sendPlain(res, out, cors);
  return out.then((o) => sendPlain(res, o, cors));
}

/** A control-plane body, bounded like the API's: a cut one (too large, too slow) closes the connection unread. */
function readControlBody(req: IncomingMessage, res: ServerResponse, timeoutMs: number | undefined): Promise<Buffer> {
  return readBody(req, MAX_BODY, timeoutMs).catch((e: unknown) => {
    res.setHeader('Connection', 'close');
    closeAfterResponse(res);
    throw e;
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

function createFrontServer(f: Front, log: (l: string) => void): Server {
  const server: Server = createServer((req, res) => {
    const done = handle(f, req, res);
    if (!done) return;
    done.catch((e) => {
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
  return server;
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
  const corsOrigins = options.corsOrigins instanceof Set ? options.corsOrigins : new Set(options.corsOrigins ?? []);
  // Prism is a supervised child: health-probed, restarted with backoff; 503 envelopes while it is down.
  const prism = await supervisePrism({ specPath, host: '127.0.0.1', verbose: options.prismVerbose ?? 'warn', healthIntervalMs: options.prismHealthIntervalMs, log });
  const backend = createPrismBackend({ supervisor: prism, model, vocab, registry, streamBase: options.streamBaseUrl?.replace(/\/$/, ''), cacheSize: options.prismCacheSize ?? 1000, timeoutMs: options.upstreamTimeoutMs ?? 15_000, log });
  const rules = createRestRules(model, vocab);
  const pipeline = createPipeline({ model, vocab, engine, rules, prism: backend, stateless, changed: () => options.control?.changed?.(), log, replay: options.replay });
  const server = createFrontServer({ pipeline, rules, vocab, engine, prism, stateless, corsOrigins, control: options.control, model, bodyTimeoutMs: options.bodyTimeoutMs }, log);
  try {
    await listen(server, options.port ?? 4010, host);
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
