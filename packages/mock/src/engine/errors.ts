// Failures the engine answers with: status + the spec's error type and code. Adapters wrap them in the envelope.
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly retryAfter?: number,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (code: string, what: string, id: string, param?: string) =>
  new ApiFailure(404, 'not_found_error', code, `No ${what} with id '${id.slice(0, 80)}'.`, param);

export const conflict = (code: string, message: string, retryAfter?: number) =>
  new ApiFailure(409, 'conflict_error', code, message, undefined, retryAfter, retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : undefined);

export const invalid = (message: string, param?: string) => new ApiFailure(400, 'invalid_request_error', 'invalid_request', message, param);
