// One call of the path client: auth headers are on the core client; this adds the per-attempt timeout, the
// Idempotency-Key (one for all attempts), retries with backoff and Retry-After (their waits capped per call),
// typed errors that name the host, and the response size limit. The facade calls through here too.
import { errorEnvelope, KallglotApiError, KallglotConfigError, KallglotConnectionError, KallglotInvalidResponseError, KallglotTimeoutError } from '../errors.js';
import { idempotentOperations } from '../generated/idempotent.js';
import type { KallglotClientOptions, ResponseMeta } from '../client.js';
import { limitBody } from './limit-body.js';
import { isLightRequest, type LightRequest } from './light-request.js';
import { Meta } from './meta.js';
import { type BackoffSettings, backoffDelayMs, isRetryableStatus, serverRetryDelayMs } from './retry.js';
import { type FetchLike, type RetryInfo, sleep } from './transport.js';

export type AnyResult = { data?: unknown; error?: unknown; response: Response; meta?: ResponseMeta };
export type CoreMethod = (url: string, init: Record<string, unknown>) => Promise<AnyResult>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Largest JSON response body read, success or error: 8 MiB. The recording download is exempt. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export function nonNegative(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value < Infinity)) throw new KallglotConfigError(`Kallglot: ${name} must be a finite number >= 0`);
  return value;
}

const idempotentOps = new Set(idempotentOperations);
export const isKeyed = (method: string, schemaPath: string) => method === 'POST' && idempotentOps.has(`POST ${schemaPath}`);

export function apiErrorFromResult({ response, error }: AnyResult, where?: string): KallglotApiError {
  return new KallglotApiError({ status: response.status, body: error, headers: response.headers, where });
}

export function check<R extends AnyResult>(r: R, where?: string): R {
  if (r.error !== undefined || !r.response.ok) throw apiErrorFromResult(r, where);
  return r;
}

/**
 * A timeout may also surface while the body is read, as a plain abort: name it. A 2xx body that does not parse is
 * the server's answer, not a client bug: an API error with status and request id.
 */
function nameFailure(err: unknown, timedOut: boolean, ms: number, where: string, answer: Response | undefined): Error {
  if (timedOut) return new KallglotTimeoutError(ms, where);
  if (err instanceof SyntaxError && answer?.ok) return new KallglotInvalidResponseError({ status: answer.status, headers: answer.headers, where, cause: err });
  return err as Error;
}

/** Anything but a timeout or a network failure (a middleware error, invalid JSON) is not retried. */
const transient = (error: unknown, safe: boolean) =>
  (error instanceof KallglotTimeoutError || error instanceof KallglotConnectionError) && (safe || (error as KallglotConnectionError).errno === 'ECONNREFUSED');

/** 409 is retried only for idempotency_conflict; Infinity when the answer is final. */
function answerDelay(result: AnyResult, retryable: boolean, attempt: number, backoff: BackoffSettings): number {
  const status = result.response.status;
  const env = errorEnvelope(result.error);
  if (!retryable || !isRetryableStatus(status) || (status === 409 && env?.code !== 'idempotency_conflict')) return Infinity;
  return serverRetryDelayMs(result.response.headers, env?.retry_after, backoff) ?? backoffDelayMs(attempt - 1, backoff);
}

/** Options createKallglotClient validates here (the rest it handles itself). */
export type CallOptions = Pick<KallglotClientOptions, 'maxRetries' | 'timeoutMs' | 'maxResponseBytes' | 'fetch' | 'onRetry' | 'throwOnError'>;

/** The path client's `GET`/`POST`/`PATCH`/`DELETE` factory: `(coreMethod, method) => call`. */
export function callFactory(options: CallOptions, baseUrl: string, backoff: BackoffSettings) {
  const maxRetries = nonNegative('maxRetries', options.maxRetries, DEFAULT_MAX_RETRIES);
  const timeoutMs = nonNegative('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const maxResponseBytes = nonNegative('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES);
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const { onRetry, throwOnError } = options;
  return (coreMethod: CoreMethod, method: Method) => async (path: string, init: Record<string, unknown> & { signal?: AbortSignal | null; fetch?: FetchLike; idempotencyKey?: string } = {}) => {
    const keyed = isKeyed(method, path);
    // A POST without idempotency (hangup) is repeated only when the server provably never saw it.
    const safe = method !== 'POST' || keyed;
    // Web Crypto's randomUUID: Node >= 19 and every browser in a secure context. One key for all attempts.
    let key = init.idempotencyKey ?? (keyed ? crypto.randomUUID() : undefined);
    const where = `${method} ${path}`;
    let url = '';
    let answer: Response | undefined;
    const retries = nonNegative('maxRetries', init.maxRetries, maxRetries);
    const ms = nonNegative('timeoutMs', init.timeoutMs, timeoutMs);
    const parent = init.signal ?? undefined;
    // Audio comes as a stream or as bytes the caller asked for; every other body is JSON (or an error text).
    const limit = init.parseAs === 'stream' || init.parseAs === 'arrayBuffer' ? Infinity : nonNegative('maxResponseBytes', init.maxResponseBytes, maxResponseBytes);
    const send = init.fetch ?? baseFetch;
    // openapi-fetch builds the request again for every attempt (running middleware each time); this sends it,
    // adds the Idempotency-Key (a caller's header wins) and names network failures with the host.
    const fetch = (req: LightRequest | Request) => {
      url = req.url;
      if (key !== undefined) {
        const given = req.headers.get('idempotency-key');
        if (given) key = given;
        else req.headers.set('Idempotency-Key', key);
      }
      // A LightRequest goes out as fetch(url, init): one real Request is built, as with raw fetch.
      return (isLightRequest(req) ? send(req.url, req.init) : send(req)).then(
        (res) => (answer = limitBody(res, limit, where)),
        (err: unknown) => {
          throw new KallglotConnectionError(err, where, baseUrl);
        },
      );
    };
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const canRetry = attempt <= retries;
      if (parent?.aborted) throw parent.reason;
      // Per attempt, including reading the body. Without a timeout no controller and no timer.
      let timer: ReturnType<typeof setTimeout> | undefined;
      let timedOut = false;
      let signal = parent;
      if (ms > 0 && ms < Infinity) {
        const controller = new AbortController();
        timer = setTimeout(() => ((timedOut = true), controller.abort()), ms);
        signal = parent ? AbortSignal.any([parent, controller.signal]) : controller.signal;
      }
      let retry: Omit<RetryInfo, 'method' | 'url' | 'attempt'>;
      try {
        // Our own keys stay in init: openapi-fetch ignores them (it only copies unknown keys onto the request).
        const result = await coreMethod(path, { ...init, signal, fetch });
        // The waits of one call add up to maxRetryWaitMs at most: a wait past it is not taken, this is the result.
        const delayMs = answerDelay(result, canRetry && safe, attempt, backoff);
        if (waited + delayMs > backoff.maxRetryWaitMs) {
          if (throwOnError) check(result, where);
          result.meta = new Meta(result.response.headers, attempt, key, result.error);
          return result;
        }
        retry = { status: result.response.status, delayMs };
      } catch (err) {
        if (parent?.aborted) throw parent.reason;
        const error = nameFailure(err, timedOut, ms, where, answer);
        const delayMs = backoffDelayMs(attempt - 1, backoff);
        if (!canRetry || !transient(error, safe) || waited + delayMs > backoff.maxRetryWaitMs) throw error;
        retry = { error, delayMs };
      } finally {
        clearTimeout(timer);
      }
      onRetry?.({ method, url, attempt, ...retry });
      waited += retry.delayMs;
      await sleep(retry.delayMs, parent);
    }
  };
}
