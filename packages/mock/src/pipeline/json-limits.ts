// Bounds on JSON a client sends, checked on the raw bytes BEFORE anything parses them: strict UTF-8 (the offset
// of the first bad byte) and nesting depth. Both are loops over the bytes: no recursion, no parse.

/** Deepest nesting of arrays and objects a request body may have. */
export const MAX_JSON_DEPTH = 64;

const fatal = new TextDecoder('utf-8', { fatal: true });

/** Length of the well-formed UTF-8 sequence at `i`, or 0 when it is not one (RFC 3629 table 3-7). */
function sequenceAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Byte offset where the first ill-formed UTF-8 sequence starts, or -1 when every byte is well-formed. */
export function invalidUtf8Offset(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const n = sequenceAt(b, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/** The text of strict UTF-8 bytes, or the offset of the first bad byte (the fatal decoder finds it fails; we find where). */
export function decodeStrict(b: Uint8Array): { text: string } | { badOffset: number } {
  try {
    return { text: fatal.decode(b) };
  } catch {
    return { badOffset: Math.max(0, invalidUtf8Offset(b)) };
  }
}

/** Byte offset where JSON text first nests deeper than `limit` (strings skipped), or -1. Never recurses. */
export function depthExceededAt(b: Uint8Array, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}
