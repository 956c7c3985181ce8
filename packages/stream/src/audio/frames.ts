// Splits audio into fixed-duration frames (default 20 ms of 8 kHz μ-law = 160 bytes).

export interface FrameOptions {
  /** Frame duration in milliseconds. Default 20. */
  ms?: number;
  /** Samples per second. Default 8000. */
  sampleRate?: number;
  /** Bytes per sample: 1 for μ-law (default). */
  bytesPerSample?: number;
}

/** Bytes in one frame for the given options (20 ms of 8 kHz μ-law → 160). */
export function frameSize(options: FrameOptions = {}): number {
  const { ms = 20, sampleRate = 8000, bytesPerSample = 1 } = options;
  const samples = Math.round((ms * sampleRate) / 1000);
  if (!(samples > 0)) throw new RangeError(`frameSize: ${ms} ms at ${sampleRate} Hz is less than one sample`);
  return samples * bytesPerSample;
}

/** Yields consecutive frames as views into `audio`; the last one may be shorter. */
export function* chunkFrames(audio: Uint8Array, options: FrameOptions = {}): Generator<Uint8Array> {
  const size = frameSize(options);
  for (let i = 0; i < audio.length; i += size) yield audio.subarray(i, Math.min(i + size, audio.length));
}

/** Stateful chunker for audio that arrives in arbitrary pieces (e.g. from a microphone or a file stream). */
export class FrameChunker {
  readonly frameBytes: number;
  private pending: Uint8Array;
  private filled = 0;

  constructor(options: FrameOptions = {}) {
    this.frameBytes = frameSize(options);
    this.pending = new Uint8Array(this.frameBytes);
  }

  /** Adds bytes and returns every frame that is now complete (copies, safe to keep). */
  push(bytes: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      const take = Math.min(this.frameBytes - this.filled, bytes.length - offset);
      this.pending.set(bytes.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.frameBytes) {
        frames.push(this.pending);
        this.pending = new Uint8Array(this.frameBytes);
        this.filled = 0;
      }
    }
    return frames;
  }

  /** Returns the incomplete tail (possibly empty) and resets. */
  flush(): Uint8Array {
    const tail = this.pending.slice(0, this.filled);
    this.filled = 0;
    return tail;
  }
}
