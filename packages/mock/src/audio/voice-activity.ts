// Voice activity over a μ-law stream: turns what a client sends into voiced segments with audio-time bounds, so
// the sandbox's transcript turns follow the caller's speech (silence, constant bytes and very quiet audio give
// none). Pure: bytes in, segment events out; time is audio time (bytes ÷ 8 per ms), never a clock.
//
// A 20 ms frame counts as voiced when the WebRTC detector says so AND its level (DC removed) reaches
// `minLevelDbfs`. A segment starts once `onsetFrames` of the last `onsetWindow` frames are voiced (a lone click or
// the detector's first frames on a DC step do not start one) and ends after `hangoverMs` without a voiced frame.
import { decodeMulaw } from '@kallglot/stream/audio';
import { VAD_FRAME_SAMPLES, type FrameClassifier } from './fvad.js';

/** Frame length in ms (20 ms at 8 kHz). */
export const VAD_FRAME_MS = 20;

export interface VoiceActivityOptions {
  /** Voiced frames needed in the onset window to start a segment (default 6). */
  onsetFrames?: number;
  /** Frames in the onset window (default 10, 200 ms). */
  onsetWindow?: number;
  /** Unvoiced audio that ends a segment, in ms (default 500). */
  hangoverMs?: number;
  /** Level below which a frame is silence whatever the detector says, in dBFS (default -50). */
  minLevelDbfs?: number;
}

export const VOICE_ACTIVITY_DEFAULTS: Required<VoiceActivityOptions> = { onsetFrames: 6, onsetWindow: 10, hangoverMs: 500, minLevelDbfs: -50 };

export type VoiceEvent =
  | { type: 'start'; startMs: number; atMs: number }
  | { type: 'end'; startMs: number; endMs: number; atMs: number };

/** Level of a frame with its DC offset removed, in dBFS (-Infinity for a constant frame). */
export function frameLevelDbfs(pcm: Int16Array): number {
  // One pass (indexed loops: this runs for every 20 ms frame of every stream): variance = E[x²] - E[x]².
  const n = pcm.length;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = pcm[i]!;
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  const rms = Math.sqrt(Math.max(0, sq / n - mean * mean));
  return rms === 0 ? -Infinity : 20 * Math.log10(rms / 32768);
}

export class VoiceActivity {
  private readonly opts: Required<VoiceActivityOptions>;
  private readonly pending = new Uint8Array(VAD_FRAME_SAMPLES);
  /** The pending frame decoded (reused: this runs for every 20 ms of every stream). */
  private readonly pcm = new Int16Array(VAD_FRAME_SAMPLES);
  private pendingLength = 0;
  private frames = 0;
  private readonly window: boolean[] = [];
  /** Voiced frames in `window` (kept, not counted per frame: this runs for every 20 ms of every stream). */
  private voicedInWindow = 0;
  private segmentStart: number | undefined;
  private lastVoicedEnd = 0;

  constructor(private readonly classifier: FrameClassifier, options: VoiceActivityOptions = {}) {
    this.opts = { ...VOICE_ACTIVITY_DEFAULTS, ...options };
  }

  /** Audio received so far, in ms. */
  get audioMs(): number {
    return (this.frames * VAD_FRAME_SAMPLES + this.pendingLength) / 8;
  }

  /** Start of the open segment in audio ms, or undefined between segments. */
  get openSegmentStartMs(): number | undefined {
    return this.segmentStart;
  }

  /** Feeds μ-law bytes; returns the segment events they complete, in order. */
  push(mulaw: Uint8Array): VoiceEvent[] {
    const events: VoiceEvent[] = [];
    let offset = 0;
    while (offset < mulaw.length) {
      const take = Math.min(VAD_FRAME_SAMPLES - this.pendingLength, mulaw.length - offset);
      this.pending.set(mulaw.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength === VAD_FRAME_SAMPLES) {
        this.pendingLength = 0;
        const event = this.frame(decodeMulaw(this.pending, this.pcm));
        if (event) events.push(event);
      }
    }
    return events;
  }

  /** Ends the stream: an open segment ends at its last voiced frame. */
  finish(): VoiceEvent[] {
    if (this.segmentStart === undefined) return [];
    const event: VoiceEvent = { type: 'end', startMs: this.segmentStart, endMs: this.lastVoicedEnd, atMs: this.audioMs };
    this.segmentStart = undefined;
    return [event];
  }

  dispose(): void {
    this.classifier.dispose();
  }

  private frame(pcm: Int16Array): VoiceEvent | undefined {
    const index = this.frames++;
    const voiced = frameLevelDbfs(pcm) >= this.opts.minLevelDbfs && this.classifier.isVoiced(pcm);
    const endMs = (index + 1) * VAD_FRAME_MS;
    this.window.push(voiced);
    if (voiced) this.voicedInWindow++;
    if (this.window.length > this.opts.onsetWindow && this.window.shift()) this.voicedInWindow--;
    if (voiced) this.lastVoicedEnd = endMs;
    if (this.segmentStart === undefined) {
      if (this.voicedInWindow < this.opts.onsetFrames) return undefined;
      const firstVoiced = this.window.indexOf(true);
      this.segmentStart = (index + 1 - this.window.length + firstVoiced) * VAD_FRAME_MS;
      return { type: 'start', startMs: this.segmentStart, atMs: endMs };
    }
    if (endMs - this.lastVoicedEnd < this.opts.hangoverMs) return undefined;
    const event: VoiceEvent = { type: 'end', startMs: this.segmentStart, endMs: this.lastVoicedEnd, atMs: endMs };
    this.segmentStart = undefined;
    this.window.length = 0;
    this.voicedInWindow = 0;
    return event;
  }
}
