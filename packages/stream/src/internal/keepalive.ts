// Keepalive: ping when either direction has been quiet for `intervalMs` (quiet inbound means we cannot tell the
// server is alive; quiet outbound means the server's idle timeout, 4008, would close us), and give up on the
// socket when no pong follows within `timeoutMs`. One outstanding ping at a time.
import type { KeepaliveOptions, WebSocketLike } from '../client-types.js';

const OPEN = 1;

export interface KeepaliveHooks {
  /** The current socket. */
  socket(): WebSocketLike | undefined;
  ping(): void;
  /** No pong for the ping sent at `pingSentAt` on `ws`. */
  timedOut(ws: WebSocketLike, pingSentAt: number): void;
}

export class Keepalive {
  /** Date.now() of the last frame received / sent. */
  lastIn = 0;
  lastOut = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly options: Required<KeepaliveOptions> | false,
    private readonly hooks: KeepaliveHooks,
  ) {}

  /** A socket opened: start watching it. */
  arm(): void {
    if (!this.options) return;
    this.lastIn = this.lastOut = Date.now();
    this.schedule(this.options.intervalMs);
  }

  /** A pong arrived. */
  pong(): void {
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  stop(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.pongTimer);
    this.idleTimer = this.pongTimer = undefined;
  }

  private schedule(delay: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.tick(), Math.max(1, delay));
  }

  private tick(): void {
    const ka = this.options;
    const ws = this.hooks.socket();
    if (!ka || !ws || ws.readyState !== OPEN) return;
    const now = Date.now();
    const quietSince = Math.min(this.lastIn, this.lastOut);
    if (now - quietSince < ka.intervalMs) {
      this.schedule(ka.intervalMs - (now - quietSince));
      return;
    }
    this.hooks.ping();
    this.schedule(ka.intervalMs);
    if (this.pongTimer) return; // one outstanding ping at a time
    this.pongTimer = setTimeout(() => {
      this.pongTimer = undefined;
      if (this.hooks.socket() === ws) this.hooks.timedOut(ws, now);
    }, ka.timeoutMs);
  }
}
