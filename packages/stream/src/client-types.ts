// The public types of the stream client: options, events, state and the StreamClient interface.
import type {
  AudioInput,
  ClientMessage,
  CloseAction,
  ServerMessage,
  ServerMessageOf,
  ServerMessageType,
  SessionEnded,
  SessionReady,
} from './generated/messages.js';
import type { StreamClosedError, StreamError, StreamWarning } from './errors.js';

/** The subset of the WHATWG WebSocket that the client uses; `ws` and browsers both provide it. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** A session's `stream` object as returned by `POST /v1/sessions` and `GET /v1/sessions/{id}`. */
export interface StreamTarget {
  url: string;
  token: string;
  expires_at?: string | null;
}

export type Speaker = AudioInput['speaker'];

export interface KeepaliveOptions {
  /** Send `ping` after this long without inbound traffic. Default from the spec (`x-kallglot-keepalive`). */
  intervalMs?: number;
  /** Close (code 4008) when no `pong` arrives within this long. Default from the spec. */
  timeoutMs?: number;
}

export interface ReconnectContext {
  /** 1 for the first reconnect attempt after a drop. */
  attempt: number;
  /** Close code that caused the reconnect. */
  code: number;
  reason: string;
  /** `new_token` when the server rejected the token (4001/4002). */
  action: CloseAction;
  /** The target used for the previous connection. */
  previous: StreamTarget;
}

export interface ReconnectOptions {
  /**
   * Returns a fresh `{ url, token }` (or just a token) for the same session. Stream tokens live 5 minutes and
   * are checked at connect, so this is called before every reconnect when given. Required for 4001/4002.
   * `sessionStreamProvider()` builds one from `@kallglot/client`.
   */
  getStream?: (ctx: ReconnectContext) => Promise<StreamTarget | string> | StreamTarget | string;
  /** Attempts per outage before giving up. Default 6. */
  maxAttempts?: number;
  /** First backoff delay. Default 250 ms. */
  initialDelayMs?: number;
  /** Backoff cap. Default 8000 ms. */
  maxDelayMs?: number;
  /** Audio kept while disconnected, in milliseconds of 8 kHz μ-law. Oldest frames are dropped (with an `error` event) beyond it. Default 10 000. */
  maxBufferedAudioMs?: number;
  /** Random source for the jitter, in [0, 1). */
  random?: () => number;
  /**
   * A connection counts as stable, and the attempt counter and backoff start over, once it has stayed up this
   * long after `session.ready`. A server that accepts and then drops at once gets growing backoff. Default 10 000.
   */
  stableAfterMs?: number;
}

export interface ConnectStreamOptions {
  /** Stream URL (`wss://…/v1/sessions/{id}/connect`). Either `url` + `token` or `stream`. */
  url?: string;
  /** Stream token (`kst_…`); appended as `?token=`. */
  token?: string;
  /** A session's `stream` object; an alternative to `url` + `token`. */
  stream?: StreamTarget;
  /** WebSocket implementation. Defaults to `globalThis.WebSocket`; the Node entry defaults to `ws`. */
  WebSocket?: WebSocketConstructor;
  /** `speaker` for `sendAudio` when not given per call. Default `customer`. */
  speaker?: Speaker;
  /**
   * How server frames are checked (every `send()` is always checked unless this is `false`):
   * - `true` (default): a frame whose documented fields are valid is delivered; a deviation in a part the public
   *   docs do not confirm raises a `warning` (with the schema errors) and the frame is still delivered.
   * - `'strict'`: any deviation from the full schema is an `error` event and the frame is dropped (contract tests).
   * - `false`: no validation at all.
   */
  validate?: boolean | 'strict';
  /**
   * Messages a `for await` loop may fall behind by. Past it the oldest buffered message is dropped and a
   * `warning` (`kind: 'overflow'`) reports how many were lost; listeners always get every message. Default 1000.
   */
  maxBufferedMessages?: number;
  /** `sendAudio` resolves once `bufferedAmount` is at or below this many bytes. Default 64 KiB. */
  highWaterMark?: number;
  /** Keepalive ping/pong; `false` turns it off. */
  keepalive?: KeepaliveOptions | false;
  /** Reconnect on drops the close-code table marks as retryable. Off by default. */
  reconnect?: boolean | ReconnectOptions;
  /** Give up connecting (open + `session.ready`) after this long. Default 15 000 ms. */
  connectTimeoutMs?: number;
}

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateChange {
  state: StreamState;
  previous: StreamState | 'idle';
  /** Reconnect attempt (1-based) for `connecting`/`reconnecting` after a drop. */
  attempt?: number;
  /** Backoff before the next attempt, for `reconnecting`. */
  delayMs?: number;
  /** Close code that led here, for `reconnecting` and `closed`. */
  code?: number;
  reason?: string;
  /** Set on `closed` when the stream ended abnormally. */
  error?: StreamClosedError;
}

export interface CloseInfo {
  code: number;
  reason: string;
  name: string;
  action: CloseAction;
  /** Whether the stream will reconnect after this socket closed. */
  willReconnect: boolean;
}

/** A well-formed frame whose `type` this version does not know (a newer server). */
export interface UnknownMessage {
  type: string;
  data: Record<string, unknown>;
}

export interface KeepaliveTimeout {
  timeoutMs: number;
  pingSentAt: number;
}

type ServerEventMap = { [K in ServerMessageType]: ServerMessageOf<K> };

export interface StreamEventMap extends ServerEventMap {
  /** Every valid server message. */
  message: ServerMessage;
  unknown: UnknownMessage;
  error: StreamError;
  /** Something is off but the stream carries on: a frame that differs from the schema in an unconfirmed part, or a `for await` buffer overflow. */
  warning: StreamWarning;
  keepalive_timeout: KeepaliveTimeout;
  /** A socket closed (also before a reconnect). */
  close: CloseInfo;
  state: StateChange;
  connecting: StateChange;
  open: StateChange;
  reconnecting: StateChange;
  closed: StateChange;
}

export interface SendAudioOptions {
  speaker?: Speaker;
  /** Override `timestamp_ms` (the spec: client clock in ms when the chunk was captured). Default `Date.now()`. */
  timestampMs?: number;
}

export interface StreamClient extends AsyncIterable<ServerMessage> {
  /** Resolves on the first `session.ready`; rejects with a `StreamConnectError` if the stream cannot be set up. */
  readonly ready: Promise<SessionReady>;
  readonly state: StreamState;
  /** The next `sequence` `sendAudio` will use. */
  readonly nextSequence: number;
  /** Bytes the socket has not sent yet (0 while disconnected). */
  readonly bufferedAmount: number;
  on<K extends keyof StreamEventMap>(event: K, fn: (payload: StreamEventMap[K]) => void): () => void;
  off<K extends keyof StreamEventMap>(event: K, fn: (payload: StreamEventMap[K]) => void): void;
  /** Sends 8 kHz μ-law bytes, or 8 kHz 16-bit PCM (encoded to μ-law), as one `audio.input`. */
  sendAudio(audio: Uint8Array | Int16Array, options?: SendAudioOptions): Promise<void>;
  /** Sends any client message (validated when validation is on). */
  send(message: ClientMessage): Promise<void>;
  /** Sends `ping` now. */
  ping(): void;
  /** Sends `session.end` and resolves with `session.ended`. */
  end(options?: { timeoutMs?: number }): Promise<SessionEnded>;
  /** Closes the socket without ending the session (it can be resumed with a new token). */
  close(code?: number, reason?: string): Promise<void>;
}
