// The stream client's connection, with no public API of its own: one socket at a time, `session.ready`, the
// keepalive (keepalive.ts), reconnects under the policy (reconnect.ts) and the outbound queue (outbound-queue.ts).
// Nothing here imports a Node built-in.
import type {
  ConnectStreamOptions,
  KeepaliveOptions,
  Speaker,
  StateChange,
  StreamEventMap,
  StreamState,
  StreamTarget,
  WebSocketConstructor,
  WebSocketLike,
} from '../client-types.js';
import { StreamClosedError, StreamConnectError, StreamError, closeMessage, describeClose } from '../errors.js';
import { KEEPALIVE_MS, MAX_PAYLOAD_BYTES, type CloseAction, type ServerMessage, type SessionEnded, type SessionReady } from '../generated/messages.js';
import { Emitter } from './emitter.js';
import { Keepalive } from './keepalive.js';
import type { IteratorEntry } from './message-iterator.js';
import { OutboundQueue } from './outbound-queue.js';
import { backoffDelay, judgeClose, reconnectPolicy, type ReconnectPolicy } from './reconnect.js';
import { readServerFrame } from './server-frame.js';
import { buildUrl, resolveTarget, safeUrl } from './target.js';
import { utf8Length } from './utf8.js';

export const OPEN = 1;

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`connectStream: ${name} must be a positive integer`);
  return value;
}

/**
 * One stream's connection: sockets, session.ready, keepalive, reconnects and the outbound queue. The public API
 * (sending, ending, iteration) is the subclass in ../client.ts.
 */
export abstract class StreamConnection {
  readonly ready: Promise<SessionReady>;
  protected resolveReady!: (m: SessionReady) => void;
  protected rejectReady!: (e: Error) => void;
  protected readySettled = false;

  protected _state: StreamState | 'idle' = 'idle';
  protected readonly events: Emitter<StreamEventMap>;
  protected readonly WS: WebSocketConstructor | undefined;
  protected readonly validate: boolean | 'strict';
  protected readonly maxBufferedMessages: number;
  protected readonly hwm: number;
  protected readonly speaker: Speaker;
  protected readonly keepalive: Keepalive;
  protected readonly reconnect: ReconnectPolicy | false;
  protected readonly connectTimeoutMs: number;

  protected target: StreamTarget;
  protected socket: WebSocketLike | undefined;
  protected sessionReady = false; // session.ready seen on the current socket
  protected everReady = false;
  protected attempt = 0;
  protected seq = 0;
  protected readonly queue = new OutboundQueue();
  protected ending: { resolve: (m: SessionEnded) => void; reject: (e: Error) => void; promise: Promise<SessionEnded> } | undefined;
  protected ended: SessionEnded | undefined;
  protected userClosed = false;
  protected closeError: StreamClosedError | undefined;
  protected connectTimer: ReturnType<typeof setTimeout> | undefined;
  protected retryTimer: ReturnType<typeof setTimeout> | undefined;
  protected stableTimer: ReturnType<typeof setTimeout> | undefined;
  protected frameTooBig = false;
  protected lastSocketError = '';
  protected connectTimedOut = false;
  protected readonly iterators = new Set<IteratorEntry>();
  protected readonly closedWaiters: Array<() => void> = [];

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
    const ka: Required<KeepaliveOptions> | false = options.keepalive === false ? false : { intervalMs: options.keepalive?.intervalMs ?? KEEPALIVE_MS.intervalMs, timeoutMs: options.keepalive?.timeoutMs ?? KEEPALIVE_MS.timeoutMs };
    this.keepalive = new Keepalive(ka, { socket: () => this.socket, ping: () => this.ping(), timedOut: (ws, pingSentAt) => this.onKeepaliveTimeout(ws, ka as Required<KeepaliveOptions>, pingSentAt) });
    this.reconnect = reconnectPolicy(options.reconnect);
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

  protected setState(state: StreamState, extra: Omit<StateChange, 'state' | 'previous'> = {}): void {
    const change: StateChange = { state, previous: this._state, ...extra };
    this._state = state;
    this.events.emit('state', change);
    this.events.emit(state, change);
  }

  protected open(): void {
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
      this.keepalive.arm();
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
  protected onFrameTooBig(ws: WebSocketLike, opened: boolean, size?: number): void {
    this.events.emit('error', new StreamError('frame_too_big', `Server sent a frame over ${MAX_PAYLOAD_BYTES} bytes; closing with 1009`, { limit: MAX_PAYLOAD_BYTES, ...(size ? { size } : {}) }));
    this.dropSocket(ws, 1009, 'inbound frame too big', opened);
  }

  /** Closes a socket we gave up on without waiting for the peer, then handles it as closed with `code`. */
  protected dropSocket(ws: WebSocketLike, code: number, reason: string, opened: boolean): void {
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

  protected clearTimers(): void {
    this.keepalive.stop();
    clearTimeout(this.connectTimer);
    clearTimeout(this.stableTimer);
    this.connectTimer = this.stableTimer = undefined;
  }

  protected onSocketClosed(code: number, reason: string, opened: boolean): void {
    this.clearTimers();
    this.socket = undefined;
    this.sessionReady = false;
    if (this.userClosed) return; // close() already finished the stream
    const timedOut = this.connectTimedOut;
    this.connectTimedOut = false;
    const { info, name, action, normalEnd, canRetry } = judgeClose({ code, opened, timedOut, everReady: this.everReady, ended: !!this.ended, attempt: this.attempt }, this.reconnect);
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

  protected scheduleReconnect(code: number, reason: string, action: CloseAction): void {
    const r = this.reconnect as Exclude<typeof this.reconnect, false>;
    this.attempt++;
    const delayMs = backoffDelay(r, this.attempt);
    this.setState('reconnecting', { attempt: this.attempt, delayMs, code, reason });
    this.retryTimer = setTimeout(() => void this.reconnectNow(code, reason, action), delayMs);
  }

  protected async reconnectNow(code: number, reason: string, action: CloseAction): Promise<void> {
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
  protected finish(error?: StreamClosedError): void {
    if (this._state === 'closed') return;
    clearTimeout(this.retryTimer);
    this.clearTimers();
    this.closeError = error;
    if (!this.readySettled) {
      this.readySettled = true;
      this.rejectReady(error ?? new StreamConnectError(1000, 'normal_closure', '', 'Stream closed before session.ready'));
    }
    if (this.ending && !this.ended) this.ending.reject(error ?? new StreamClosedError(1000, 'normal_closure', '', 'Stream closed before session.ended'));
    const droppedAudio = this.queue.clear();
    if (droppedAudio.length) {
      this.events.emit('error', new StreamError('audio_dropped', `${droppedAudio.length} queued audio frame(s) were never sent because the stream closed`, { sequences: droppedAudio }));
    }
    this.setState('closed', error ? { code: error.code, reason: error.reason, error } : {});
    for (const it of this.iterators) it.finish(error);
    this.iterators.clear();
    for (const w of this.closedWaiters.splice(0)) w();
  }

  // ---------- inbound ----------

  protected onFrame(data: unknown): void {
    this.keepalive.lastIn = Date.now();
    const frame = readServerFrame(data, this.validate);
    if (frame.kind === 'error') return this.events.emit('error', frame.error);
    if (frame.kind === 'unknown') return this.events.emit('unknown', { type: frame.type, data: frame.data });
    if (frame.warning) this.events.emit('warning', frame.warning);
    this.dispatch(frame.message);
  }

  /** The attempt counter starts over only once a connection has stayed up for `stableAfterMs`. */
  protected armStable(): void {
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

  protected dispatch(msg: ServerMessage): void {
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
        this.keepalive.pong();
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

  protected onKeepaliveTimeout(ws: WebSocketLike, ka: Required<KeepaliveOptions>, pingSentAt: number): void {
    this.events.emit('keepalive_timeout', { timeoutMs: ka.timeoutMs, pingSentAt });
    this.events.emit('error', new StreamError('keepalive_timeout', `No pong within ${ka.timeoutMs} ms; closing the socket (4008) so audio is not sent into a dead connection`, { timeoutMs: ka.timeoutMs }));
    this.dropSocket(ws, 4008, 'keepalive timeout', true);
  }

  // ---------- writing ----------

  protected writeRaw(data: string): void {
    this.keepalive.lastOut = Date.now();
    this.socket!.send(data);
  }

  protected canWrite(): boolean {
    return !!this.socket && this.socket.readyState === OPEN && this.sessionReady;
  }

  protected flushQueue(): void {
    this.queue.flush(() => this.canWrite(), (data) => this.writeRaw(data));
  }

  /** Sends `ping` now. */
  abstract ping(): void;
}
