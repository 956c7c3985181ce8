// @kallglot/spec/json-limits: the one depth/UTF-8 scanner (mock pipeline, contract, stream frames). Browser-safe.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { decodeStrict, depthExceededAt, invalidUtf8Offset, MAX_JSON_DEPTH, parseJsonBounded } from '@kallglot/spec/json-limits';

const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('@kallglot/spec/json-limits', () => {
  it('finds the first offset past the depth limit, in text and in bytes alike, skipping strings', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(depthExceededAt(nest(64))).toBe(-1);
    expect(depthExceededAt(nest(65))).toBe(64);
    expect(depthExceededAt(new TextEncoder().encode(nest(65)))).toBe(64);
    expect(depthExceededAt('{"é":' + nest(3) + '}', 3)).toBe(7);
    expect(depthExceededAt(new TextEncoder().encode('{"é":' + nest(3) + '}'), 3)).toBe(8); // bytes: é is two
    expect(depthExceededAt('{"a":"[[[[\\"[[[["}', 2)).toBe(-1);
    expect(depthExceededAt('['.repeat(1_000_000))).toBe(64); // a loop, not recursion
  });

  it('parseJsonBounded parses what is within the limit and throws naming it otherwise', () => {
    expect(parseJsonBounded('{"a":[1]}')).toEqual({ a: [1] });
    expect(() => parseJsonBounded(nest(65))).toThrow(/depth of 64/);
    expect(() => parseJsonBounded('{')).toThrow(SyntaxError);
  });

  it('decodes strict UTF-8 or names the first bad byte', () => {
    expect(decodeStrict(new TextEncoder().encode('héllo ✓ 😀'))).toEqual({ text: 'héllo ✓ 😀' });
    expect(decodeStrict(Uint8Array.from([0x61, 0x62, 0xff]))).toEqual({ badOffset: 2 });
    expect(invalidUtf8Offset(Uint8Array.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a surrogate half
    expect(invalidUtf8Offset(Uint8Array.from([0xf0, 0x9f, 0x98]))).toBe(0); // cut short
  });

  it('bundles for the browser with no Node built-in', async () => {
    const out = await build({ stdin: { contents: "export * from '@kallglot/spec/json-limits';", resolveDir: import.meta.dirname, loader: 'js' }, bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    expect(out.errors).toEqual([]);
    expect(out.outputFiles[0]!.text).not.toMatch(/from\s*["']node:/);
  });
});
