// Stream replay with no socket: a connection is matched to a recorded one (path in order, token = the cassette's
// placeholder); each recorded server frame is sent at its recorded delay after the frame it answered (the last
// client frame before it, or the open), scaled by `timeScale`, never out of order. Time comes from an injected
// scheduler, so tests drive it by hand. Strict mode compares every client frame with the recorded one.
// Keepalive is live, not replayed: a client `ping` gets a `pong` at once (the recorded pong's bytes when there is
// one), and recorded pings and pongs are left out of the timeline, since their moments depend on the client's timer.
import type { Cassette, RecordedSocket, RecordedWebhook } from './cassette.js';
import { checkClientFrame, countAudio, describeFrame, frameType } from './frames.js';
import type { StrictLog } from './strict.js';

export interface ReplayScheduler {
  /** Ms, any origin. */
  now(): number;
  /** Runs `run` after `delayMs`; the returned function cancels it. */
  setTimer(delayMs: number, run: () => void): () => void;
}

/** The transport's side of one connection: what the replay sends and when it closes. */
export interface StreamPort {
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface StreamReplayOptions {
  scheduler: ReplayScheduler;
  /** Recorded delays are multiplied by this (0.5 = twice as fast). Default 1. */
  timeScale?: number;
  /** When set, client frames are compared with the recording; a difference closes the stream with 1008. */
  strict?: StrictLog;
  /** Called when a server frame that a webhook delivery followed in the recording has been sent. */
  onWebhook?: (webhook: RecordedWebhook, delayMs: number) => void;
}

export interface StreamConnection {
  /** The recorded connection this one replays (index into `cassette.sockets`). */
  readonly recorded: number;
  onClientFrame(data: string | Uint8Array): void;
  /** The client closed (or the transport dropped): pending frames are cancelled; strict mode checks for missing frames. */
  onClientClose(): void;
}

export interface StreamRefusal {
  refused: true;
  /** WebSocket close code and reason, as the sandbox's stream uses them. */
  code: number;
  reason: 'session_not_found' | 'token_invalid';
  message: string;
}

export interface StreamReplayer {
  connect(url: { path: string; token: string | null }, port: StreamPort): StreamConnection | StreamRefusal;
}

export function createStreamReplayer(cassette: Cassette, options: StreamReplayOptions): StreamReplayer {
  const used = new Set<number>();
  return {
    connect({ path, token }, port) {
      const candidates = cassette.sockets.filter((s) => s.path === path);
      const socket = candidates.find((s) => !used.has(s.index)) ?? candidates[candidates.length - 1];
      if (!socket) {
        const known = cassette.sockets.map((s) => s.path).join(', ') || 'none';
        return { refused: true, code: 4004, reason: 'session_not_found', message: `The cassette holds no stream for ${path}. Recorded streams: ${known}.` };
      }
      if (socket.token !== null && token !== socket.token) {
        return { refused: true, code: 4001, reason: 'token_invalid', message: `The replayed stream takes the cassette's token ${socket.token} (the one the replayed session answer carries), not ${token ?? 'none'}.` };
      }
      used.add(socket.index);
      return new Replay(cassette, withoutKeepalive(socket), port, options);
    },
  };
}

interface Timeline extends RecordedSocket {
  pong: string;
}

function withoutKeepalive(socket: RecordedSocket): Timeline {
  const session = /\/sessions\/([^/]+)\/connect$/.exec(socket.path)?.[1] ?? '';
  const recordedPong = socket.frames.find((f) => f.direction === 'receive' && isKeepalive(f.data, 'pong'));
  const frames = socket.frames.filter((f) => !isKeepalive(f.data, f.direction === 'send' ? 'ping' : 'pong'));
  return { ...socket, frames, pong: recordedPong?.data ?? JSON.stringify({ type: 'pong', session_id: session }) };
}

/** Pings and pongs are small: longer frames (audio) are not parsed to find out. */
function isKeepalive(data: string, type: 'ping' | 'pong'): boolean {
  return data.length < 512 && frameType(data) === type;
}

class Replay implements StreamConnection {
  readonly recorded: number;
  private readonly scale: number;
  /** Recorded frame indexes of client frames, in order. */
  private readonly clientFrames: number[];
  private received = 0;
  private lastDue: number;
  /** Pending sends by their cancel function, in due order, with the recorded frame index each one sends. */
  private readonly timers = new Map<() => void, { index: number; run: () => void }>();
  private ended = false;

  constructor(
    private readonly cassette: Cassette,
    private readonly socket: Timeline,
    private readonly port: StreamPort,
    private readonly o: StreamReplayOptions,
  ) {
    this.recorded = socket.index;
    this.scale = o.timeScale ?? 1;
    this.clientFrames = socket.frames.flatMap((f, i) => (f.direction === 'send' ? [i] : []));
    this.lastDue = o.scheduler.now();
    this.scheduleAfter(-1, o.scheduler.now());
  }

  onClientFrame(data: string | Uint8Array): void {
    if (this.ended) return;
    if (typeof data === 'string' && isKeepalive(data, 'ping')) return this.port.send(this.socket.pong);
    const k = this.received++;
    const at = this.o.scheduler.now();
    const recordedIndex = this.clientFrames[k];
    if (this.o.strict) this.check(k, recordedIndex, data);
    if (recordedIndex !== undefined) this.scheduleAfter(recordedIndex, at);
  }

  onClientClose(): void {
    if (this.ended) return;
    this.checkMissing();
    this.stop();
  }

  /** Schedules the server frames (and the close) whose last client frame in the recording was `anchor` (-1: the open). */
  private scheduleAfter(anchor: number, anchorAt: number): void {
    const frames = this.socket.frames;
    const anchorOffset = anchor === -1 ? 0 : frames[anchor]!.offsetMs;
    for (let i = anchor + 1; i < frames.length && frames[i]!.direction === 'receive'; i++) {
      const f = frames[i]!;
      this.at(i, anchorAt + (f.offsetMs - anchorOffset) * this.scale, () => this.sendRecorded(i));
    }
    const close = this.socket.close;
    const lastClient = this.clientFrames[this.clientFrames.length - 1] ?? -1;
    if (close && anchor === lastClient) {
      this.at(frames.length, anchorAt + Math.max(0, close.offsetMs - anchorOffset) * this.scale, () => {
        this.checkMissing();
        this.stop();
        this.port.close(close.code, close.reason);
      });
    }
  }

  /** Never earlier than a frame scheduled before it: recorded order is kept even if the client runs fast. */
  private at(index: number, due: number, run: () => void): void {
    this.lastDue = Math.max(this.lastDue, due);
    const cancel = this.o.scheduler.setTimer(Math.max(0, this.lastDue - this.o.scheduler.now()), () => {
      this.timers.delete(cancel);
      if (!this.ended) run();
    });
    this.timers.set(cancel, { index, run });
  }

  /** Sends now, in order, the pending server frames the recording sent before frame `index`. */
  private flushBefore(index: number): void {
    for (const [cancel, t] of this.timers) {
      if (t.index >= index) break; // due order is recorded order
      cancel();
      this.timers.delete(cancel);
      t.run();
    }
  }

  private sendRecorded(i: number): void {
    const f = this.socket.frames[i]!;
    this.port.send(f.opcode === 2 ? Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0)) : f.data);
    if (!this.o.onWebhook) return;
    for (const w of this.cassette.webhooks) {
      if (w.anchor.kind === 'frame' && w.anchor.socket === this.socket.index && w.anchor.frame === i) this.o.onWebhook(w, w.delayMs * this.scale);
    }
  }

  private check(k: number, recordedIndex: number | undefined, data: string | Uint8Array): void {
    const strict = this.o.strict!;
    if (recordedIndex === undefined) {
      this.fail(this.socket.frames.length, { kind: 'extra-frame', message: `Stream ${this.socket.path}: the client sent frame ${k + 1} (${describeFrame(data)}); the recording has only ${this.clientFrames.length} client frames.` });
      return;
    }
    const recorded = this.socket.frames[recordedIndex]!;
    const verdict = checkClientFrame(recorded, data);
    const report = (why: string | undefined) => {
      if (why) this.fail(recordedIndex, { kind: 'frame', message: `Stream ${this.socket.path}: client frame ${k + 1} (${describeFrame(recorded.data)}) ${why}.` });
    };
    if (typeof verdict === 'string' || verdict === undefined) report(verdict);
    else strict.track(verdict.then(report));
  }

  private checkMissing(): void {
    if (!this.o.strict || this.received >= this.clientFrames.length) return;
    const rest = this.clientFrames.slice(this.received).map((i) => this.socket.frames[i]!);
    const sentAudio = countAudio(this.clientFrames.slice(0, this.received).map((i) => this.socket.frames[i]!));
    const recordedAudio = sentAudio + countAudio(rest);
    const audio = recordedAudio > sentAudio ? ` (${sentAudio} of ${recordedAudio} audio.input frames)` : '';
    this.o.strict.report({
      kind: 'missing-frames',
      message: `Stream ${this.socket.path}: the client sent ${this.received} frames, the recording has ${this.clientFrames.length}${audio}; the first missing one is ${describeFrame(rest[0]!.data)}.`,
    });
  }

  /** A difference at recorded frame `index`: what the recording sent before it still goes out, then 1008. */
  private fail(index: number, d: { kind: 'frame' | 'extra-frame'; message: string }): void {
    this.o.strict?.report(d);
    if (this.ended) return;
    this.flushBefore(index);
    this.stop();
    this.port.close(1008, 'replay_mismatch');
  }

  private stop(): void {
    this.ended = true;
    for (const cancel of this.timers.keys()) cancel();
    this.timers.clear();
  }
}
