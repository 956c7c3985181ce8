// The fetch wrapper handed to openapi-fetch for every call: timeouts, retries with backoff,
// Retry-After, and the Idempotency-Key that stays the same across the attempts of one call.
import { KallglotConnectionError, KallglotTimeoutError } from '../errors.js';
import { isLightRequest, type LightRequest } from './light-request.js';
import { type BackoffSettings, type RetryPolicy, backoffDelayMs, isRetryableStatus, serverRetryDelayMs } from './retry.js';

export type FetchLike = (input: string | Request, init?: RequestInit) => Promise<Response>;

/** Reported before each retry wait (for logging and metrics). Never contains the API key. */
export interface RetryInfo {
  method: string;
  /** Full request URL (the API key is never part of it). */
  url: string;
  /** The attempt that failed, 1-based. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** HTTP status of the failed attempt, when there was a response. */
  status?: number;
  /** The network or timeout error of the failed attempt, when there was no response. */
  error?: Error;
}

/** One logical call (all of its attempts). */
export interface CallContext {
  method: string;
  /** `METHOD /schema/path` for error messages. */
  where: string;
  policy: RetryPolicy;
  maxRetries: number;
  timeoutMs: number;
  idempotencyKey: string | undefined;
  backoff: BackoffSettings;
  fetch: FetchLike;
  onRetry: ((info: RetryInfo) => void) | undefined;
  /** Streamed bodies outlive the call: keep the caller's signal wired to the transfer. */
  streaming: boolean;
  /** Filled in while sending. */
  attempts: number;
  /** The timeout of the current attempt fired. */
  timedOut: boolean;
  /** Timer of the current attempt; cleared by `disarm` once the body has been read. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Clears the timer of the current attempt (the call is over, or the attempt failed). */
export function disarm(ctx: CallContext): void {
  clearTimeout(ctx.timer);
}

export async function send(request: Request | LightRequest, ctx: CallContext): Promise<Response> {
  const { url, headers } = request;
  if (ctx.idempotencyKey !== undefined) {
    const given = headers.get('idempotency-key');
    if (given) ctx.idempotencyKey = given;
    else headers.set('Idempotency-Key', ctx.idempotencyKey);
  }
  const light = isLightRequest(request);
  const parent = request.signal;
  const { timeoutMs, where } = ctx;
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < ctx.maxRetries;
    ctx.attempts = attempt + 1;
    ctx.timedOut = false;
    if (parent?.aborted) throw parent.reason;
    // Without a timeout the caller's signal (or none) goes to fetch as is: no extra controller, no timer.
    let signal = parent ?? undefined;
    if (timeoutMs > 0 && timeoutMs < Infinity) {
      const controller = new AbortController();
      ctx.timer = setTimeout(() => {
        ctx.timedOut = true;
        controller.abort(new KallglotTimeoutError(timeoutMs, where));
      }, timeoutMs);
      signal = parent ? AbortSignal.any([parent, controller.signal]) : controller.signal;
    }

    let response: Response | undefined;
    let retry: { delayMs: number; status?: number; error?: Error };
    try {
      response = await (light
        ? // A string body can be sent again as is; one real Request is built, as with raw fetch.
          ctx.fetch(url, request.toInit(signal))
        : // A middleware returned a real Request: keep the original pristine, its body can be read once.
          ctx.fetch(canRetry && request.body ? request.clone() : request, signal && { signal }));
    } catch (err) {
      disarm(ctx);
      if (parent?.aborted) throw parent.reason;
      const error = ctx.timedOut ? new KallglotTimeoutError(timeoutMs, where) : new KallglotConnectionError(err, where);
      // A POST without idempotency (hangup) is repeated only when the server provably never saw it.
      if (!canRetry || (ctx.policy !== 'retry' && (error as KallglotConnectionError).errno !== 'ECONNREFUSED')) throw error;
      retry = { delayMs: backoffDelayMs(attempt, ctx.backoff), error };
    }

    if (response) {
      const status = response.status;
      // The timer keeps running while openapi-fetch reads the body; the caller disarms it.
      if (!canRetry || ctx.policy !== 'retry' || !isRetryableStatus(status)) return response;
      let body: { error?: { code?: unknown; retry_after?: unknown } } | undefined;
      try {
        // 409 is retried only for idempotency_conflict: peek at a copy, keep the original for the caller.
        body = JSON.parse(await (status === 409 ? response.clone() : response).text());
      } catch {
        /* not JSON: nothing to honour */
      }
      if (status === 409) {
        if (body?.error?.code !== 'idempotency_conflict') return response;
        await response.body?.cancel().catch(() => {});
      }
      disarm(ctx);
      retry = { delayMs: serverRetryDelayMs(response.headers, body?.error?.retry_after, ctx.backoff) ?? backoffDelayMs(attempt, ctx.backoff), status };
    }
    ctx.onRetry?.({ method: ctx.method, url, attempt: attempt + 1, ...retry! });
    await sleep(retry!.delayMs, parent);
  }
}

function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
