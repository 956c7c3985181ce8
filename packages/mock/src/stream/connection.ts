// One admitted connection, with no socket: frames in through onText/onBinary/onPing, frames and close codes out
// through its StreamPort. Faults (latency, drops, closes, malformed frames, idle timeout) and the bounds of
// backpressure.ts apply here; transcripts come from pacing.ts, client frames are read by validation.ts.
import type { JsonObject } from '../internal/schema.js';
import type { MockSession, SessionRegistry } from '../registry.js';
import type { FaultSpec, Scenario } from '../scenario.js';
import { BACKPRESSURE_GRACE_MS, ErrorBudget, INVALID_FRAME_RATE, overBuffered } from './backpressure.js';
import { nowIso, type FrameShaper } from './frames.js';
import { TranscriptPacer, type PacedFinal, type PacedPartial } from './pacing.js';
import type { StreamConnection, StreamPort, StreamStats, StreamTimers } from './types.js';
import { readClientFrame } from './validation.js';

/** What every connection of one protocol shares. */
export interface ConnectionContext {
  registry: SessionRegistry;
  frames: FrameShaper;
  stats: StreamStats;
  /** Open connections per session, so a session ended over REST closes its sockets. */
  live: Map<string, Set<StreamConnection>>;
  timers: StreamTimers;
  /** Outbound buffer cap (bytes). */
  maxBuffered: number;
  /** The document accepts a bare `{"type":"ping"}`, so the adapter may recognise it byte for byte. */
  fastPing: boolean;
  log(line: string): void;
}

const encoder = new TextEncoder();

export class Connection implements StreamConnection {
  private framesOut = 0;
  private framesQueued = 0;
  private ended = false;
  private closed = false;
  private limited = false;
  /** Pending timers of this connection; each removes itself when it fires, all are cleared on close. */
  private readonly timers = new Set<unknown>();
  private readonly budget: ErrorBudget;
  private readonly pacer: TranscriptPacer;
  private idleTimer: unknown;
  /** now() of the last client frame: one timer checks it, instead of re-arming a timer per frame. */
  private lastIn = 0;
  private readonly idleMs: number;
  private readonly onIdleTimer = () => this.guard(() => this.checkIdle());
  private readonly pong: string;
  private readonly pongBytes: Uint8Array;
  private readonly connectedAt = Date.now();
  readonly fastPing: boolean;

  constructor(
    private readonly ctx: ConnectionContext,
    private readonly port: StreamPort,
    private readonly sessionId: string,
    private readonly session: MockSession | undefined,
    scenario: Scenario,
    private readonly faults: FaultSpec,
  ) {
    this.fastPing = ctx.fastPing;
    this.budget = new ErrorBudget(ctx.timers.now);
    // The pong never changes for a connection: serialise once (keeps the echo path as cheap as bare ws).
    const pong = ctx.frames.shape('pong', { session_id: sessionId });
    if (ctx.frames.selfCheck) ctx.frames.check(pong);
    this.pong = JSON.stringify(pong);
    this.pongBytes = encoder.encode(this.pong);
    this.idleMs = faults.idle_timeout_ms ?? 0;
    // The session's languages win; a scenario's defaults apply when the session set none.
    const own = !!(session?.sourceLanguage || session?.targetLanguage);
    const source = own ? (session!.sourceLanguage ?? null) : (scenario.default_languages?.source_language ?? null);
    const target = own ? (session!.targetLanguage ?? null) : (scenario.default_languages?.target_language ?? null);
    this.pacer = new TranscriptPacer(scenario, source, target);
  }

  /** Register, arm the fault and idle timers, and send `session.ready`. */
  start(): void {
    let set = this.ctx.live.get(this.sessionId);
    if (!set) this.ctx.live.set(this.sessionId, (set = new Set()));
    set.add(this);
    const f = this.faults;
    if (f.drop_after_ms !== undefined) this.later(f.drop_after_ms, () => this.drop());
    if (f.close_code !== undefined && f.close_after_frames === undefined) this.later(f.close_after_ms ?? 0, () => this.closeWith(f.close_code!, 'fault'));
    if (this.idleMs) {
      this.lastIn = this.ctx.timers.now();
      this.idleTimer = this.ctx.timers.set(this.onIdleTimer, this.idleMs);
    }
    if (this.session) this.ctx.registry.markActive(this.sessionId);
    this.send(this.ctx.frames.shape('session.ready', { session_id: this.sessionId, created_at: nowIso(), timestamp: nowIso() }));
  }

  private code(name: string, fallback: number): number {
    return this.ctx.frames.closeCode(name, fallback);
  }

  private later(ms: number, fn: () => void): void {
    const t = this.ctx.timers.set(() => {
      this.timers.delete(t);
      this.guard(fn);
    }, ms);
    this.timers.add(t);
  }

  /** Run a handler; a bug in it closes this connection with 1011 and is logged, never thrown at the transport. */
  guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.ctx.log(`session ${this.sessionId}: handler failed: ${(e as Error).stack ?? String(e)}`);
      if (this.closed) return;
      this.closed = true;
      try {
        this.port.close(this.code('internal_error', 1011), 'internal_error');
      } catch {
        this.port.terminate();
      }
    }
  }

  /** A client over INVALID_FRAME_RATE invalid frames/s (after a burst) is closed with 4029 instead of answered. */
  private spendErrorBudget(): boolean {
    if (this.budget.spend()) return true;
    if (!this.closed && !this.limited) {
      this.limited = true;
      this.ctx.log(`session ${this.sessionId}: over ${INVALID_FRAME_RATE} invalid frames/s; closing with ${this.code('rate_limited', 4029)}`);
      this.closeWith(this.code('rate_limited', 4029), 'rate_limited');
    }
    return false;
  }

  /** The client is not reading: stop sending, close with 1013, and cut the socket if even that is not read. */
  private overflow(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.log(`session ${this.sessionId}: outbound buffer over ${this.ctx.maxBuffered} bytes (${this.port.bufferedAmount} queued); closing with ${this.code('try_again_later', 1013)}`);
    this.port.close(this.code('try_again_later', 1013), 'try_again_later');
    this.later(BACKPRESSURE_GRACE_MS, () => this.port.terminate());
  }

  /** Close after idleMs of client silence; if a frame arrived meanwhile, sleep for the rest of the window. */
  private checkIdle(): void {
    this.idleTimer = undefined;
    if (this.closed) return;
    const left = this.idleMs - (this.ctx.timers.now() - this.lastIn);
    if (left > 0) this.idleTimer = this.ctx.timers.set(this.onIdleTimer, Math.ceil(left));
    else this.closeWith(this.code('keepalive_timeout', 4008), 'keepalive_timeout');
  }

  /** The session ended elsewhere (REST `POST …/end`): tell the client, then close normally. */
  endedElsewhere(reason: string): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.sendEnded(reason);
    this.closeWith(this.code('normal_closure', 1000), 'normal_closure');
  }

  /** The transport closed (either side): forget the connection and its timers. */
  onClose(): void {
    const set = this.ctx.live.get(this.sessionId);
    set?.delete(this);
    if (set?.size === 0) this.ctx.live.delete(this.sessionId);
    this.closed = true;
    for (const t of this.timers) this.ctx.timers.clear(t);
    this.timers.clear();
    if (this.idleTimer !== undefined) this.ctx.timers.clear(this.idleTimer);
  }

  /** Server shutdown: 1001 going_away tells clients to reconnect with backoff. */
  goAway(): void {
    this.closeWith(this.code('going_away', 1001), 'going_away');
  }

  private sendEnded(reason: string): void {
    const duration = Math.round((Date.now() - this.connectedAt) / 100) / 10;
    this.send(this.ctx.frames.shape('session.ended', { session_id: this.sessionId, reason, ended_at: nowIso(), timestamp: nowIso(), duration_seconds: duration }));
  }

  private drop(): void {
    if (!this.closed) this.port.terminate();
    this.closed = true;
  }

  private closeWith(c: number, reason: string): void {
    if (this.closed) return;
    const doIt = () => {
      if (this.closed) return;
      this.closed = true;
      this.port.close(c, reason);
    };
    if (this.faults.latency_ms) this.later(this.faults.latency_ms, doIt);
    else doIt();
  }

  private sendRaw(text: string, type: string): void {
    const f = this.faults;
    this.framesQueued++;
    if (f.malformed_every && this.framesQueued % f.malformed_every === 0) {
      // Alternate between broken JSON and a frame that parses but violates its schema.
      text = (this.framesQueued / f.malformed_every) % 2 === 1 ? `{"type":"${type}",` : JSON.stringify({ ...(JSON.parse(text) as JsonObject), type: 42 });
    }
    if (f.latency_ms) this.later(f.latency_ms, () => this.transmit(text));
    else this.transmit(text);
  }

  private transmit(data: string | Uint8Array): void {
    if (this.closed || !this.port.open) return;
    if (overBuffered(this.port, this.ctx.maxBuffered)) return this.overflow();
    this.port.send(data);
    this.ctx.stats.framesOut++;
    this.framesOut++;
    const f = this.faults;
    if (f.drop_after_frames !== undefined && this.framesOut >= f.drop_after_frames) this.drop();
    else if (f.close_code !== undefined && f.close_after_frames !== undefined && this.framesOut >= f.close_after_frames) {
      this.closed = true;
      this.port.close(f.close_code, 'fault');
    }
  }

  private send(frame: JsonObject): void {
    if (this.ctx.frames.selfCheck) this.ctx.frames.check(frame);
    this.sendRaw(JSON.stringify(frame), String(frame.type));
  }

  /** A frame arrived (counted before any parsing); false when the connection no longer takes frames. */
  private arrived(): boolean {
    this.ctx.stats.framesIn++;
    if (this.idleMs) this.lastIn = this.ctx.timers.now();
    return !(this.ended || this.closed);
  }

  /** The canonical ping, recognised by the adapter byte for byte. */
  onPing(): void {
    this.guard(() => {
      if (this.arrived()) this.sendPong();
    });
  }

  private sendPong(): void {
    if (this.faults.malformed_every || this.faults.latency_ms) this.sendRaw(this.pong, 'pong');
    else this.transmit(this.pongBytes);
  }

  onBinary(): void {
    if (!this.arrived()) return;
    this.error(this.ctx.frames.errorCode(['unsupported_frame', 'invalid_message']), 'Binary frames are not supported: send JSON text frames.');
  }

  private error(codeName: string, message: string, param?: string): void {
    if (!this.spendErrorBudget()) return;
    this.send(this.ctx.frames.shape('session.error', { session_id: this.sessionId, code: codeName, message, param, error: { code: codeName, message }, timestamp: nowIso() }));
  }

  onText(text: string): void {
    this.guard(() => this.text(text));
  }

  private text(text: string): void {
    if (!this.arrived()) return;
    const frame = readClientFrame(text);
    if (!frame.ok) return this.error(this.ctx.frames.errorCode(frame.prefs), frame.message, frame.param);
    if (frame.type === 'ping') return this.sendPong();
    if (frame.type === 'session.end') {
      this.ended = true;
      this.sendEnded('explicit_end');
      this.ctx.registry.endSession(this.sessionId, 'explicit_end');
      return this.closeWith(this.code('normal_closure', 1000), 'normal_closure');
    }
    // The audio is kept for the session's recording.
    if (this.session) this.ctx.registry.audio(this.sessionId, frame.payload);
    this.pacer.receive(frame.bytes, frame.speaker, this.onPaced);
  }

  private readonly onPaced = (p: PacedPartial | PacedFinal): void => {
    const { speaker, text, language, segment } = p;
    const timestamp = nowIso();
    if (p.kind === 'partial') {
      this.send(this.ctx.frames.shape('transcript.partial', { session_id: this.sessionId, speaker, text, language, segment_id: `seg_${segment}`, sequence: segment, timestamp }));
      return;
    }
    const translation = p.translation;
    this.send(this.ctx.frames.shape('transcript.final', { session_id: this.sessionId, speaker, text, language, segment_id: `seg_${segment}`, sequence: segment, translation, timestamp }));
    // Every final the client received becomes a transcript turn.
    if (this.session) this.ctx.registry.final(this.sessionId, { sequence: segment, speaker, language, text, translation, timestamp });
  };
}
