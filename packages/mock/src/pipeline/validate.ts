// Request validation against the compiled spec: parameters (path, query, header), then content type, UTF-8,
// JSON and the body schema. Errors are HttpErrors in the API's vocabulary.
import type { ErrorVocabulary } from '../internal/errors.js';
import type { OperationSpec } from '../internal/openapi-model.js';
import { describeAjvError, paramFromAjvError, pickAjvError } from '../internal/schema.js';
import { HttpError, statusFor } from './http-error.js';
import { decodeStrict, depthExceededAt, MAX_JSON_DEPTH } from '@kallglot/spec/json-limits';
import type { HeaderBag } from './types.js';

type Validation = (op: OperationSpec | undefined, param: string | undefined, message: string) => HttpError;

export function coerceQuery(values: string[], types: string[], isArray: boolean): unknown {
  const one = (v: string): unknown => {
    if ((types.includes('integer') || types.includes('number')) && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    if (types.includes('boolean') && (v === 'true' || v === 'false')) return v === 'true';
    return v;
  };
  if (isArray) return values.flatMap((v) => v.split(',')).map((v) => v);
  return one(values[values.length - 1]!);
}

/** Path, query and header parameters against their schemas; undeclared query parameters are refused. */
export function checkParams(op: OperationSpec, params: Record<string, string>, query: URLSearchParams, headers: HeaderBag, validation: Validation): void {
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
}

/** Content type, charset, JSON and the body schema; returns the parsed body (undefined when there is none). */
export function parseBody(op: OperationSpec, headers: HeaderBag, raw: Uint8Array, vocab: ErrorVocabulary, validation: Validation): unknown {
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
  const parsed = parseJsonStrict(op, raw, vocab);
  if (op.body.validate && !op.body.validate(parsed)) {
    const e = pickAjvError(op.body.validate.errors);
    const param = paramFromAjvError(e);
    throw validation(op, param, describeAjvError(e, param));
  }
  return parsed;
}

/** Strict UTF-8, then the depth bound, then JSON.parse: a body is refused on its bytes before anything parses it. */
function parseJsonStrict(op: OperationSpec, raw: Uint8Array, vocab: ErrorVocabulary): unknown {
  const invalid = (message: string) => new HttpError({ status: 400, type: vocab.type('invalid_request'), code: 'invalid_request', message });
  const decoded = decodeStrict(raw);
  if ('badOffset' in decoded) throw invalid(`The request body is not valid UTF-8 (first bad byte at offset ${decoded.badOffset}): send UTF-8 JSON.`);
  const deep = depthExceededAt(raw, MAX_JSON_DEPTH);
  if (deep >= 0) throw invalid(`The request body nests deeper than ${MAX_JSON_DEPTH} levels (at byte ${deep}): JSON bodies are limited to a depth of ${MAX_JSON_DEPTH}.`);
  try {
    return JSON.parse(decoded.text);
  } catch {
    const status = statusFor(op, [400, 422], 400);
    throw new HttpError({ status, type: vocab.type('invalid_request'), code: 'invalid_json|parse_error|invalid_request', message: 'The request body is not valid JSON.' });
  }
}
