// Two bounds on what one connection may cost: the answers to invalid frames (a token bucket, past it 4029) and
// the outbound buffer of a client that does not read (past the cap, 1013 and then a cut).

// Invalid client frames answered per connection: a burst, then a steady rate; past that the socket gets 4029.
export const INVALID_FRAME_BURST = 256;
export const INVALID_FRAME_RATE = 64;
export const MAX_BUFFERED_BYTES = 1024 * 1024;
// A socket over its outbound cap gets this long to take the 1013 close frame before it is cut.
export const BACKPRESSURE_GRACE_MS = 5000;

/** Token bucket over the `session.error` replies of one connection. */
export class ErrorBudget {
  private tokens = INVALID_FRAME_BURST;
  private at: number;

  constructor(private readonly now: () => number) {
    this.at = now();
  }

  /** True when one more error may be answered; false when the client is over the rate. */
  spend(): boolean {
    const now = this.now();
    this.tokens = Math.min(INVALID_FRAME_BURST, this.tokens + ((now - this.at) / 1000) * INVALID_FRAME_RATE);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

/** True when the transport holds more unsent bytes than `max` (the client is not reading). */
export function overBuffered(port: { readonly bufferedAmount?: number }, max: number): boolean {
  return (port.bufferedAmount ?? 0) > max;
}
