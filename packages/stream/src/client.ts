// The stream client: one implementation for Node (`ws`, supplied by the `node` export condition) and
// browsers (global WebSocket). Nothing here imports a Node built-in.
import {
  KEEPALIVE_MS,
  MAX_PAYLOAD_BYTES,
  type AudioInput,
  type ClientMessage,
  type CloseAction,
  type ServerMessage,
  type ServerMessageOf,
  type ServerMessageType,
  type SessionEnded,
  type SessionReady,
} from './generated/messages.js';
import { clientValidators, documentedServerValidators, serverValidators, type ValidationError, type Validator } from './generated/validators.js';
import { base64DecodedLength, bytesToBase64 } from './internal/base64.js';
import { encodeMulawBase64 } from './audio/wire.js';
import { serializeAudioInput } from './internal/audio-frame.js';
import { Emitter } from './internal/emitter.js';
import { StreamClosedError, StreamConnectError, StreamError, closeMessage, describeClose, type StreamWarning } from './errors.js';
import { utf8Length } from './internal/utf8.js';

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

/** A serialized frame waiting for the socket; `sequence` is set for audio. */
type Outbound = { data: string; audioBytes: number; sequence?: number };

const OPEN = 1;
const AUDIO_BYTES_PER_MS = 8; // 8 kHz, one byte per μ-law sample

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`connectStream: ${name} must be a positive integer`);
  return value;
}

function describeErrors(errors: ValidationError[]): string {
  const first = errors[0];
  return first ? `: ${first.instancePath || '/'} ${first.message}` : '';
}

/** The error without Ajv's optional `data`/`schema` (never a copy of the payload). */
function copyError(e: ValidationError): ValidationError {
  return { instancePath: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, params: e.params, ...(e.message ? { message: e.message } : {}) };
}

/** Connects to a session's stream. Returns at once; await `ready` for `session.ready`. */
export function connectStream(options: ConnectStreamOptions): StreamClient {
  return new Stream(options);
}

function buildUrl(target: StreamTarget): string {
  const u = new URL(target.url);
  if (target.token) u.searchParams.set('token', target.token);
  return u.toString();
}

/** The URL without its token, for error messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.searchParams.has('token')) u.searchParams.set('token', '***');
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

function resolveTarget(options: ConnectStreamOptions): StreamTarget {
  const url = options.stream?.url ?? options.url;
  const token = options.stream?.token ?? options.token;
  if (!url) throw new StreamConnectError(0, 'invalid_url', '', 'connectStream: `url` (or `stream.url`) is required');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StreamConnectError(0, 'invalid_url', '', `connectStream: not a valid URL: ${JSON.stringify(safeUrl(url))}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new StreamConnectError(0, 'invalid_url', '', `connectStream: the stream URL must use ws: or wss:, got ${parsed.protocol}`);
  }
  const effective = token ?? parsed.searchParams.get('token') ?? '';
  if (!effective) {
    throw new StreamConnectError(4001, 'token_missing', '', 'connectStream: a stream token is required (`token`, `stream.token`, or `?token=` in the URL); get one from POST /v1/sessions or GET /v1/sessions/{id}', 'new_token');
  }
  return { url, token: effective };
}

class Stream implements StreamClient {
  readonly ready: Promise<SessionReady>;
  private resolveReady!: (m: SessionReady) => void;
  private rejectReady!: (e: Error) => void;
  private readySettled = false;

  private _state: StreamState | 'idle' = 'idle';
  private readonly events: Emitter<StreamEventMap>;
  private readonly WS: WebSocketConstructor | undefined;
  private readonly validate: boolean | 'strict';
  private readonly maxBufferedMessages: number;
  private readonly hwm: number;
  private readonly speaker: Speaker;
  private readonly keepalive: Required<KeepaliveOptions> | false;
  private readonly reconnect: (Required<Omit<ReconnectOptions, 'getStream'>> & Pick<ReconnectOptions, 'getStream'>) | false;
  private readonly connectTimeoutMs: number;

  private target: StreamTarget;
  private socket: WebSocketLike | undefined;
  private sessionReady = false; // session.ready seen on the current socket
  private everReady = false;
  private attempt = 0;
  private seq = 0;
  private queue: Outbound[] = [];
  private queuedAudioBytes = 0;
  private ending: { resolve: (m: SessionEnded) => void; reject: (e: Error) => void; promise: Promise<SessionEnded> } | undefined;
  private ended: SessionEnded | undefined;
  private userClosed = false;
  private closeError: StreamClosedError | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private frameTooBig = false;
  private lastSocketError = '';
  private connectTimedOut = false;
  private lastIn = 0;
  private lastOut = 0;
  private readonly iterators = new Set<{ push: (m: ServerMessage) => void; finish: (e?: Error) => void }>();
  private readonly closedWaiters: Array<() => void> = [];

  constructor(options: ConnectStreamOptions) {
    this.ready = new Promise<SessionReady>((res, rej) => {
      this.resolveReady = res;
      this.rejectReady = rej;
    });
    // `ready` may be ignored by callers that only listen to events; never let it become an unhandled rejection.
    this.ready.catch(() => {});
    this.events = new Emitter<StreamEventMap>((err, event) => {
      if (event === 'error') return; // a throwing error listener must not loop
      this.events.emit('error', new StreamError('listener', `a "${String(event)}" listener threw: ${(err as Error)?.message ?? err}`, { error: err, event }));
    });
    this.WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    this.validate = options.validate ?? true;
    this.maxBufferedMessages = positiveInt('maxBufferedMessages', options.maxBufferedMessages, 1000);
    this.hwm = options.highWaterMark ?? 64 * 1024;
    this.speaker = options.speaker ?? ('customer' as Speaker);
    this.keepalive = options.keepalive === false ? false : { intervalMs: options.keepalive?.intervalMs ?? KEEPALIVE_MS.intervalMs, timeoutMs: options.keepalive?.timeoutMs ?? KEEPALIVE_MS.timeoutMs };
    const r = options.reconnect;
    this.reconnect = !r
      ? false
      : {
          maxAttempts: 6,
          initialDelayMs: 250,
          maxDelayMs: 8000,
          maxBufferedAudioMs: 10_000,
          random: Math.random,
          stableAfterMs: 10_000,
          ...(r === true ? {} : r),
        };
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.target = { url: '', token: '' };
    try {
      this.target = resolveTarget(options);
      if (!this.WS) throw new StreamConnectError(0, 'no_websocket', '', 'connectStream: no WebSocket implementation; pass `WebSocket` (in Node, import from "@kallglot/stream" resolves to the `ws`-backed entry)');
    } catch (err) {
      // Fail asynchronously so `on('closed')` registered right after connectStream() still fires.
      queueMicrotask(() => this.finish(err as StreamClosedError));
      return;
    }
    // Deferred so listeners attached right after connectStream() see the first `connecting`.
    queueMicrotask(() => this.open());
  }

  get state(): StreamState {
    return this._state === 'idle' ? 'connecting' : this._state;
  }
  get nextSequence(): number {
    return this.seq;
  }
  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  on<K extends keyof StreamEventMap>(event: K, fn: (payload: StreamEventMap[K]) => void): () => void {
    return this.events.on(event, fn);
  }
  off<K extends keyof StreamEventMap>(event: K, fn: (payload: StreamEventMap[K]) => void): void {
    this.events.off(event, fn);
  }

  // ---------- connection lifecycle ----------

  private setState(state: StreamState, extra: Omit<StateChange, 'state' | 'previous'> = {}): void {
    const change: StateChange = { state, previous: this._state, ...extra };
    this._state = state;
    this.events.emit('state', change);
    this.events.emit(state, change);
  }

  private open(): void {
    if (this.userClosed || this._state === 'closed') return;
    this.setState('connecting', this.attempt ? { attempt: this.attempt } : {});
    let ws: WebSocketLike;
    try {
      ws = new this.WS!(buildUrl(this.target));
    } catch (err) {
      // Browsers throw synchronously on a malformed URL or a forbidden port.
      this.finish(new StreamConnectError(0, 'invalid_url', '', `Stream URL rejected by WebSocket: ${(err as Error).message}`));
      return;
    }
    this.socket = ws;
    this.sessionReady = false;
    this.lastSocketError = '';
    ws.binaryType = 'arraybuffer';
    let opened = false;
    this.connectTimer = setTimeout(() => {
      if (this.socket !== ws) return;
      this.lastSocketError = `no session.ready within ${this.connectTimeoutMs} ms`;
      this.connectTimedOut = true;
      this.dropSocket(ws, 4008, 'connect timeout', opened);
    }, this.connectTimeoutMs);
    ws.onopen = () => {
      if (this.socket !== ws) return;
      opened = true;
      this.setState('open', this.attempt ? { attempt: this.attempt } : {});
      this.armIdle();
    };
    const emitterApi = ws as unknown as { on?: (event: 'message', fn: (data: { toString(): string }, isBinary: boolean) => void) => void };
    if (typeof emitterApi.on === 'function') {
      // `ws` in Node: its EventEmitter API skips building a MessageEvent per frame.
      emitterApi.on('message', (data, isBinary) => {
        if (this.socket !== ws) return;
        // The default entry sets maxPayload; a `ws` class passed in may not, so check (a Buffer's length is bytes).
        const size = (data as { length?: number }).length ?? 0;
        if (size > MAX_PAYLOAD_BYTES) this.onFrameTooBig(ws, opened, size);
        else this.onFrame(isBinary ? data : data.toString());
      });
    } else {
      // Browsers have no maxPayload: check the size before parsing (a string is at least 1 byte per unit).
      ws.onmessage = (ev) => {
        if (this.socket !== ws) return;
        const d = ev.data as string | ArrayBuffer;
        const size = typeof d === 'string' ? (d.length * 3 > MAX_PAYLOAD_BYTES ? utf8Length(d) : d.length) : (d?.byteLength ?? 0);
        if (size > MAX_PAYLOAD_BYTES) this.onFrameTooBig(ws, opened, size);
        else this.onFrame(d);
      };
    }
    ws.onerror = (ev) => {
      const e = ev as { message?: string; error?: { message?: string; code?: string } };
      // `ws` (Node) enforces maxPayload itself, closes with 1009 and reports it here.
      if ((e?.error?.code ?? (e as { code?: string }).code) === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        if (this.socket === ws) this.onFrameTooBig(ws, opened);
        return;
      }
      this.lastSocketError = e?.message ?? e?.error?.message ?? 'WebSocket error';
    };
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.onSocketClosed(ev.code, ev.reason ?? '', opened);
    };
  }

  /** A server frame over MAX_PAYLOAD_BYTES: report it (never its content) and close with 1009. */
  private onFrameTooBig(ws: WebSocketLike, opened: boolean, size?: number): void {
    this.events.emit('error', new StreamError('frame_too_big', `Server sent a frame over ${MAX_PAYLOAD_BYTES} bytes; closing with 1009`, { limit: MAX_PAYLOAD_BYTES, ...(size ? { size } : {}) }));
    this.dropSocket(ws, 1009, 'inbound frame too big', opened);
  }

  /** Closes a socket we gave up on without waiting for the peer, then handles it as closed with `code`. */
  private dropSocket(ws: WebSocketLike, code: number, reason: string, opened: boolean): void {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(code, reason);
    } catch {
      // Browsers only let a script send 1000 or 3000–4999.
      try {
        ws.close(1000, reason);
      } catch {
        /* already closing */
      }
    }
    // ws waits up to 30 s for the peer's close frame; a dead peer must not keep the process alive.
    const terminate = (ws as { terminate?: () => void }).terminate;
    if (typeof terminate === 'function') {
      const t = setTimeout(() => terminate.call(ws), 1000);
      (t as { unref?: () => void }).unref?.();
    }
    if (this.socket === ws) this.onSocketClosed(code, reason, opened);
  }

  private clearTimers(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.stableTimer);
    this.idleTimer = this.pongTimer = this.connectTimer = this.stableTimer = undefined;
  }

  private onSocketClosed(code: number, reason: string, opened: boolean): void {
    this.clearTimers();
    this.socket = undefined;
    this.sessionReady = false;
    if (this.userClosed) return; // close() already finished the stream
    const timedOut = this.connectTimedOut;
    this.connectTimedOut = false;
    const info = timedOut ? undefined : describeClose(code);
    let action: CloseAction = info?.action ?? 'stop';
    let name = info?.name ?? (code === 1006 ? 'abnormal_closure' : `close_${code}`);
    if (!info && (code === 1006 || code === 1005) && this.everReady) action = 'reconnect'; // network drop mid-stream
    if (!opened && !info) name = 'connection_failed';
    if (timedOut) {
      name = 'connect_timeout';
      action = 'reconnect';
    }

    const normalEnd = !!this.ended || (code === 1000 && opened);
    const canRetry =
      !normalEnd &&
      !!this.reconnect &&
      action !== 'stop' &&
      (this.everReady || opened || !!info || timedOut) && // a plain refusal on the very first connect is not retried
      this.attempt < this.reconnect.maxAttempts &&
      (action !== 'new_token' || !!this.reconnect.getStream);
    this.events.emit('close', { code, reason, name, action, willReconnect: canRetry });

    if (normalEnd) {
      this.finish();
      return;
    }
    if (canRetry) {
      this.scheduleReconnect(code, reason, action);
      return;
    }
    if (this.reconnect && action !== 'stop' && this.attempt > 0 && this.attempt >= this.reconnect.maxAttempts) {
      this.events.emit('error', new StreamError('reconnect_failed', `Stream reconnect gave up after ${this.attempt} attempts (last close ${code}${reason ? ` ${reason}` : ''})`, { attempt: this.attempt, code }));
    }
    const phase = this.everReady ? 'stream' : 'handshake';
    let message = closeMessage(code, reason, phase);
    if (!opened && !info) message = `Stream connection to ${safeUrl(this.target.url)} failed${this.lastSocketError ? `: ${this.lastSocketError}` : ''} (bad URL, refused handshake, or server unreachable)`;
    if (timedOut) message = `Stream to ${safeUrl(this.target.url)} timed out: ${this.lastSocketError}`;
    const Err = phase === 'handshake' ? StreamConnectError : StreamClosedError;
    this.finish(new Err(code, name, reason || this.lastSocketError, message, action));
  }

  private scheduleReconnect(code: number, reason: string, action: CloseAction): void {
    const r = this.reconnect as Exclude<typeof this.reconnect, false>;
    this.attempt++;
    const base = Math.min(r.maxDelayMs, r.initialDelayMs * 2 ** (this.attempt - 1));
    const delayMs = Math.round(base / 2 + (r.random() * base) / 2); // "equal jitter": never 0, never above the cap
    this.setState('reconnecting', { attempt: this.attempt, delayMs, code, reason });
    this.retryTimer = setTimeout(() => void this.reconnectNow(code, reason, action), delayMs);
  }

  private async reconnectNow(code: number, reason: string, action: CloseAction): Promise<void> {
    this.retryTimer = undefined;
    if (this.userClosed || this._state === 'closed') return;
    const r = this.reconnect as Exclude<typeof this.reconnect, false>;
    if (r.getStream) {
      try {
        const got = await r.getStream({ attempt: this.attempt, code, reason, action, previous: { ...this.target } });
        if (this.userClosed || (this._state as string) === 'closed') return;
        const next = typeof got === 'string' ? { url: this.target.url, token: got } : got;
        if (!next?.token || !next?.url) throw new Error('getStream() returned no url/token (is the session still active?)');
        if (action === 'new_token' && next.token === this.target.token) {
          this.finish(new StreamClosedError(code, describeClose(code)?.name ?? 'token_invalid', reason, `${closeMessage(code, reason, 'stream')}; getStream() returned the same token`, action));
          return;
        }
        this.target = { url: next.url, token: next.token };
      } catch (err) {
        this.events.emit('error', new StreamError('reconnect_failed', `getStream() failed: ${(err as Error)?.message ?? err}`, { error: err, attempt: this.attempt }));
        if (this.attempt < r.maxAttempts) this.scheduleReconnect(code, reason, action);
        else this.finish(new StreamClosedError(code, describeClose(code)?.name ?? 'reconnect_failed', reason, `Stream reconnect gave up after ${this.attempt} attempts: ${(err as Error)?.message ?? err}`, action));
        return;
      }
    }
    this.open();
  }

  /** Ends the stream for good: rejects what is pending, ends iterators, emits `closed`. */
  private finish(error?: StreamClosedError): void {
    if (this._state === 'closed') return;
    clearTimeout(this.retryTimer);
    this.clearTimers();
    this.closeError = error;
    if (!this.readySettled) {
      this.readySettled = true;
      this.rejectReady(error ?? new StreamConnectError(1000, 'normal_closure', '', 'Stream closed before session.ready'));
    }
    if (this.ending && !this.ended) this.ending.reject(error ?? new StreamClosedError(1000, 'normal_closure', '', 'Stream closed before session.ended'));
    const droppedAudio = this.queue.filter((o) => o.sequence !== undefined);
    if (droppedAudio.length) {
      this.events.emit('error', new StreamError('audio_dropped', `${droppedAudio.length} queued audio frame(s) were never sent because the stream closed`, { sequences: droppedAudio.map((o) => o.sequence) }));
    }
    this.queue = [];
    this.queuedAudioBytes = 0;
    this.setState('closed', error ? { code: error.code, reason: error.reason, error } : {});
    for (const it of this.iterators) it.finish(error);
    this.iterators.clear();
    for (const w of this.closedWaiters.splice(0)) w();
  }

  // ---------- inbound ----------

  private onFrame(data: unknown): void {
    this.lastIn = Date.now();
    if (typeof data !== 'string') {
      this.events.emit('error', new StreamError('binary_frame', 'Server sent a binary frame; the protocol is JSON text', { size: (data as ArrayBuffer)?.byteLength }));
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch (err) {
      this.events.emit('error', new StreamError('parse', `Server frame is not JSON: ${(err as Error).message}`, { raw: data.slice(0, 1024) }));
      return;
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg) || typeof (msg as { type?: unknown }).type !== 'string') {
      this.events.emit('error', new StreamError('validation', 'Server frame is not an object with a string `type`', { raw: data.slice(0, 1024) }));
      return;
    }
    const type = (msg as { type: string }).type;
    const validator = (serverValidators as Record<string, Validator<ServerMessage> | undefined>)[type];
    if (!validator || !Object.prototype.hasOwnProperty.call(serverValidators, type)) {
      this.events.emit('unknown', { type, data: msg as Record<string, unknown> });
      return;
    }
    // The full schema first: a conforming frame (the usual case) costs one validation.
    if (this.validate && !validator(msg)) {
      const errors = (validator.errors ?? []) as ValidationError[];
      const documented = (documentedServerValidators as Record<string, Validator<ServerMessage>>)[type]!;
      if (this.validate === 'strict' || !documented(msg)) {
        const shown = this.validate === 'strict' ? errors : ((documented.errors ?? []) as ValidationError[]);
        this.events.emit('error', new StreamError('validation', `Invalid ${type} frame from the server${describeErrors(shown)}`, { type, errors: shown, data: msg }));
        return;
      }
      this.events.emit('warning', { kind: 'schema', type: type as ServerMessageType, errors: errors.map(copyError), message: `${type} frame differs from the schema in a part the public docs do not confirm${describeErrors(errors)}; delivered anyway` });
    }
    this.dispatch(msg as ServerMessage);
  }

  /** The attempt counter starts over only once a connection has stayed up for `stableAfterMs`. */
  private armStable(): void {
    clearTimeout(this.stableTimer);
    if (!this.reconnect) {
      this.attempt = 0;
      return;
    }
    const ws = this.socket;
    this.stableTimer = setTimeout(() => {
      if (this.socket === ws) this.attempt = 0;
    }, this.reconnect.stableAfterMs);
    (this.stableTimer as { unref?: () => void }).unref?.();
  }

  private dispatch(msg: ServerMessage): void {
    switch (msg.type) {
      case 'session.ready':
        this.sessionReady = true;
        this.everReady = true;
        clearTimeout(this.connectTimer);
        this.armStable();
        if (!this.readySettled) {
          this.readySettled = true;
          this.resolveReady(msg);
        }
        break;
      case 'pong':
        clearTimeout(this.pongTimer);
        this.pongTimer = undefined;
        break;
      case 'session.ended':
        this.ended = msg;
        this.ending?.resolve(msg);
        break;
    }
    this.events.emit(msg.type, msg as never);
    this.events.emit('message', msg);
    for (const it of this.iterators) it.push(msg);
    if (msg.type === 'session.ready') this.flushQueue();
    if (msg.type === 'session.ended') {
      // The server stops reading after session.ended; close our side if it does not.
      const ws = this.socket;
      if (ws) {
        const t = setTimeout(() => this.socket === ws && this.dropSocket(ws, 1000, 'session ended', true), 1000);
        (t as { unref?: () => void }).unref?.();
      }
    }
  }

  // ---------- keepalive ----------

  // Ping when either direction has been quiet for `intervalMs`: quiet inbound means we cannot tell the
  // server is alive; quiet outbound means the server's idle timeout (4008) would close us.
  private armIdle(): void {
    if (!this.keepalive) return;
    const now = Date.now();
    this.lastIn = this.lastOut = now;
    this.scheduleKeepalive(this.keepalive.intervalMs);
  }

  private scheduleKeepalive(delay: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.keepaliveTick(), Math.max(1, delay));
  }

  private keepaliveTick(): void {
    const ka = this.keepalive;
    const ws = this.socket;
    if (!ka || !ws || ws.readyState !== OPEN) return;
    const now = Date.now();
    const quietSince = Math.min(this.lastIn, this.lastOut);
    if (now - quietSince < ka.intervalMs) {
      this.scheduleKeepalive(ka.intervalMs - (now - quietSince));
      return;
    }
    this.ping();
    this.scheduleKeepalive(ka.intervalMs);
    if (this.pongTimer) return; // one outstanding ping at a time
    const pingSentAt = now;
    this.pongTimer = setTimeout(() => {
      this.pongTimer = undefined;
      if (this.socket !== ws) return;
      this.events.emit('keepalive_timeout', { timeoutMs: ka.timeoutMs, pingSentAt });
      this.events.emit('error', new StreamError('keepalive_timeout', `No pong within ${ka.timeoutMs} ms; closing the socket (4008) so audio is not sent into a dead connection`, { timeoutMs: ka.timeoutMs }));
      this.dropSocket(ws, 4008, 'keepalive timeout', true);
    }, ka.timeoutMs);
  }

  // ---------- outbound ----------

  private writeNow(msg: ClientMessage): void {
    this.writeRaw(JSON.stringify(msg));
  }

  private writeRaw(data: string): void {
    this.lastOut = Date.now();
    this.socket!.send(data);
  }

  private canWrite(): boolean {
    return !!this.socket && this.socket.readyState === OPEN && this.sessionReady;
  }

  private flushQueue(): void {
    while (this.queue.length && this.canWrite()) {
      const o = this.queue.shift()!;
      this.queuedAudioBytes -= o.audioBytes;
      this.writeRaw(o.data);
    }
  }

  private enqueue(data: string, audioBytes: number, sequence?: number): void {
    this.queue.push(sequence === undefined ? { data, audioBytes } : { data, audioBytes, sequence });
    this.queuedAudioBytes += audioBytes;
    const limitMs = this.reconnect ? this.reconnect.maxBufferedAudioMs : 10_000;
    const limit = limitMs * AUDIO_BYTES_PER_MS;
    if (this.queuedAudioBytes <= limit) return;
    const dropped: number[] = [];
    while (this.queuedAudioBytes > limit) {
      const i = this.queue.findIndex((o) => o.sequence !== undefined);
      if (i < 0) break;
      const [o] = this.queue.splice(i, 1);
      this.queuedAudioBytes -= o!.audioBytes;
      dropped.push(o!.sequence!);
    }
    this.events.emit('error', new StreamError('audio_dropped', `Audio buffer over ${limitMs} ms while disconnected; dropped ${dropped.length} oldest frame(s)`, { sequences: dropped, limitMs }));
  }

  private async drain(): Promise<void> {
    while (this.socket && this.socket.readyState === OPEN && this.socket.bufferedAmount > this.hwm) {
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  private assertWritable(what: string): void {
    if (this._state === 'closed') throw this.closeError ?? new StreamClosedError(1000, 'normal_closure', '', `${what}: the stream is closed`);
    if (this.ending) throw new StreamClosedError(1000, 'normal_closure', '', `${what}: session.end was already sent`);
  }

  async sendAudio(audio: Uint8Array | Int16Array, options: SendAudioOptions = {}): Promise<void> {
    this.assertWritable('sendAudio');
    const isPcm = audio instanceof Int16Array;
    if (!isPcm && !(audio instanceof Uint8Array)) throw new TypeError('sendAudio: expected a Uint8Array of μ-law bytes or an Int16Array of 8 kHz PCM');
    if (audio.length === 0) throw new RangeError('sendAudio: empty audio chunk');
    const speaker = options.speaker ?? this.speaker;
    if (speaker !== 'customer' && speaker !== 'agent' && this.validate) throw new TypeError(`sendAudio: invalid speaker ${JSON.stringify(speaker)}`);
    const payload = isPcm ? encodeMulawBase64(audio) : bytesToBase64(audio);
    const frame = serializeAudioInput(this.seq++, options.timestampMs ?? Date.now(), speaker, payload);
    if (this.queue.length || !this.canWrite()) {
      this.enqueue(frame, audio.length, this.seq - 1);
      return;
    }
    this.writeRaw(frame);
    if (this.socket!.bufferedAmount > this.hwm) await this.drain();
  }

  async send(message: ClientMessage): Promise<void> {
    this.assertWritable('send');
    if (this.validate) {
      const v = (clientValidators as Record<string, Validator<ClientMessage> | undefined>)[message?.type];
      if (!v) throw new TypeError(`send: unknown client message type ${JSON.stringify(message?.type)}`);
      const type: string = message.type;
      if (!v(message)) {
        const e = v.errors?.[0];
        throw new TypeError(`send: invalid ${type}${e ? `: ${e.instancePath || '/'} ${e.message}` : ''}`);
      }
    }
    if (message.type === 'session.end') {
      await this.end();
      return;
    }
    if (message.type === 'audio.input' && message.sequence >= this.seq) this.seq = message.sequence + 1;
    if (this.queue.length || !this.canWrite()) {
      const isAudio = message.type === 'audio.input';
      this.enqueue(JSON.stringify(message), isAudio ? base64DecodedLength(message.audio.payload) : 0, isAudio ? message.sequence : undefined);
      return;
    }
    this.writeNow(message);
    await this.drain();
  }

  ping(): void {
    if (this.socket && this.socket.readyState === OPEN) this.writeNow({ type: 'ping' } as ClientMessage);
  }

  end(options: { timeoutMs?: number } = {}): Promise<SessionEnded> {
    if (this.ended) return Promise.resolve(this.ended);
    if (this.ending) return this.ending.promise;
    if (this._state === 'closed') return Promise.reject(this.closeError ?? new StreamClosedError(1000, 'normal_closure', '', 'end: the stream is closed'));
    let resolve!: (m: SessionEnded) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<SessionEnded>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timeoutMs = options.timeoutMs ?? 10_000;
    const timer = setTimeout(() => {
      reject(new StreamClosedError(0, 'end_timeout', '', `end: no session.ended within ${timeoutMs} ms`));
      void this.close(1000, 'session.ended timeout');
    }, timeoutMs);
    const clear = () => clearTimeout(timer);
    promise.then(clear, clear);
    this.ending = { resolve, reject, promise };
    const msg = { type: 'session.end' } as ClientMessage;
    if (this.queue.length || !this.canWrite()) this.enqueue(JSON.stringify(msg), 0);
    else this.writeNow(msg);
    return promise;
  }

  close(code = 1000, reason = 'client closed'): Promise<void> {
    if (this._state === 'closed') return Promise.resolve();
    this.userClosed = true;
    const ws = this.socket;
    const done = new Promise<void>((resolve) => {
      if (!ws || ws.readyState > OPEN) return resolve();
      const prev = ws.onclose;
      const t = setTimeout(resolve, 1000);
      ws.onclose = (ev) => {
        clearTimeout(t);
        prev?.(ev);
        resolve();
      };
    });
    if (ws) {
      try {
        ws.close(code, reason);
      } catch {
        /* a CONNECTING socket in some browsers */
      }
    }
    this.socket = undefined;
    if (ws) this.events.emit('close', { code, reason, name: describeClose(code)?.name ?? `close_${code}`, action: 'stop', willReconnect: false });
    this.finish();
    return done;
  }

  // ---------- async iteration ----------

  [Symbol.asyncIterator](): AsyncIterator<ServerMessage> {
    const buffered: ServerMessage[] = [];
    let waiter: { resolve: (r: IteratorResult<ServerMessage>) => void; reject: (e: Error) => void } | undefined;
    let done = this._state === 'closed';
    let failure: Error | undefined = done ? this.closeError : undefined;
    const limit = this.maxBufferedMessages;
    let totalDropped = 0;
    let unreported = 0;
    const entry = {
      push: (m: ServerMessage) => {
        if (waiter) {
          waiter.resolve({ value: m, done: false });
          waiter = undefined;
          return;
        }
        buffered.push(m);
        if (buffered.length <= limit) return;
        // Drop oldest, like a live feed: the newest transcripts matter most. Reported on the first drop and then
        // once per `limit` drops, so a stalled loop cannot flood the listeners.
        buffered.shift();
        totalDropped++;
        unreported++;
        if (totalDropped === 1 || unreported >= limit) {
          this.events.emit('warning', { kind: 'overflow', dropped: unreported, totalDropped, limit, message: `for await fell more than ${limit} messages behind; dropped the oldest (${totalDropped} so far)` });
          unreported = 0;
        }
      },
      finish: (e?: Error) => {
        done = true;
        failure = e;
        if (waiter) {
          if (e) waiter.reject(e);
          else waiter.resolve({ value: undefined, done: true });
          waiter = undefined;
        }
      },
    };
    if (!done) this.iterators.add(entry);
    return {
      next: () => {
        if (buffered.length) return Promise.resolve({ value: buffered.shift()!, done: false });
        if (done) {
          const e = failure;
          failure = undefined; // throw once, then report done
          return e ? Promise.reject(e) : Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => (waiter = { resolve, reject }));
      },
      return: () => {
        this.iterators.delete(entry);
        done = true;
        buffered.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
