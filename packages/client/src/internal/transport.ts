// Transport types and the abortable wait between attempts.
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

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export const sleep = (ms: number, signal: AbortSignal | null | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => resolve(signal?.removeEventListener('abort', onAbort)), ms);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
