// Audio for the stream flow: 1.5 s of a synthetic vowel (140 Hz harmonics under formants at 700 and 1200 Hz), then
// 0.6 s of silence, as 8 kHz μ-law. A server that transcribes what it hears (the API, and the mock, whose turns
// follow voice activity) answers a voiced segment with transcripts; silence alone gets none.

/** G.711 μ-law code of a 16-bit sample (bit for bit what @kallglot/stream's encodeMulaw gives). */
function mulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const x = Math.min(sample < 0 ? -sample - 1 : sample, 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (x & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  return ~(sign | (exponent << 4) | ((x >> (exponent + 3)) & 0x0f)) & 0xff;
}

/** 2.1 s of μ-law: a voiced segment and the silence that ends it. */
export function voicedSegment(): Uint8Array {
  return Uint8Array.from({ length: 16_800 }, (_, i) => {
    if (i >= 12_000) return 0xff;
    let v = 0;
    for (let h = 1; h * 140 < 3500; h++) v += Math.sin((2 * Math.PI * 140 * h * i) / 8000) / (1 + ((h * 140 - 700) / 300) ** 2 + ((h * 140 - 1200) / 400) ** 2 * 0.5);
    return mulaw(Math.round(v * 3000));
  });
}
