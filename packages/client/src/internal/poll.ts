// Pollers: `analyses.createAndPoll` and `recordings.waitUntilReady`. Bounded intervals, `Retry-After`
// followed, an overall deadline and a signal; `KallglotPollError` on `failed` or on the deadline.
import { KallglotError, parseRetryAfterSeconds } from '../errors.js';
import type { APIPromise } from './api-promise.js';
import type { RequestOptions } from './facade-types.js';
import { sleep } from './transport.js';

export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** Intervals (ours or a server's `Retry-After`) are kept within these bounds. */
export const MIN_POLL_INTERVAL_MS = 100;
export const MAX_POLL_INTERVAL_MS = 30_000;
export const DEFAULT_POLL_MAX_WAIT_MS = 300_000;

export interface PollOptions extends RequestOptions {
  /** Time between polls when the server does not say (`Retry-After`). Default 1 000, kept in 100–30 000. */
  pollIntervalMs?: number;
  /** Overall deadline in ms (time spent waiting plus time spent in requests). Default 300 000. */
  maxWaitMs?: number;
  /** How to wait between polls. Default: a timer. Tests pass one that advances a virtual clock instead. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

/** A poll ended without the object becoming ready: `reason` is `failed` (the object says so) or `timeout`. */
export class KallglotPollError<T = unknown> extends KallglotError {
  override name = 'KallglotPollError';
  declare readonly reason: 'failed' | 'timeout';
  /** The object as last seen. */
  declare readonly last: T;
  constructor(reason: 'failed' | 'timeout', message: string, last: T) {
    super(message);
    Object.assign(this, { reason, last });
  }
}

type Status = { id?: string; status?: string; error?: string | null };

/** Polls `retrieve(id)` until `status` is one of `done` (returned) or `failed` (thrown). */
export async function poll<T extends Status>(what: string, retrieve: (options: RequestOptions) => APIPromise<T>, done: string, first: T | undefined, options: PollOptions = {}): Promise<T> {
  const { pollIntervalMs = DEFAULT_POLL_INTERVAL_MS, maxWaitMs = DEFAULT_POLL_MAX_WAIT_MS, wait, ...request } = options;
  const signal = options.signal ?? undefined;
  const bound = (ms: number) => Math.min(MAX_POLL_INTERVAL_MS, Math.max(MIN_POLL_INTERVAL_MS, ms));
  let spent = 0;
  let current = first;
  let retryAfter: number | undefined;
  for (;;) {
    if (!current) {
      const t0 = Date.now();
      const { data, response } = await retrieve(request).withResponse();
      spent += Date.now() - t0;
      current = data;
      retryAfter = parseRetryAfterSeconds(response.headers.get('retry-after'));
    }
    if (current.status === done) return current;
    if (current.status === 'failed') throw new KallglotPollError('failed', `${what} ${current.id} failed: ${current.error ?? 'no reason given'}`, current);
    const ms = bound(retryAfter !== undefined ? retryAfter * 1000 : pollIntervalMs);
    if (spent + ms > maxWaitMs) {
      throw new KallglotPollError('timeout', `${what} ${current.id} still ${current.status} after ${spent} ms: raise maxWaitMs or poll later`, current);
    }
    await (wait ? wait(ms, signal) : sleep(ms, signal));
    if (signal?.aborted) throw signal.reason;
    spent += ms;
    current = undefined;
  }
}
