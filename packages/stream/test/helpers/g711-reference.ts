// Direct port of the ITU-T G.191 Software Tool Library reference (g711.c: ulaw_compress / ulaw_expand),
// kept as close to the C as JavaScript allows. The tests compare the package's tables against it.

/** ulaw_compress: 16-bit linear (only the 14 MSBs are significant) → 8-bit μ-law. */
export function ulawCompress(linbuf: Int16Array): Uint8Array {
  const logbuf = new Uint8Array(linbuf.length);
  for (let n = 0; n < linbuf.length; n++) {
    const x = linbuf[n]!; // short, promoted to int
    // absolute value of linear (input) sample, biased by 33 after dropping the 2 LSBs
    let absno = x < 0 ? (~x >> 2) + 33 : (x >> 2) + 33;
    if (absno > 0x1fff) absno = 0x1fff; // limitation to 8191
    // Determination of the segment number
    let i = absno >> 6;
    let segno = 1;
    while (i !== 0) {
      segno++;
      i >>= 1;
    }
    const highNibble = 0x0008 - segno; // mounting the high-nibble of the log-PCM sample
    let lowNibble = (absno >> segno) & 0x000f; // mounting the low-nibble of the log PCM sample
    lowNibble = 0x000f - lowNibble;
    let out = (highNibble << 4) | lowNibble;
    if (x >= 0) out = out | 0x0080; // add sign bit
    logbuf[n] = out;
  }
  return logbuf;
}

/** ulaw_expand: 8-bit μ-law → 16-bit linear. */
export function ulawExpand(logbuf: Uint8Array): Int16Array {
  const linbuf = new Int16Array(logbuf.length);
  for (let n = 0; n < logbuf.length; n++) {
    const v = logbuf[n]!;
    const sign = v < 0x0080 ? -1 : 1; // sign-bit = 1 for positive values
    let mantissa = ~v; // 1's complement of input value
    const exponent = (mantissa >> 4) & 0x0007; // extract exponent
    const segment = exponent + 1; // compute segment number
    mantissa = mantissa & 0x000f; // extract mantissa
    const step = 4 << segment; // compute quantization step size
    linbuf[n] = sign * ((0x0080 << exponent) + step * mantissa + step / 2 - 4 * 33);
  }
  return linbuf;
}
