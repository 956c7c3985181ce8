// The engine step of the pipeline: a validated request in, status/headers/body out. Failures become ApiErrors.
import { ApiFailure, type Engine } from '../engine/index.js';
import type { ApiError } from '../internal/errors.js';
import type { OperationSpec } from '../internal/openapi-model.js';

export function failureToApiError(e: unknown): ApiError {
  if (e instanceof ApiFailure) {
    return { status: e.status, type: e.type, code: e.code, message: e.message, param: e.param, retry_after: e.retryAfter, headers: e.headers };
  }
  throw e;
}

export function coerceQueryParams(op: OperationSpec, q: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of op.params) {
    if (p.in !== 'query') continue;
    const v = q.get(p.name);
    if (v === null) continue;
    out[p.name] = (p.types.includes('integer') || p.types.includes('number')) && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  return out;
}

export function claimIdempotency(engine: Engine, key: string, operationId: string, params: Record<string, string>, idem: string | string[] | undefined): { ok: true; release(): void } | { ok: false; error: ApiFailure } {
  const idempotencyKey = typeof idem === 'string' ? idem : undefined;
  const c = engine.claimIdempotency(key, { operationId, params, idempotencyKey });
  if (c.ok) return { ok: true, release: c.release };
  return { ok: false, error: engine.tenant(key).idempotency.conflictError() };
}

export interface RouteAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  error?: ApiError;
}

export function answerFromEngine(
  engine: Engine,
  operationId: string,
  tenant: string,
  params: Record<string, string>,
  query: Record<string, unknown>,
  body: unknown,
  idem: string | string[] | undefined,
): RouteAnswer {
  try {
    const r = engine.handle({ operationId, tenant, params, query, body, idempotencyKey: typeof idem === 'string' ? idem : undefined });
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.bytes) {
      headers['Content-Type'] = r.contentType ?? 'application/octet-stream';
      return { status: r.status, headers, body: r.bytes };
    }
    headers['Content-Type'] = 'application/json';
    return { status: r.status, headers, body: r.text ?? JSON.stringify(r.body) };
  } catch (e) {
    const err = failureToApiError(e);
    const headers = { ...engine.tenant(tenant).creditHeaders(), ...(err.headers ?? {}) };
    return { status: err.status, headers, error: err };
  }
}
