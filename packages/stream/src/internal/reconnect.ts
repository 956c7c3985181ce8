// The reconnect policy: its defaults, what a close means (stop, reconnect, or reconnect with a new token), whether
// another attempt is allowed, and the backoff before it ("equal jitter": never 0, never above the cap).
import type { ConnectStreamOptions, ReconnectOptions } from '../client-types.js';
import { describeClose } from '../errors.js';
import type { CloseAction } from '../generated/messages.js';

export type ReconnectPolicy = Required<Omit<ReconnectOptions, 'getStream'>> & Pick<ReconnectOptions, 'getStream'>;

export function reconnectPolicy(r: ConnectStreamOptions['reconnect']): ReconnectPolicy | false {
  if (!r) return false;
  return {
    maxAttempts: 6,
    initialDelayMs: 250,
    maxDelayMs: 8000,
    maxBufferedAudioMs: 10_000,
    random: Math.random,
    stableAfterMs: 10_000,
    ...(r === true ? {} : r),
  };
}

/** The wait before attempt number `attempt` (1-based). */
export function backoffDelay(r: ReconnectPolicy, attempt: number): number {
  const base = Math.min(r.maxDelayMs, r.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(base / 2 + (r.random() * base) / 2);
}

export interface CloseFacts {
  code: number;
  /** The socket had opened (the handshake completed). */
  opened: boolean;
  /** No session.ready within the connect timeout. */
  timedOut: boolean;
  /** Some socket of this stream reached session.ready. */
  everReady: boolean;
  /** session.ended was received. */
  ended: boolean;
  attempt: number;
}

export interface CloseVerdict {
  info: ReturnType<typeof describeClose>;
  name: string;
  action: CloseAction;
  /** The stream ended as it should (session.ended, or 1000 after the socket opened). */
  normalEnd: boolean;
  canRetry: boolean;
}

/** What a socket close means for the stream under `policy`. */
export function judgeClose(f: CloseFacts, policy: ReconnectPolicy | false): CloseVerdict {
  const info = f.timedOut ? undefined : describeClose(f.code);
  let action: CloseAction = info?.action ?? 'stop';
  let name = info?.name ?? (f.code === 1006 ? 'abnormal_closure' : `close_${f.code}`);
  if (!info && (f.code === 1006 || f.code === 1005) && f.everReady) action = 'reconnect'; // network drop mid-stream
  if (!f.opened && !info) name = 'connection_failed';
  if (f.timedOut) {
    name = 'connect_timeout';
    action = 'reconnect';
  }
  const normalEnd = f.ended || (f.code === 1000 && f.opened);
  const canRetry =
    !normalEnd &&
    !!policy &&
    action !== 'stop' &&
    (f.everReady || f.opened || !!info || f.timedOut) && // a plain refusal on the very first connect is not retried
    f.attempt < policy.maxAttempts &&
    (action !== 'new_token' || !!policy.getStream);
  return { info, name, action, normalEnd, canRetry };
}
