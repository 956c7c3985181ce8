// The fetch wrapper handed to openapi-fetch for every call: timeouts, retries with backoff,
// Retry-After, and the Idempotency-Key that stays the same across the attempts of one call.
import { KallglotConnectionError, KallglotTimeoutError } from '../errors.js';
import {
  type BackoffSettings,
  type RetryPolicy,
  backoffDelayMs,
  isConnectionRefused,
  isRetryableStatus,
  serverRetryDelayMs,
} from './retry.js';

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

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
  policy: RetryPolicy;
  maxRetries: number;
  timeoutMs: number;
  idempotencyKey: string | undefined;
  backoff: BackoffSettings;
  fetch: FetchLike;
  /** Filled in while sending. */
  attempts: number;
  timedOut: boolean;
  url: string;
  /** Disarms the timer of the attempt whose response was returned (called once the body has been read). */
  release: (() => void) | undefined;
  onRetry: ((info: RetryInfo) => void) | undefined;
  /** Streamed bodies outlive the call: keep the caller's signal wired to the transfer. */
  streaming: boolean;
}

export async function send(request: Request, ctx: CallContext): Promise<Response> {
  ctx.url = request.url;
  if (ctx.idempotencyKey !== undefined) {
    const given = request.headers.get('idempotency-key');
    if (given) ctx.idempotencyKey = given;
    else request.headers.set('Idempotency-Key', ctx.idempotencyKey);
  }
  const parent = request.signal;
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < ctx.maxRetries;
    // Keep the original pristine for later attempts; a body can be read only once.
    const req = canRetry && request.body !== null ? request.clone() : request;
    ctx.attempts = attempt + 1;
    ctx.timedOut = false;

    const controller = new AbortController();
    const onParentAbort = () => controller.abort(parent.reason);
    if (parent.aborted) throw parent.reason;
    parent.addEventListener('abort', onParentAbort);
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (ctx.timeoutMs > 0 && Number.isFinite(ctx.timeoutMs)) {
      timer = setTimeout(() => {
        ctx.timedOut = true;
        controller.abort(new KallglotTimeoutError(ctx.timeoutMs, ctx.method, ctx.url));
      }, ctx.timeoutMs);
    }
    const release = (keepSignal = false) => {
      if (timer !== undefined) clearTimeout(timer);
      if (!keepSignal) parent.removeEventListener('abort', onParentAbort);
    };

    let response: Response;
    try {
      response = await ctx.fetch(req, { signal: controller.signal });
    } catch (err) {
      release();
      if (parent.aborted) throw parent.reason;
      const error = ctx.timedOut ? new KallglotTimeoutError(ctx.timeoutMs, ctx.method, ctx.url) : new KallglotConnectionError(err, ctx.method, ctx.url);
      const retryable = ctx.policy === 'retry' || (error instanceof KallglotConnectionError && isConnectionRefused(error.errno));
      if (!canRetry || !retryable) throw error;
      const delayMs = backoffDelayMs(attempt, ctx.backoff);
      ctx.onRetry?.({ method: ctx.method, url: ctx.url, attempt: attempt + 1, delayMs, error });
      await sleep(delayMs, parent);
      continue;
    }

    if (canRetry && ctx.policy === 'retry' && !response.ok && isRetryableStatus(response.status)) {
      let body: { error?: { code?: unknown; retry_after?: unknown } } | undefined;
      try {
        // 409 is retried only for idempotency_conflict, so peek at a copy and keep the original for the caller.
        const text = await (response.status === 409 ? response.clone() : response).text();
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (response.status !== 409 || body?.error?.code === 'idempotency_conflict') {
        if (response.status === 409) await response.body?.cancel().catch(() => {});
        release();
        const delayMs = serverRetryDelayMs(response.headers, body?.error?.retry_after, ctx.backoff) ?? backoffDelayMs(attempt, ctx.backoff);
        ctx.onRetry?.({ method: ctx.method, url: ctx.url, attempt: attempt + 1, delayMs, status: response.status });
        await sleep(delayMs, parent);
        continue;
      }
    }
    ctx.release = () => release(ctx.streaming);
    return response;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
