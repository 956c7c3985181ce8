import { CLOSE_CODES, type CloseAction, type ServerMessageType } from './generated/messages.js';
import type { ValidationError } from './generated/validators.js';

/** Kinds of non-fatal problems reported through the `error` event (the stream keeps running). */
export type StreamErrorKind =
  | 'parse' // a server frame that is not JSON
  | 'validation' // a server frame that does not match its schema
  | 'binary_frame' // the protocol is JSON text only
  | 'keepalive_timeout' // no pong in time; the socket is closed right after
  | 'audio_dropped' // the reconnect buffer overflowed
  | 'listener' // one of your event listeners threw
  | 'frame_too_big' // a server frame over the spec's limit; the socket is closed with 1009
  | 'reconnect_failed'; // fetching a fresh token or reconnecting failed (the next attempt follows)

/** Reported on the `warning` event; the stream and the message flow go on. */
export type StreamWarning =
  | {
      /** A frame was delivered although it differs from the full schema in a part the public docs do not confirm. */
      kind: 'schema';
      type: ServerMessageType;
      message: string;
      /** Ajv's errors against the full schema (paths and keywords, never the payload). */
      errors: ValidationError[];
    }
  | {
      /** A `for await` loop fell more than `maxBufferedMessages` behind; its oldest messages were dropped. */
      kind: 'overflow';
      message: string;
      /** Messages dropped by this overflow, and in total for that loop. */
      dropped: number;
      totalDropped: number;
      limit: number;
    };

/** A problem reported on the `error` event. */
export class StreamError extends Error {
  override readonly name = 'StreamError';
  readonly kind: StreamErrorKind;
  /** Schema errors, the raw frame, dropped sequences… depending on `kind`. */
  readonly details: Record<string, unknown>;
  constructor(kind: StreamErrorKind, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.kind = kind;
    this.details = details;
  }
}

/** Why a stream stopped: the close code and its meaning from the spec's close-code table. */
export class StreamClosedError extends Error {
  override readonly name: string = 'StreamClosedError';
  /** WebSocket close code (1006 when the connection failed without one). */
  readonly code: number;
  /** Name from the close-code table (`token_invalid`, …), or a local one (`connection_failed`, `token_missing`, `invalid_url`). */
  readonly closeName: string;
  readonly reason: string;
  /** What the table says a client should do. */
  readonly action: CloseAction;
  constructor(code: number, closeName: string, reason: string, message: string, action: CloseAction = 'stop') {
    super(message);
    this.code = code;
    this.closeName = closeName;
    this.reason = reason;
    this.action = action;
  }
}

/** The stream could not be established: bad options, a refused handshake, or a close before `session.ready`. */
export class StreamConnectError extends StreamClosedError {
  override readonly name = 'StreamConnectError';
}

const HINTS: Record<string, string> = {
  token_invalid: 'the stream token is missing, malformed or unknown; get a new one from GET /v1/sessions/{id} (stream.token)',
  token_expired: 'the stream token expired (tokens are valid 5 minutes and checked at connect); get a new one from GET /v1/sessions/{id}',
  session_not_found: 'no such session; check the session id in the URL',
  session_ended: 'the session is already over',
  rate_limited: 'too many connections; retry later',
  try_again_later: 'the server is busy; retry later',
  message_too_big: 'a frame exceeded the 64 KiB limit (the server closes on a bigger client frame, this client on a bigger server frame)',
  keepalive_timeout: 'no pong arrived in time',
};

/** Looks a close code up in the generated table. */
export function describeClose(code: number): { name: string; action: CloseAction; description?: string } | undefined {
  const entry = (CLOSE_CODES as Record<number, { name: string; action: CloseAction; description?: string }>)[code];
  return entry;
}

export function closeMessage(code: number, reason: string, phase: 'handshake' | 'stream'): string {
  const info = describeClose(code);
  const name = info?.name ?? (code === 1006 ? 'abnormal_closure' : 'unknown');
  const hint = HINTS[name] ?? info?.description;
  const what = phase === 'handshake' ? 'Stream handshake refused' : 'Stream closed';
  return `${what}: ${code} ${name}${reason ? ` (${reason})` : ''}${hint ? ` — ${hint}` : ''}`;
}
