// Strict mode's record of what the client did differently from the cassette. Bounded; the first difference is
// what a CI prints. Checks that finish later (audio hashes) are tracked so `settled()` waits for them.

export type DifferenceKind = 'request' | 'extra-request' | 'missing-request' | 'frame' | 'extra-frame' | 'missing-frames' | 'stream';

export interface Difference {
  kind: DifferenceKind;
  /** What differs, naming the recorded request or frame and both values. */
  message: string;
}

export class StrictLog {
  private readonly list: Difference[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private dropped = 0;

  /** `onReport` sees every difference as it happens (the CLI prints it at once). */
  constructor(private readonly cap = 100, private readonly onReport?: (d: Difference) => void) {}

  report(d: Difference): void {
    this.onReport?.(d);
    if (this.list.length < this.cap) this.list.push(d);
    else this.dropped++;
  }

  track(p: Promise<unknown>): void {
    const done = p.finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Resolves once every tracked check has finished. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  first(): Difference | undefined {
    return this.list[0];
  }

  all(): { differences: Difference[]; dropped: number } {
    return { differences: [...this.list], dropped: this.dropped };
  }
}
