// Types of @kallglot/spec/json-limits (json-limits.js): browser-safe bounds on JSON checked before it is parsed.

/** Deepest nesting of arrays and objects accepted (64). */
export declare const MAX_JSON_DEPTH: number;
/**
 * Offset where JSON first nests deeper than `limit` (strings skipped), or -1. Text gives offsets in UTF-16 units,
 * UTF-8 bytes give byte offsets. Never recurses.
 */
export declare function depthExceededAt(input: string | Uint8Array, limit?: number): number;
/** JSON.parse after the depth check; throws a SyntaxError (as JSON.parse does) naming the limit. */
export declare function parseJsonBounded(text: string, limit?: number): any;
/** Byte offset where the first ill-formed UTF-8 sequence starts, or -1 when every byte is well-formed. */
export declare function invalidUtf8Offset(bytes: Uint8Array): number;
/** The text of strict UTF-8 bytes, or the offset of the first bad byte. */
export declare function decodeStrict(bytes: Uint8Array): { text: string } | { badOffset: number };
