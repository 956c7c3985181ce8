// Prism's answers in the API's words: problem+json → our Error envelope (Prism's own wording is dropped), and
// `Prefer: code=…` completed with the response's first documented example.
import type { ApiError, ErrorVocabulary } from '../internal/errors.js';
import type { OperationSpec } from '../internal/openapi-model.js';
import type { JsonObject } from '../internal/schema.js';
import { statusFor } from '../pipeline/http-error.js';
import type { UpstreamResponse } from './child.js';

const AUTH_FAILED = 'missing_api_key|api_key_missing|authentication_required';

function invalidParam(op: OperationSpec | undefined, location: string[], vocab: ErrorVocabulary): ApiError {
  const segs = location.slice(1).map(String);
  let param = '';
  for (const s of segs) param += /^\d+$/.test(s) ? `[${s}]` : param ? `.${s}` : s;
  const status = statusFor(op, [422, 400], 422);
  return { status, type: vocab.type('validation'), code: 'invalid_request', message: param ? `The '${param}' field is invalid.` : 'The request is invalid.', param: param || undefined };
}

/** Prism problem+json → our envelope. */
export function translateProblem(op: OperationSpec | undefined, up: UpstreamResponse, prefer: string | undefined, vocab: ErrorVocabulary): ApiError {
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
      return { status: 401, type: vocab.type('authentication'), code: AUTH_FAILED, message: 'Authentication failed.', headers: { 'WWW-Authenticate': 'Bearer realm="kallglot"' } };
    case 'INVALID_CONTENT_TYPE':
      return { status: statusFor(op, [415, 400], 400), type: vocab.type('invalid_request'), code: 'unsupported_media_type|invalid_request', message: 'Unsupported Content-Type.', param: 'Content-Type' };
    case 'NOT_ACCEPTABLE':
      return { status: 406, type: vocab.type('invalid_request'), code: 'not_acceptable|invalid_request', message: 'No documented response matches the Accept header.', param: 'Accept' };
    case 'UNPROCESSABLE_ENTITY':
      return invalidParam(op, location, vocab);
    default:
      if (prefer) {
        return { status: 400, type: vocab.type('invalid_request'), code: 'invalid_prefer_header|invalid_request', message: 'The Prefer header asks for a response or example this operation does not document.', param: 'Prefer' };
      }
      return { status: 500, type: vocab.type('api'), code: 'internal_error', message: 'The mock could not produce a response for this request.' };
  }
}

/**
 * `Prefer: code=404` alone makes Prism answer with the Error schema's generic example; name the response's
 * first documented example so the body matches the status.
 */
export function preferWithExample(op: OperationSpec, prefer: string): string {
  const code = /(?:^|[,;\s])code=(\d{3})/.exec(prefer)?.[1];
  if (!code || /(?:^|[,;\s])example=/.test(prefer)) return prefer;
  const content = (op.responses[code]?.content ?? {}) as JsonObject;
  const media = content['application/json'] as JsonObject | undefined;
  const first = media?.examples && typeof media.examples === 'object' ? Object.keys(media.examples as JsonObject)[0] : undefined;
  return first ? `${prefer}, example=${first}` : prefer;
}
