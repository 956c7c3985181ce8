// Bounds on JSON a client sends, checked on the raw text or bytes BEFORE anything parses them: nesting depth and
// strict UTF-8 (the offset of the first bad byte). Loops over the input: no recursion, no parse. The one scanner for
// the mock's request pipeline (also its browser build), @kallglot/contract, and @kallglot/stream's frame decoder
// (which copies this file at generate time: the stream package depends on nothing). No Node built-ins.
// Plain ESM with hand-written types: this package has no build step.

/** Deepest nesting of arrays and objects accepted. */
export const MAX_JSON_DEPTH = 64;

/**
 * Offset where JSON first nests deeper than `limit` (strings skipped), or -1. `input` is text (offsets in UTF-16
 * units) or UTF-8 bytes (offsets in bytes): every structural character is ASCII, so both read alike.
 */
export function depthExceededAt(input, limit = MAX_JSON_DEPTH) {
  const text = typeof input === 'string';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < input.length; i++) {
    const c = text ? input.charCodeAt(i) : input[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

/** JSON.parse after the depth check; throws a SyntaxError (as JSON.parse does) naming the limit. */
export function parseJsonBounded(text, limit = MAX_JSON_DEPTH) {
  const at = depthExceededAt(text, limit);
  if (at >= 0) throw new SyntaxError(`nests deeper than ${limit} levels (at offset ${at}): JSON is limited to a depth of ${limit}`);
  return JSON.parse(text);
}

/** Length of the well-formed UTF-8 sequence at `i`, or 0 when it is not one (RFC 3629 table 3-7). */
function sequenceAt(b, i) {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) return cont(1, c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf) && cont(2) ? 3 : 0;
  if (c >= 0xf0 && c <= 0xf4) return cont(1, c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** Byte offset where the first ill-formed UTF-8 sequence starts, or -1 when every byte is well-formed. */
export function invalidUtf8Offset(b) {
  for (let i = 0; i < b.length; ) {
    const n = sequenceAt(b, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

let fatal;

/** The text of strict UTF-8 bytes, or the offset of the first bad byte (the fatal decoder finds it fails; we find where). */
export function decodeStrict(b) {
  try {
    return { text: (fatal ??= new TextDecoder('utf-8', { fatal: true })).decode(b) };
  } catch {
    return { badOffset: Math.max(0, invalidUtf8Offset(b)) };
  }
}
