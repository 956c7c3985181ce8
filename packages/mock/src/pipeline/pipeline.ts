// The ONE request pipeline, over plain objects, used by the node:http and MSW adapters alike:
//   route → auth → admit (rate) → credits → declared size → idempotency claim → lazy body → validate
//   → idempotency replay → engine | prism → envelope.
// The body is read only after auth and the declared-size check: an unauthenticated upload is never read. The
// Idempotency-Key is claimed before the body arrives, so a retry sent while an upload is still in flight gets
// 409 idempotency_conflict (as before); the replay itself is decided on the parsed body.
// Stateless mode (and `Prefer: code=…`) answers from Prism's examples through the same steps, with the engine's
// credits and idempotency records: there is one copy of each.
import type { Engine, EngineResponse } from '../engine/index.js';
import type { ApiError, ErrorVocabulary } from '../internal/errors.js';
import type { OpenApiModel, OperationSpec } from '../internal/openapi-model.js';
import type { PrismBackend } from '../prism/forward.js';
import { answerFromEngine, claimIdempotency, coerceQueryParams, failureToApiError } from './engine-route.js';
import { HttpError } from './http-error.js';
import { createRestRules, MAX_BODY, type RestRules } from './rules.js';
import { BodyTimeout, type PlainRequest, type PlainResponse } from './types.js';

const CREDIT_OPS = new Set(['createSession', 'createSessionAnalysis']);
const EMPTY = new Uint8Array(0);
const noop = () => {};

export interface PipelineOptions {
  model: OpenApiModel;
  vocab: ErrorVocabulary;
  engine: Engine;
  /** Shared rules (route, auth, validation, envelope); built from model and vocab when absent. */
  rules?: RestRules;
  /** Prism's examples: the stateless mode's answers, and `Prefer: code=…`. Without it the engine answers all. */
  prism?: PrismBackend;
  stateless?: boolean;
  /** Called after a state-changing request the engine answered successfully. */
  changed?(): void;
  /** One line per internal error. */
  log?(line: string): void;
  /** Replay mode: a validated request is answered by this (a cassette's replayer) instead of the engine or Prism. */
  replay?: ReplayRoute;
}

/** Answers a request the steps before it admitted and validated (auth, size, body, schema). */
export type ReplayRoute = (req: PlainRequest, raw: Uint8Array, reqId: string) => PlainResponse;

/** Synchronous when nothing needs awaiting (a bodiless request the engine answers): the hot path stays one tick. */
export type Pipeline = (req: PlainRequest, reqId: string) => PlainResponse | Promise<PlainResponse>;

/** What the steps before the body established. */
interface Admitted {
  op: OperationSpec;
  params: Record<string, string>;
  key: string;
  routeMethod: string;
  fromEngine: boolean;
  /** Rate and credit headers (every answer carries them). */
  extra: Record<string, string>;
  release(): void;
  close?: boolean;
}

const asApi = (e: unknown): HttpError => (e instanceof HttpError ? e : new HttpError(failureToApiError(e)));
const idemHeader = (req: PlainRequest) => (typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined);

/** The pipeline's fixed parts, shared by the steps below. */
interface Ctx {
  o: PipelineOptions;
  engine: Engine;
  rules: RestRules;
  log(line: string): void;
}

function errorResponse(c: Ctx, api: ApiError, reqId: string, extra: Record<string, string>, close?: boolean): PlainResponse {
  const a = c.rules.errorAnswer(api, reqId);
  return { status: a.status, headers: { ...extra, ...a.headers }, body: a.body, close };
}

function fail(c: Ctx, e: unknown, req: PlainRequest, reqId: string, st: Partial<Admitted>): PlainResponse {
  st.release?.();
  if (e instanceof HttpError) return errorResponse(c, e.api, reqId, st.extra ?? {}, st.close);
  c.log(`internal error on ${req.method} ${req.pathname}: ${(e as Error)?.stack ?? String(e)}`);
  return errorResponse(c, { status: 500, type: c.o.vocab.type('api'), code: 'internal_error', message: 'The mock hit an internal error.' }, reqId, st.extra ?? {});
}

/** route → auth → admit → credits → declared size → idempotency claim (before the body: a slow upload holds it). */
function admit(c: Ctx, req: PlainRequest, st: Partial<Admitted>): Admitted {
  const { engine, rules } = c;
  const extra: Record<string, string> = (st.extra = {});
  const routeMethod = req.method === 'HEAD' ? 'GET' : req.method;
  const { op, params } = rules.route(routeMethod, req.pathname);
  let key = '';
  if (op.secured) key = rules.authenticate(req.headers);
  // Replay: the recorded answer carries the recorded rate, credit and idempotency outcome; the key is still checked.
  if (key && !c.o.replay) {
    try {
      Object.assign(extra, engine.admit(key));
    } catch (e) {
      throw asApi(e);
    }
    Object.assign(extra, engine.tenant(key).creditHeaders());
  }
  if (req.declaredLength !== undefined && req.declaredLength > MAX_BODY) {
    st.close = true;
    throw rules.tooLarge();
  }
  // `Prefer: code=…` (Prism's example selector) asks for a documented example, not for state: Prism answers it.
  const fromEngine = !c.o.prism || (!c.o.stateless && req.headers.prefer === undefined);
  let release = noop;
  if (key && !c.o.replay) {
    const claim = claimIdempotency(engine, key, op.operationId, params, req.headers['idempotency-key']);
    if (!claim.ok) throw asApi(claim.error);
    release = st.release = claim.release;
  }
  return { op, params, key, routeMethod, fromEngine, extra, release };
}

function engineStep(c: Ctx, a: Admitted, req: PlainRequest, parsed: unknown, reqId: string): PlainResponse {
  const out = answerFromEngine(c.engine, a.op.operationId, a.key, a.params, coerceQueryParams(a.op, req.query), parsed, req.headers['idempotency-key']);
  a.release();
  if (out.error) return errorResponse(c, out.error, reqId, { ...a.extra, ...out.headers });
  if (a.routeMethod !== 'GET') c.o.changed?.();
  // The engine's headers (credits after this request) win over the ones taken before it.
  const headers = Object.assign(a.extra, out.headers);
  headers['X-Request-ID'] = reqId;
  return { status: out.status, headers, body: out.body! };
}

/** Credits and idempotency before Prism, with the engine tenant's records: a replay never reaches Prism. */
function prismPrecheck(c: Ctx, a: Admitted, req: PlainRequest, parsed: unknown): { slot?: string; hash: string; replay?: EngineResponse } {
  const tenant = c.engine.tenant(a.key);
  if (CREDIT_OPS.has(a.op.operationId)) tenant.requireCredit();
  const slot = c.engine.idempotencySlot({ operationId: a.op.operationId, params: a.params, idempotencyKey: idemHeader(req) });
  if (!slot) return { hash: '' };
  const now = c.engine.clock.now();
  tenant.idempotency.sweep(now);
  return { slot, ...tenant.idempotency.lookup(slot, parsed, now) };
}

async function prismStep(c: Ctx, a: Admitted, req: PlainRequest, raw: Uint8Array, parsed: unknown, reqId: string): Promise<PlainResponse> {
  let pre: ReturnType<typeof prismPrecheck> = { hash: '' };
  try {
    if (a.key) pre = prismPrecheck(c, a, req, parsed);
  } catch (e) {
    throw asApi(e);
  }
  if (pre.replay) {
    a.release();
    const headers = { ...a.extra, 'Content-Type': 'application/json', 'X-Request-ID': reqId, 'Idempotent-Replayed': 'true' };
    return { status: pre.replay.status, headers, body: JSON.stringify(pre.replay.body) };
  }
  const out = await c.o.prism!.answer({ op: a.op, params: a.params, method: req.method, pathname: req.pathname, search: req.search, headers: req.headers, raw, parsed, key: a.key, reqId });
  a.release();
  if (out.error) return errorResponse(c, out.error, reqId, a.extra);
  if (a.key && out.json && out.status < 400) {
    const tenant = c.engine.tenant(a.key);
    if (CREDIT_OPS.has(a.op.operationId)) {
      tenant.spendCredit();
      Object.assign(a.extra, tenant.creditHeaders());
    }
    if (pre.slot) tenant.idempotency.store(pre.slot, pre.hash, { status: out.status, body: out.json }, c.engine.clock.now());
  }
  return { status: out.status, headers: { ...out.headers, ...a.extra, 'X-Request-ID': reqId }, body: out.body };
}

/** validate → engine | prism, with every failure turned into the envelope. */
function answer(c: Ctx, a: Admitted, req: PlainRequest, raw: Uint8Array, reqId: string): PlainResponse | Promise<PlainResponse> {
  try {
    const parsed = c.rules.validateRequest(a.op, a.params, req.query, req.headers, raw);
    if (c.o.replay) {
      a.release();
      return c.o.replay(req, raw, reqId);
    }
    if (a.fromEngine) return engineStep(c, a, req, parsed, reqId);
    return prismStep(c, a, req, raw, parsed, reqId).catch((e: unknown) => fail(c, e, req, reqId, a));
  } catch (e) {
    return fail(c, e, req, reqId, a);
  }
}

export function createPipeline(o: PipelineOptions): Pipeline {
  const c: Ctx = { o, engine: o.engine, rules: o.rules ?? createRestRules(o.model, o.vocab), log: o.log ?? noop };
  return (req, reqId) => {
    const st: Partial<Admitted> = {};
    let a: Admitted;
    try {
      a = admit(c, req, st);
    } catch (e) {
      return fail(c, e, req, reqId, st);
    }
    // No await for bodiless requests (most GETs): the answer can go out in the same tick.
    if (!req.hasBody) return answer(c, a, req, EMPTY, reqId);
    return req.readBody(MAX_BODY).then(
      (raw) => answer(c, a, req, raw, reqId),
      (e: unknown) => {
        // The rest of a body that was cut (too large, too slow) is never read: the adapter closes the connection.
        a.close = true;
        return fail(c, e instanceof BodyTimeout ? c.rules.bodyTimeout(e.ms) : c.rules.tooLarge(), req, reqId, a);
      },
    );
  };
}
