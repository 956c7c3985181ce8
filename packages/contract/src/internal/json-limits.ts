// JSON the contract tool and its proxy accept is bounded in depth BEFORE it is parsed (a deep document would
// otherwise overflow the stack in the validator). The scan is a loop over the text: no recursion, no parse.
// (Same rule as @kallglot/mock's pipeline/json-limits.ts; the mock is only an optional peer here.)

/** Deepest nesting of arrays and objects accepted. */
export const MAX_JSON_DEPTH = 64;

/** Character offset where JSON text first nests deeper than `limit` (strings skipped), or -1. */
export function depthExceededAt(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

/** JSON.parse after the depth check; throws (like JSON.parse) with a message naming the limit. */
export function parseJsonBounded(text: string): any {
  const at = depthExceededAt(text);
  if (at >= 0) throw new SyntaxError(`nests deeper than ${MAX_JSON_DEPTH} levels (at offset ${at}): JSON is limited to a depth of ${MAX_JSON_DEPTH}`);
  return JSON.parse(text);
}
