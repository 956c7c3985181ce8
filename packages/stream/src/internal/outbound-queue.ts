// Frames written while the socket cannot take them (connecting, reconnecting, before session.ready): kept in
// order and sent on the next session.ready. Audio is capped in milliseconds; past the cap the oldest goes.

/** A serialized frame waiting for the socket; `sequence` is set for audio. */
type Outbound = { data: string; audioBytes: number; sequence?: number };

export const AUDIO_BYTES_PER_MS = 8; // 8 kHz, one byte per μ-law sample

export class OutboundQueue {
  private items: Outbound[] = [];
  private audioBytes = 0;

  get length(): number {
    return this.items.length;
  }

  /** Queue a frame. Past `limitMs` of audio the oldest audio frames are dropped: returns their sequences. */
  push(data: string, audioBytes: number, sequence: number | undefined, limitMs: number): number[] | undefined {
    this.items.push(sequence === undefined ? { data, audioBytes } : { data, audioBytes, sequence });
    this.audioBytes += audioBytes;
    const limit = limitMs * AUDIO_BYTES_PER_MS;
    if (this.audioBytes <= limit) return undefined;
    const dropped: number[] = [];
    while (this.audioBytes > limit) {
      const i = this.items.findIndex((o) => o.sequence !== undefined);
      if (i < 0) break;
      const [o] = this.items.splice(i, 1);
      this.audioBytes -= o!.audioBytes;
      dropped.push(o!.sequence!);
    }
    return dropped;
  }

  /** Write queued frames, oldest first, while `canWrite()`. */
  flush(canWrite: () => boolean, write: (data: string) => void): void {
    while (this.items.length && canWrite()) {
      const o = this.items.shift()!;
      this.audioBytes -= o.audioBytes;
      write(o.data);
    }
  }

  /** Empty the queue; returns the sequences of the audio frames that were never sent. */
  clear(): number[] {
    const lost = this.items.filter((o) => o.sequence !== undefined).map((o) => o.sequence!);
    this.items = [];
    this.audioBytes = 0;
    return lost;
  }
}
