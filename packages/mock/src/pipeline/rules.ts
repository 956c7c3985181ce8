// The REST rules with no transport: route matching, auth, size limit, request validation against the spec and
// the API's Error envelope. The pipeline (pipeline.ts) applies them in order for every adapter.
import { envelope, type ApiError, type ErrorVocabulary } from '../internal/errors.js';
import type { OpenApiModel, OperationSpec } from '../internal/openapi-model.js';
import { HttpError, statusFor } from './http-error.js';
import type { HeaderBag } from './types.js';
import { checkParams, parseBody } from './validate.js';

export const MAX_BODY = 1024 * 1024;
// Same shape @kallglot/client accepts: the prefix, then printable ASCII.
export const API_KEY = /^sk_test_[\x21-\x7e]{1,200}$/;
const PARAM_OK = /^[A-Za-z0-9_.\[\]-]{1,200}$/;

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

export interface RestRules {
  /** 404 / 405 for a path or method the spec does not have. */
  route(method: string, pathname: string): { op: OperationSpec; params: Record<string, string> };
  /** The API key from Authorization or X-API-Key (401 when missing or malformed). */
  authenticate(headers: HeaderBag): string;
  authErr(kind: 'missing' | 'malformed' | 'live', message: string): HttpError;
  validation(op: OperationSpec | undefined, param: string | undefined, message: string): HttpError;
  /** Parameters, content type and JSON body against the spec; returns the parsed body. */
  validateRequest(op: OperationSpec, params: Record<string, string>, query: URLSearchParams, headers: HeaderBag, raw: Uint8Array): unknown;
  tooLarge(): HttpError;
  /** 408: the body did not arrive within the adapter's deadline. */
  bodyTimeout(ms: number): HttpError;
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
      code: kind === 'missing' ? 'missing_api_key|api_key_missing|authentication_required' : kind === 'live' ? 'invalid_api_key' : 'malformed_api_key|invalid_api_key_format|invalid_api_key',
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
      const m = /^Bearer +(.*)$/i.exec(auth);
      if (!m) throw authErr('malformed', "The Authorization header must be 'Bearer <api_key>'.");
      key = m[1]!;
      if (/^Bearer(\s|$)/i.test(key.trimStart())) throw authErr('malformed', "The Authorization header says 'Bearer' twice: send 'Bearer <api_key>' with one 'Bearer '.");
    } else if (typeof xKey === 'string' && xKey.length) key = xKey;
    if (!key?.trim()) throw authErr('missing', "No API key provided. Send 'Authorization: Bearer sk_test_…' or 'X-API-Key'.");
    if (key !== key.trim()) throw authErr('malformed', 'The API key has whitespace around it (a space or newline copied with it): send the key alone.');
    if (key.startsWith('sk_live_')) throw authErr('live', 'The sandbox takes test keys (sk_test_…), not live keys: a live key (sk_live_…) does not belong in local tools. Use a test key, and rotate the live key if it was shared.');
    if (!API_KEY.test(key)) throw authErr('malformed', 'The API key is malformed: sandbox keys start with sk_test_ followed by printable characters.');
    return key;
  }

  function validateRequest(op: OperationSpec, params: Record<string, string>, query: URLSearchParams, headers: HeaderBag, raw: Uint8Array): unknown {
    checkParams(op, params, query, headers, validation);
    return parseBody(op, headers, raw, vocab, validation);
  }

  const bodyTimeout = (ms: number) => new HttpError({ status: 408, type: vocab.type('invalid_request'), code: 'request_timeout|invalid_request', message: `The request body did not arrive within ${ms} ms: send it at once (the body deadline is ${ms} ms).` });
  const tooLarge = () => new HttpError({ status: 413, type: vocab.type('invalid_request'), code: 'request_too_large|invalid_request', message: `Request bodies are limited to ${MAX_BODY} bytes.` });

  function errorAnswer(raw: ApiError, reqId: string) {
    const e = normalizeError(model, raw);
    return { status: e.status, headers: { ...(e.headers ?? {}), 'Content-Type': 'application/json', 'X-Request-ID': reqId }, body: JSON.stringify(envelope(e, reqId)) };
  }

  return { route, authenticate, authErr, validation, validateRequest, tooLarge, bodyTimeout, errorAnswer };
}
