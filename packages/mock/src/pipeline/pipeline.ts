// The ONE request pipeline, over plain objects, used by the node:http and MSW adapters alike:
//   route → auth → admit (rate) → credits → declared size → lazy body → idempotency → validate
//   → engine | prism → envelope.
// The body is read only after auth and the declared-size check: an unauthenticated upload is never read.
// Stateless mode (and `Prefer: code=…`) answers from Prism's examples through the same steps, with the engine's
// credits and idempotency records: there is one copy of each.
import type { Engine } from '../engine/index.js';
import type { ApiError, ErrorVocabulary } from '../internal/errors.js';
import type { OpenApiModel, OperationSpec } from '../internal/openapi-model.js';
import type { PrismBackend } from '../prism/forward.js';
import { answerFromEngine, claimIdempotency, coerceQueryParams, failureToApiError } from './engine-route.js';
import { HttpError } from './http-error.js';
import { createRestRules, MAX_BODY, type RestRules } from './rules.js';
import { BodyTooLarge, type PlainRequest, type PlainResponse } from './types.js';

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
}

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

export function createPipeline(o: PipelineOptions): Pipeline {
  const { engine } = o;
  const rules = o.rules ?? createRestRules(o.model, o.vocab);
  const log = o.log ?? noop;

  function errorResponse(api: ApiError, reqId: string, extra: Record<string, string>, close?: boolean): PlainResponse {
    const a = rules.errorAnswer(api, reqId);
    return { status: a.status, headers: { ...extra, ...a.headers }, body: a.body, close };
  }

  function fail(e: unknown, req: PlainRequest, reqId: string, st: Partial<Admitted>): PlainResponse {
    st.release?.();
    if (e instanceof HttpError) return errorResponse(e.api, reqId, st.extra ?? {}, st.close);
    log(`internal error on ${req.method} ${req.pathname}: ${(e as Error)?.stack ?? String(e)}`);
    return errorResponse({ status: 500, type: o.vocab.type('api'), code: 'internal_error', message: 'The mock hit an internal error.' }, reqId, st.extra ?? {});
  }

  /** route → auth → admit → credits → declared size → idempotency claim (before the body: a slow upload holds it). */
  function admit(req: PlainRequest, st: Partial<Admitted>): Admitted {
    const extra: Record<string, string> = (st.extra = {});
    const routeMethod = req.method === 'HEAD' ? 'GET' : req.method;
    const { op, params } = rules.route(routeMethod, req.pathname);
    let key = '';
    if (op.secured) {
      key = rules.authenticate(req.headers);
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
    const fromEngine = !o.prism || (!o.stateless && req.headers.prefer === undefined);
    let release = noop;
    if (key) {
      const claim = claimIdempotency(engine, key, op.operationId, params, req.headers['idempotency-key']);
      if (!claim.ok) throw asApi(claim.error);
      release = st.release = claim.release;
    }
    return { op, params, key, routeMethod, fromEngine, extra, release };
  }

  function engineStep(a: Admitted, req: PlainRequest, parsed: unknown, reqId: string): PlainResponse {
    const out = answerFromEngine(engine, a.op.operationId, a.key, a.params, coerceQueryParams(a.op, req.query), parsed, req.headers['idempotency-key']);
    a.release();
    if (out.error) return errorResponse(out.error, reqId, { ...a.extra, ...out.headers });
    if (a.routeMethod !== 'GET') o.changed?.();
    // The engine's headers (credits after this request) win over the ones taken before it.
    const headers = Object.assign(a.extra, out.headers);
    headers['X-Request-ID'] = reqId;
    return { status: out.status, headers, body: out.body! };
  }

  async function prismStep(a: Admitted, req: PlainRequest, raw: Uint8Array, parsed: unknown, reqId: string): Promise<PlainResponse> {
    const tenant = a.key ? engine.tenant(a.key) : undefined;
    const credited = !!tenant && CREDIT_OPS.has(a.op.operationId);
    const slot = tenant ? engine.idempotencySlot({ operationId: a.op.operationId, params: a.params, idempotencyKey: idemHeader(req) }) : undefined;
    let hash = '';
    try {
      if (credited) tenant!.requireCredit();
      if (slot) {
        tenant!.idempotency.sweep(engine.clock.now());
        const found = tenant!.idempotency.lookup(slot, parsed, engine.clock.now());
        if (found.replay) {
          a.release();
          const headers = { ...a.extra, 'Content-Type': 'application/json', 'X-Request-ID': reqId, 'Idempotent-Replayed': 'true' };
          return { status: found.replay.status, headers, body: JSON.stringify(found.replay.body) };
        }
        hash = found.hash;
      }
    } catch (e) {
      throw asApi(e);
    }
    const out = await o.prism!.answer({ op: a.op, params: a.params, method: req.method, pathname: req.pathname, search: req.search, headers: req.headers, raw, parsed, key: a.key, reqId });
    a.release();
    if (out.error) return errorResponse(out.error, reqId, a.extra);
    if (out.json && out.status < 400 && credited) {
      tenant!.spendCredit();
      Object.assign(a.extra, tenant!.creditHeaders());
    }
    if (slot && out.json) tenant!.idempotency.store(slot, hash, { status: out.status, body: out.json }, engine.clock.now());
    return { status: out.status, headers: { ...out.headers, ...a.extra, 'X-Request-ID': reqId }, body: out.body };
  }

  /** validate → engine | prism, with every failure turned into the envelope. */
  function answer(a: Admitted, req: PlainRequest, raw: Uint8Array, reqId: string): PlainResponse | Promise<PlainResponse> {
    try {
      const parsed = rules.validateRequest(a.op, a.params, req.query, req.headers, raw);
      if (a.fromEngine) return engineStep(a, req, parsed, reqId);
      return prismStep(a, req, raw, parsed, reqId).catch((e: unknown) => fail(e, req, reqId, a));
    } catch (e) {
      return fail(e, req, reqId, a);
    }
  }

  return (req, reqId) => {
    const st: Partial<Admitted> = {};
    let a: Admitted;
    try {
      a = admit(req, st);
    } catch (e) {
      return fail(e, req, reqId, st);
    }
    // No await for bodiless requests (most GETs): the answer can go out in the same tick.
    if (!req.hasBody) return answer(a, req, EMPTY, reqId);
    return req.readBody(MAX_BODY).then(
      (raw) => answer(a, req, raw, reqId),
      (e: unknown) => fail(e instanceof BodyTooLarge || !(e instanceof HttpError) ? rules.tooLarge() : e, req, reqId, a),
    );
  };
}
