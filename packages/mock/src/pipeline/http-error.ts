// An API error thrown inside the pipeline; the envelope step turns it into the API's Error body.
import type { ApiError } from '../internal/errors.js';
import type { OperationSpec } from '../internal/openapi-model.js';

export class HttpError extends Error {
  constructor(readonly api: ApiError) {
    super(api.message);
  }
}

/** First of `prefs` the operation documents; else `fallback`. */
export function statusFor(op: OperationSpec | undefined, prefs: number[], fallback: number): number {
  if (!op) return fallback;
  return prefs.find((s) => op.statuses.has(s)) ?? fallback;
}
