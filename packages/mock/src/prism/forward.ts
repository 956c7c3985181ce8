// The pipeline's Prism step: forward a validated request to the supervised Prism child (with its deadline),
// memoize GET answers (static mode makes them deterministic), translate problems into the API's envelope and
// rewrite examples so they reflect the request and the mock's own sessions.
import { envelope, type ApiError, type ErrorVocabulary } from '../internal/errors.js';
import type { OpenApiModel, OperationSpec } from '../internal/openapi-model.js';
import type { JsonObject } from '../internal/schema.js';
import type { HeaderBag } from '../pipeline/types.js';
import type { SessionRegistry } from '../registry.js';
import { UpstreamError, type UpstreamResponse } from './child.js';
import type { PrismSupervisor } from './supervisor.js';
import { createRewriter } from './rewrite.js';
import { preferWithExample, translateProblem } from './translate.js';

// Headers Prism adds that must not reach users (sl-violations carries Prism's own text).
const DROP_UPSTREAM = new Set(['sl-violations', 'x-powered-by', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

/** One validated request, as the pipeline hands it to Prism. */
export interface PrismExchange {
  op: OperationSpec;
  params: Record<string, string>;
  /** The request's method (HEAD stays HEAD here; Prism is asked with GET). */
  method: string;
  pathname: string;
  search: string;
  headers: HeaderBag;
  raw: Uint8Array;
  parsed: unknown;
  key: string;
  reqId: string;
}

/** An error for the envelope step, or Prism's (rewritten) answer; `json` is set for a successful JSON object. */
export type PrismOutcome = { error: ApiError } | { error?: undefined; status: number; headers: Record<string, string>; body: string | Uint8Array; json?: JsonObject };

export interface PrismBackend {
  answer(x: PrismExchange): Promise<PrismOutcome>;
}

export interface PrismBackendOptions {
  supervisor: PrismSupervisor;
  model: OpenApiModel;
  vocab: ErrorVocabulary;
  registry: SessionRegistry;
  streamBase?: string;
  /** Memoized GET answers; 0 disables. */
  cacheSize: number;
  timeoutMs: number;
  log(line: string): void;
}

function setCapped<K, V>(m: Map<K, V>, cap: number, k: K, v: V) {
  if (m.size >= cap) m.delete(m.keys().next().value!);
  m.set(k, v);
}

function forwardHeaders(x: PrismExchange, headerParams: string[]): Record<string, string> {
  const h: Record<string, string> = { accept: String(x.headers.accept ?? '*/*') };
  if (x.raw.length) h['content-type'] = String(x.headers['content-type']);
  const prefer = typeof x.headers.prefer === 'string' ? x.headers.prefer : undefined;
  if (prefer) h.prefer = preferWithExample(x.op, prefer);
  if (x.key) {
    // Prism checks presence of the declared scheme; give it both forms.
    h.authorization = `Bearer ${x.key}`;
    h['x-api-key'] = x.key;
  }
  for (const name of headerParams) {
    const v = x.headers[name];
    if (typeof v === 'string') h[name] = v;
  }
  return h;
}

function keptHeaders(up: UpstreamResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(up.headers)) {
    if (v === undefined || DROP_UPSTREAM.has(k) || k.startsWith('access-control-')) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function parseObject(body: Uint8Array): JsonObject | undefined {
  try {
    const v = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

export function createPrismBackend(o: PrismBackendOptions): PrismBackend {
  const { vocab, log } = o;
  const postProcess = createRewriter({ model: o.model, registry: o.registry, streamBase: o.streamBase, log });
  const upstreamCache = new Map<string, UpstreamResponse>();
  const finalCache = new Map<string, { status: number; headers: Record<string, string>; body: string }>();
  const headerParams = new Map<OperationSpec, string[]>(o.model.operations.map((op) => [op, op.params.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase())]));
  const failed = (status: number): ApiError => ({ status, type: vocab.type(status >= 500 ? 'api' : 'invalid_request'), code: status >= 500 ? 'internal_error' : 'invalid_request', message: 'Request failed.' });

  async function fetchUpstream(x: PrismExchange, fwd: Record<string, string>, cacheKey: string | undefined): Promise<UpstreamResponse> {
    const cached = cacheKey ? upstreamCache.get(cacheKey) : undefined;
    if (cached) return cached;
    const path = x.pathname + x.search;
    const up = await o.supervisor.forward({ method: x.method === 'HEAD' ? 'GET' : x.method, path, headers: fwd, body: x.raw }, { timeoutMs: o.timeoutMs });
    if (cacheKey && up.status < 500) setCapped(upstreamCache, o.cacheSize, cacheKey, up);
    return up;
  }

  /** A JSON answer: errors get our request id (or an envelope), successes are rewritten. */
  function jsonAnswer(x: PrismExchange, up: UpstreamResponse, json: JsonObject, headers: Record<string, string>, cacheKey: string | undefined): PrismOutcome {
    if (up.status >= 400) {
      const e = json.error as JsonObject | undefined;
      if (e && typeof e === 'object') {
        e.request_id = x.reqId;
        if (up.status === 429 && !headers['retry-after']) headers['retry-after'] = String(e.retry_after ?? 30);
      } else json = envelope(failed(up.status), x.reqId) as unknown as JsonObject;
      return { status: up.status, headers, body: JSON.stringify(json) };
    }
    json = postProcess(x.op, up.status, x.params, x.parsed, json);
    const body = JSON.stringify(json);
    // Final answers that do not depend on mock state (no session objects) are reused as they are.
    if (cacheKey && json.object !== 'session' && !('stream' in json)) setCapped(finalCache, o.cacheSize, cacheKey, { status: up.status, headers, body });
    return { status: up.status, headers, body, json };
  }

  async function answer(x: PrismExchange): Promise<PrismOutcome> {
    const fwd = forwardHeaders(x, headerParams.get(x.op) ?? []);
    const cacheKey = o.cacheSize > 0 && (x.method === 'GET' || x.method === 'HEAD') ? `${x.method} ${x.pathname}${x.search}|${fwd.prefer ?? ''}|${fwd.accept}` : undefined;
    const done = cacheKey ? finalCache.get(cacheKey) : undefined;
    if (done) return { ...done };
    let up: UpstreamResponse;
    try {
      up = await fetchUpstream(x, fwd, cacheKey);
    } catch (e) {
      log(`Prism ${e instanceof UpstreamError && e.code === 'timeout' ? 'timed out' : 'unreachable'}: ${(e as Error).message}`);
      return { error: { status: 503, type: vocab.type('api'), code: 'service_unavailable', message: 'The mock REST engine is not available.' } };
    }
    const ctype = String(up.headers['content-type'] ?? '');
    if (ctype.includes('problem+json')) {
      const error = translateProblem(x.op, up, typeof x.headers.prefer === 'string' ? x.headers.prefer : undefined, vocab);
      if (error.status >= 500) log(`Prism problem for ${x.method} ${x.pathname}: ${up.body.toString('utf8').slice(0, 300)}`);
      return { error };
    }
    const headers = keptHeaders(up);
    const isJson = /json/i.test(ctype) && up.body.length > 0;
    const json = isJson ? parseObject(up.body) : undefined;
    if (json) return jsonAnswer(x, up, json, headers, cacheKey);
    if (!isJson && up.status >= 400) return { error: failed(up.status) };
    return { status: up.status, headers, body: up.body };
  }

  return { answer };
}
