// Retry decisions and delays. Pure functions, so they are cheap to test and to reason about.
import { parseRetryAfterSeconds } from '../errors.js';

export interface BackoffSettings {
  /** First retry delay before jitter (default 500 ms). */
  initialRetryDelayMs: number;
  /** Largest computed backoff (default 8 000 ms). */
  maxRetryDelayMs: number;
  /** Largest server-requested wait we honour from `Retry-After` / `retry_after` (default 60 000 ms). */
  maxRetryAfterMs: number;
  /**
   * The most one call waits between its attempts, all retries together (default 60 000 ms). A retry whose wait
   * (backoff or `Retry-After`) would go past it is not made: the last answer is the result.
   */
  maxRetryWaitMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = {
  initialRetryDelayMs: 500,
  maxRetryDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  maxRetryWaitMs: 60_000,
};

/**
 * How a request may be retried.
 * - `retry`: safe to repeat (GET/DELETE/PATCH, and POSTs that carry an Idempotency-Key).
 * - `refused-only`: a POST without idempotency (hangup): repeated only when it provably never reached the server.
 */
export type RetryPolicy = 'retry' | 'refused-only';

/** Exponential backoff 0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s... minus up to 25 % jitter so clients do not retry in lockstep. */
export function backoffDelayMs(retryIndex: number, s: BackoffSettings, random: () => number = Math.random): number {
  const base = Math.min(s.maxRetryDelayMs, s.initialRetryDelayMs * 2 ** retryIndex);
  return Math.max(0, Math.round(base * (1 - 0.25 * random())));
}

/** Statuses worth another attempt (409 only for `idempotency_conflict`, decided by the caller from the body). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Delay asked for by the server, in ms, capped; undefined when it asked for nothing usable. */
export function serverRetryDelayMs(headers: Headers, bodyRetryAfter: unknown, s: BackoffSettings, now?: number): number | undefined {
  let seconds = parseRetryAfterSeconds(headers.get('retry-after'), now);
  if (seconds === undefined && typeof bodyRetryAfter === 'number' && bodyRetryAfter >= 0 && bodyRetryAfter < Infinity) seconds = bodyRetryAfter;
  return seconds === undefined ? undefined : Math.min(s.maxRetryAfterMs, Math.round(seconds * 1000));
}
