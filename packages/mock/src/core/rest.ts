// The REST front's rules with no transport: route matching, auth, rate and size limits, request validation
// against the spec, idempotency, the engine call and the API's Error envelope. The node:http adapter (rest.ts)
// and the MSW adapter (msw/rest.ts) both call these; neither repeats them.
import type { Engine } from '../engine/index.js';
import { answerFromEngine, claimIdempotency, coerceQueryParams, failureToApiError } from '../http/engine-route.js';
import { envelope, type ApiError, type ErrorVocabulary } from '../internal/errors.js';
import type { OpenApiModel, OperationSpec } from '../internal/openapi-model.js';
import { describeAjvError, paramFromAjvError, pickAjvError } from '../internal/schema.js';

export const MAX_BODY = 1024 * 1024;
// Same shape @kallglot/client accepts: the prefix, then printable ASCII.
export const API_KEY = /^sk_(test|live)_[\x21-\x7e]{1,200}$/;
const PARAM_OK = /^[A-Za-z0-9_.\[\]-]{1,200}$/;

/** Request headers by lower-case name (node's IncomingMessage.headers has this shape). */
export type HeaderBag = Record<string, string | string[] | undefined>;

export class HttpError extends Error {
  constructor(readonly api: ApiError) {
    super(api.message);
  }
}

/**
 * Make an error fit the spec's Error schema: `code` is `a|b|c` (preferences; the first one the ErrorCode
 * enum lists wins, else a generic code for the status), `param` and `message` respect their patterns.
 */
export function normalizeError(model: OpenApiModel, e: ApiError): ApiError {
  const prefs = e.code.split('|');
  const enumCodes = model.errorCodeEnum;
  const generic = e.status === 401 ? 'invalid_api_key' : e.status === 402 ? 'insufficient_api_credits' : e.status === 429 ? 'rate_limit_exceeded' : e.status === 503 ? 'service_unavailable' : e.status >= 500 ? 'internal_error' : 'invalid_request';
  const code = enumCodes.length ? (prefs.find((c) => enumCodes.includes(c)) ?? (enumCodes.includes(generic) ? generic : enumCodes[0]!)) : prefs[0]!;
  let param = e.param;
  if (param !== undefined) {
    param = param.replace(/[^A-Za-z0-9_.[\]-]/g, '_').slice(0, 200);
    if (!PARAM_OK.test(param)) param = undefined;
  }
  const message = e.message.replace(/\u0000/g, '').slice(0, 2000);
  return { ...e, code, param, message };
}

/** First of `prefs` the operation documents; else `fallback`. */
export function statusFor(op: OperationSpec | undefined, prefs: number[], fallback: number): number {
  if (!op) return fallback;
  return prefs.find((s) => op.statuses.has(s)) ?? fallback;
}

export function coerceQuery(values: string[], types: string[], isArray: boolean): unknown {
  const one = (v: string): unknown => {
    if ((types.includes('integer') || types.includes('number')) && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    if (types.includes('boolean') && (v === 'true' || v === 'false')) return v === 'true';
    return v;
  };
  if (isArray) return values.flatMap((v) => v.split(',')).map((v) => v);
  return one(values[values.length - 1]!);
}

const utf8 = new TextDecoder('utf-8');

export interface RestRules {
  /** 404 / 405 for a path or method the spec does not have. */
  route(method: string, pathname: string): { op: OperationSpec; params: Record<string, string> };
  /** The API key from Authorization or X-API-Key (401 when missing or malformed). */
  authenticate(headers: HeaderBag): string;
  authErr(kind: 'missing' | 'malformed', message: string): HttpError;
  validation(op: OperationSpec | undefined, param: string | undefined, message: string): HttpError;
  /** Parameters, content type and JSON body against the spec; returns the parsed body. */
  validateRequest(op: OperationSpec, params: Record<string, string>, query: URLSearchParams, headers: HeaderBag, raw: Uint8Array): unknown;
  tooLarge(): HttpError;
  /** The envelope for an error: status, headers and JSON text. */
  errorAnswer(raw: ApiError, reqId: string): { status: number; headers: Record<string, string>; body: string };
}

export function createRestRules(model: OpenApiModel, vocab: ErrorVocabulary): RestRules {
  const validation: RestRules['validation'] = (op, param, message) => {
    const status = statusFor(op, [422, 400], 422);
    return new HttpError({ status, type: vocab.type('validation'), code: 'invalid_request', message, param });
  };

  const authErr: RestRules['authErr'] = (kind, message) =>
    new HttpError({
      status: 401,
      type: vocab.type('authentication'),
      code: kind === 'missing' ? 'missing_api_key|api_key_missing|authentication_required' : 'malformed_api_key|invalid_api_key_format|invalid_api_key',
      message,
      param: kind === 'malformed' ? 'Authorization' : undefined,
      headers: { 'WWW-Authenticate': 'Bearer realm="kallglot"' },
    });

  function route(method: string, pathname: string) {
    const { op, params, allowed } = model.match(method, pathname);
    if (op) return { op, params };
    if (allowed.length) {
      throw new HttpError({ status: 405, type: vocab.type('invalid_request'), code: 'method_not_allowed|invalid_request', message: `${method} is not allowed here. Allowed: ${allowed.join(', ')}.`, headers: { Allow: allowed.join(', ') } });
    }
    throw new HttpError({ status: 404, type: vocab.type('not_found'), code: 'route_not_found|not_found', message: `No route ${method} ${pathname}.` });
  }

  function authenticate(headers: HeaderBag): string {
    const auth = headers.authorization;
    const xKey = headers['x-api-key'];
    let key: string | undefined;
    if (typeof auth === 'string' && auth.length) {
      const m = /^Bearer\s+(.*)$/i.exec(auth.trim());
      if (!m) throw authErr('malformed', "The Authorization header must be 'Bearer <api_key>'.");
      key = m[1]!.trim();
    } else if (typeof xKey === 'string' && xKey.length) key = xKey.trim();
    if (!key) throw authErr('missing', "No API key provided. Send 'Authorization: Bearer sk_test_…' or 'X-API-Key'.");
    if (!API_KEY.test(key)) throw authErr('malformed', 'The API key is malformed: keys start with sk_test_ or sk_live_.');
    return key;
  }

  function validateRequest(op: OperationSpec, params: Record<string, string>, query: URLSearchParams, headers: HeaderBag, raw: Uint8Array): unknown {
    for (const p of op.params) {
      let value: unknown;
      if (p.in === 'path') value = params[p.name];
      else if (p.in === 'query') {
        const all = query.getAll(p.name);
        value = all.length ? coerceQuery(all, p.types, p.isArray) : undefined;
      } else if (p.in === 'header') {
        const lower = p.name.toLowerCase();
        if (lower === 'authorization' || lower === 'content-type' || lower === 'accept') continue;
        const h = headers[lower];
        value = Array.isArray(h) ? h.join(',') : h;
      } else continue;
      if (value === undefined) {
        if (p.required) throw validation(op, p.name, `The '${p.name}' ${p.in} parameter is required.`);
        continue;
      }
      if (!p.validate(value)) {
        const e = pickAjvError(p.validate.errors);
        throw validation(op, p.name, describeAjvError(e, p.name));
      }
    }
    // Query parameters the operation does not declare are rejected rather than silently ignored.
    for (const key of new Set(query.keys())) {
      if (!op.params.some((p) => p.in === 'query' && p.name === key)) throw validation(op, key, `Unknown query parameter '${key}'.`);
    }
    if (!op.body) return undefined;
    const fullType = String(headers['content-type'] ?? '');
    const ctype = fullType.split(';')[0]!.trim().toLowerCase();
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(fullType)?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      throw new HttpError({ status: 415, type: vocab.type('invalid_request'), code: 'unsupported_media_type|invalid_request', message: `Unsupported charset '${charset.slice(0, 40)}': send UTF-8 JSON.`, param: 'Content-Type' });
    }
    if (raw.length === 0) {
      if (op.body.required) throw validation(op, undefined, 'A JSON request body is required.');
      return undefined;
    }
    if (!op.body.mediaTypes.some((m) => m.toLowerCase() === ctype)) {
      const status = statusFor(op, [415, 400, 422], 400);
      throw new HttpError({ status, type: vocab.type('invalid_request'), code: 'unsupported_media_type|invalid_content_type', message: `Content-Type must be ${op.body.mediaTypes.join(' or ')}.`, param: 'Content-Type' });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8.decode(raw));
    } catch {
      const status = statusFor(op, [400, 422], 400);
      throw new HttpError({ status, type: vocab.type('invalid_request'), code: 'invalid_json|parse_error|invalid_request', message: 'The request body is not valid JSON.' });
    }
    if (op.body.validate && !op.body.validate(parsed)) {
      const e = pickAjvError(op.body.validate.errors);
      const param = paramFromAjvError(e);
      throw validation(op, param, describeAjvError(e, param));
    }
    return parsed;
  }

  const tooLarge = () => new HttpError({ status: 400, type: vocab.type('invalid_request'), code: 'request_too_large|invalid_request', message: `Request bodies are limited to ${MAX_BODY} bytes.` });

  function errorAnswer(raw: ApiError, reqId: string) {
    const e = normalizeError(model, raw);
    return { status: e.status, headers: { ...(e.headers ?? {}), 'Content-Type': 'application/json', 'X-Request-ID': reqId }, body: JSON.stringify(envelope(e, reqId)) };
  }

  return { route, authenticate, authErr, validation, validateRequest, tooLarge, errorAnswer };
}

/** A request as any transport sees it, body already read (and bounded by the adapter). */
export interface CoreRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: HeaderBag;
  body: Uint8Array;
}

export interface CoreAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/**
 * The stateful sandbox's whole request path (no Prism): the order matters and is the node adapter's too —
 * route, auth, rate, size, idempotency claim, validation, engine.
 */
export function handleSandboxRequest(rules: RestRules, engine: Engine, req: CoreRequest, reqId: string): CoreAnswer {
  const extra: Record<string, string> = {};
  let release = () => {};
  try {
    const { op, params } = rules.route(req.method === 'HEAD' ? 'GET' : req.method, req.pathname);
    let key = '';
    if (op.secured) {
      key = rules.authenticate(req.headers);
      try {
        Object.assign(extra, engine.admit(key));
      } catch (e) {
        throw new HttpError(failureToApiError(e));
      }
      Object.assign(extra, engine.tenant(key).creditHeaders());
    }
    if (req.body.length > MAX_BODY) throw rules.tooLarge();
    if (key) {
      const claim = claimIdempotency(engine, key, op.operationId, params, req.headers['idempotency-key']);
      if (!claim.ok) throw new HttpError(failureToApiError(claim.error));
      release = claim.release;
    }
    const parsed = rules.validateRequest(op, params, req.query, req.headers, req.body);
    const out = answerFromEngine(engine, op.operationId, key, params, coerceQueryParams(op, req.query), parsed, req.headers['idempotency-key']);
    release();
    if (out.error) {
      const e = rules.errorAnswer(out.error, reqId);
      return { ...e, headers: { ...extra, ...out.headers, ...e.headers } };
    }
    return { status: out.status, headers: { ...extra, ...out.headers, 'X-Request-ID': reqId }, body: out.body ?? '' };
  } catch (e) {
    release();
    if (!(e instanceof HttpError)) throw e;
    const a = rules.errorAnswer(e.api, reqId);
    return { ...a, headers: { ...extra, ...a.headers } };
  }
}
