// Checks that what a client sends as `audio.input` is what the API takes (8 kHz mono μ-law, sent in real time) and
// names the problem when it is not. Pure: payload bytes and the arrival time (from an injected monotonic clock in
// ms, real time in the mock so a frozen virtual clock cannot fake a rate) in, diagnostics out. Each code is
// reported once per stream, so a session holds at most four.
//
// Thresholds (documented in the mock README, none fires on the bundled sample or on 8 kHz μ-law speech):
// - wav_header: a payload that starts with a RIFF/WAVE header (a .wav file sent without decoding).
// - too_fast: more than 3× real time, after 2 s of audio and a 2 s allowance for buffering.
//   A 44.1 kHz 16-bit stereo stream sent as μ-law is 22× the bytes.
// - pcm16_bytes: in 3 blocks of 1,600 bytes (the first 200 blocks with sound are checked), the bytes read as
//   16-bit little-endian samples are a smooth signal (lag-1 autocorrelation over 0.45) and read as μ-law they are
//   not (at least 0.5 lower). Real μ-law speech is the other way round; noise is neither.
// - frame_duration (a note, never an error: carriers send 20 ms): 5 frames in a row under 10 ms, or one over 1 s.

import { decodeMulaw } from '@kallglot/stream/audio';

export type AudioDiagnosticCode = 'wav_header' | 'too_fast' | 'pcm16_bytes' | 'frame_duration';

export interface AudioDiagnostic {
  code: AudioDiagnosticCode;
  /** True for the problems `--strict-audio` answers with `session.error` `invalid_audio_format`. */
  fatal: boolean;
  message: string;
  /** The client's `sequence` of the frame that showed it, when it had one. */
  sequence?: number;
  /** Audio received when it showed, in ms. */
  audio_ms: number;
}

export const AUDIO_CHECKS = {
  tooFastFactor: 3,
  tooFastAfterAudioMs: 2000,
  tooFastAllowanceMs: 2000,
  pcm16BlockBytes: 1600,
  pcm16Blocks: 3,
  pcm16MaxBlocks: 200,
  pcm16MinSmoothness: 0.45,
  pcm16Gap: 0.5,
  tinyFrameMs: 10,
  tinyFramesInARow: 5,
  hugeFrameMs: 1000,
} as const;

const MESSAGES: Record<AudioDiagnosticCode, string> = {
  wav_header: 'audio.input payload starts with a RIFF/WAVE header: send the raw samples, not a .wav file (decode it with wavToMulaw8k from @kallglot/stream).',
  too_fast: 'audio is arriving faster than real time for 8 kHz μ-law: send about 100–200 ms of audio every 100–200 ms. If you paced it, the audio is not 8 kHz μ-law (44.1 kHz or 16-bit audio is 2–22× the bytes): convert it with wavToMulaw8k or encodeMulaw + resampleTo8k.',
  pcm16_bytes: 'audio.input bytes look like 16-bit PCM, not μ-law: encode each sample with encodeMulaw from @kallglot/stream before sending.',
  frame_duration: 'audio.input frames are far from the documented 100–200 ms (20 ms carrier frames are fine): send 100–200 ms per frame.',
};

/**
 * Lag-1 autocorrelation of `n` samples read by `at`: near 1 for a smooth (lowpass) signal, near 0 for noise; 0 for
 * a constant. Reads in place: this runs on every checked block of every stream, so it allocates nothing.
 */
function smoothness(n: number, at: (i: number) => number): number {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += at(i);
  mean /= n;
  let num = 0;
  let den = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const a = at(i) - mean;
    den += a * a;
    if (i > 0) num += a * prev;
    prev = a;
  }
  return den === 0 ? 0 : num / den;
}

// The μ-law reading of a block, decoded here (one buffer per process: the checks run synchronously).
const decoded = new Int16Array(AUDIO_CHECKS.pcm16BlockBytes);

/** True when a block reads as smooth 16-bit PCM and as noisy μ-law. */
export function looksLikePcm16Block(block: Uint8Array): boolean {
  const asPcm = smoothness(block.length >> 1, (i) => ((block[2 * i]! | (block[2 * i + 1]! << 8)) << 16) >> 16);
  if (asPcm <= AUDIO_CHECKS.pcm16MinSmoothness) return false;
  const mu = block.length <= decoded.length ? decodeMulaw(block, decoded) : decodeMulaw(block);
  return asPcm - smoothness(block.length, (i) => mu[i]!) >= AUDIO_CHECKS.pcm16Gap;
}

export class AudioDiagnostics {
  private readonly seen = new Set<AudioDiagnosticCode>();
  private firstArrival: number | undefined;
  private bytes = 0;
  private tinyInARow = 0;
  private readonly block = new Uint8Array(AUDIO_CHECKS.pcm16BlockBytes);
  private blockLength = 0;
  private blocksChecked = 0;
  private pcmBlocks = 0;

  constructor(private readonly now: () => number) {}

  /** Checks one payload; returns the diagnostics it raised for the first time. */
  inspect(payload: Uint8Array, sequence?: number): AudioDiagnostic[] {
    const at = this.now();
    this.firstArrival ??= at;
    this.bytes += payload.length;
    const found: AudioDiagnosticCode[] = [];
    if (isWav(payload)) found.push('wav_header');
    if (this.tooFast(at)) found.push('too_fast');
    if (this.looksPcm16(payload)) found.push('pcm16_bytes');
    if (this.oddFrames(payload.length / 8)) found.push('frame_duration');
    return found.filter((code) => !this.seen.has(code)).map((code) => {
      this.seen.add(code);
      return { code, fatal: code !== 'frame_duration', message: MESSAGES[code], audio_ms: this.bytes / 8, ...(sequence === undefined ? {} : { sequence }) };
    });
  }

  private tooFast(at: number): boolean {
    const audioMs = this.bytes / 8;
    if (audioMs < AUDIO_CHECKS.tooFastAfterAudioMs) return false;
    return audioMs > AUDIO_CHECKS.tooFastFactor * (at - this.firstArrival!) + AUDIO_CHECKS.tooFastAllowanceMs;
  }

  private looksPcm16(payload: Uint8Array): boolean {
    const size = AUDIO_CHECKS.pcm16BlockBytes;
    let hit = false;
    for (let i = 0; i < payload.length && this.blocksChecked < AUDIO_CHECKS.pcm16MaxBlocks; ) {
      const take = Math.min(size - this.blockLength, payload.length - i);
      this.block.set(payload.subarray(i, i + take), this.blockLength);
      this.blockLength += take;
      i += take;
      if (this.blockLength < size) break;
      this.blockLength = 0;
      if (this.block.every((b) => b === this.block[0])) continue; // silence or a constant: nothing to tell
      this.blocksChecked++;
      if (looksLikePcm16Block(this.block)) this.pcmBlocks++;
      hit ||= this.pcmBlocks >= AUDIO_CHECKS.pcm16Blocks;
    }
    return hit;
  }

  private oddFrames(ms: number): boolean {
    this.tinyInARow = ms < AUDIO_CHECKS.tinyFrameMs ? this.tinyInARow + 1 : 0;
    return ms > AUDIO_CHECKS.hugeFrameMs || this.tinyInARow >= AUDIO_CHECKS.tinyFramesInARow;
  }
}

function isWav(p: Uint8Array): boolean {
  return p.length >= 12 && p[0] === 0x52 && p[1] === 0x49 && p[2] === 0x46 && p[3] === 0x46 && p[8] === 0x57 && p[9] === 0x41 && p[10] === 0x56 && p[11] === 0x45;
}
