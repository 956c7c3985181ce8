// The stream client: one implementation for Node (`ws`, supplied by the `node` export condition) and
// browsers (global WebSocket). The connection (sockets, keepalive, reconnects, queueing) is
// internal/connection.ts; this file is the public API over it. Nothing here imports a Node built-in.
import type { ConnectStreamOptions, SendAudioOptions, StreamClient } from './client-types.js';
import { StreamClosedError, StreamError, describeClose } from './errors.js';
import type { ClientMessage, ServerMessage, SessionEnded } from './generated/messages.js';
import { clientValidators, type Validator } from './generated/validators.js';
import { encodeMulawBase64 } from './audio/wire.js';
import { serializeAudioInput } from './internal/audio-frame.js';
import { base64DecodedLength, bytesToBase64 } from './internal/base64.js';
import { OPEN, StreamConnection } from './internal/connection.js';
import { createMessageIterator } from './internal/message-iterator.js';

export type * from './client-types.js';

/** Connects to a session's stream. Returns at once; await `ready` for `session.ready`. */
export function connectStream(options: ConnectStreamOptions): StreamClient {
  return new Stream(options);
}

class Stream extends StreamConnection implements StreamClient {
  // ---------- outbound ----------

  private writeNow(msg: ClientMessage): void {
    this.writeRaw(JSON.stringify(msg));
  }

  private enqueue(data: string, audioBytes: number, sequence?: number): void {
    const limitMs = this.reconnect ? this.reconnect.maxBufferedAudioMs : 10_000;
    const dropped = this.queue.push(data, audioBytes, sequence, limitMs);
    if (dropped) this.events.emit('error', new StreamError('audio_dropped', `Audio buffer over ${limitMs} ms while disconnected; dropped ${dropped.length} oldest frame(s)`, { sequences: dropped, limitMs }));
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
    return createMessageIterator({
      closed: this._state === 'closed',
      closeError: this.closeError,
      limit: this.maxBufferedMessages,
      add: (e) => this.iterators.add(e),
      remove: (e) => this.iterators.delete(e),
      warn: (w) => this.events.emit('warning', w),
    });
  }
}
