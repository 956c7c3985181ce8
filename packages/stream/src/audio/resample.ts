// Band-limited resampling (windowed sinc) of 16-bit PCM, mainly to reach the 8 kHz the stream requires.

export interface ResampleOptions {
  /** Filter half-width in output samples; more is sharper and slower. Default 8. */
  quality?: number;
}

/**
 * Resamples mono 16-bit PCM from `fromRate` to `toRate` (default 8000 Hz) with a Blackman-windowed sinc
 * low-pass at 0.9 × the output Nyquist, so downsampling from 16/24/44.1/48 kHz does not alias.
 */
export function resample(pcm: Int16Array, fromRate: number, toRate = 8000, options: ResampleOptions = {}): Int16Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`resample: rates must be positive (got ${fromRate} → ${toRate})`);
  if (fromRate === toRate) return pcm.slice();
  const ratio = fromRate / toRate; // input samples per output sample
  const outLength = Math.floor((pcm.length * toRate) / fromRate);
  const out = new Int16Array(outLength);
  const down = ratio > 1;
  // Cutoff relative to the input rate (cycles per input sample).
  const cutoff = (down ? 0.5 / ratio : 0.5) * 0.9;
  const halfWidth = Math.ceil((options.quality ?? 8) * (down ? ratio : 1));
  const n = pcm.length;
  for (let o = 0; o < outLength; o++) {
    const t = o * ratio;
    const center = Math.floor(t);
    let acc = 0;
    let norm = 0;
    for (let k = center - halfWidth + 1; k <= center + halfWidth; k++) {
      const x = t - k;
      const w = windowedSinc(x, cutoff, halfWidth);
      norm += w;
      if (k >= 0 && k < n) acc += pcm[k]! * w;
    }
    const v = Math.round(acc / norm);
    out[o] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** Shorthand for `resample(pcm, fromRate, 8000)`. */
export function resampleTo8k(pcm: Int16Array, fromRate: number): Int16Array {
  return resample(pcm, fromRate, 8000);
}

function windowedSinc(x: number, cutoff: number, halfWidth: number): number {
  if (Math.abs(x) >= halfWidth) return 0;
  const arg = 2 * Math.PI * cutoff * x;
  const sinc = x === 0 ? 2 * cutoff : Math.sin(arg) / (Math.PI * x);
  // Blackman window over [-halfWidth, halfWidth].
  const p = (x + halfWidth) / (2 * halfWidth);
  const w = 0.42 - 0.5 * Math.cos(2 * Math.PI * p) + 0.08 * Math.cos(4 * Math.PI * p);
  return sinc * w;
}
