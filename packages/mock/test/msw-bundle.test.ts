// @kallglot/mock/msw is browser-safe: esbuild bundles its whole import graph for the browser, and any Node
// built-in (node:fs, crypto, events, …) anywhere in it fails the build.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { noNodeBuiltins } from './msw-browser/no-node.js';

const entry = fileURLToPath(new URL('../src/msw/index.ts', import.meta.url));

describe('@kallglot/mock/msw import graph', () => {
  it('bundles for platform "browser" with no Node built-in anywhere', async () => {
    const seen: string[] = [];
    const out = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent', plugins: [noNodeBuiltins(seen)] });
    expect(seen).toEqual([]);
    expect(out.errors).toEqual([]);
    // The same engine and transport-free core the node adapter uses are in the bundle (not a copy).
    const inputs = Object.keys(out.metafile!.inputs);
    for (const f of ['src/engine/index.ts', 'src/pipeline/pipeline.ts', 'src/pipeline/rules.ts', 'src/stream/protocol.ts', 'src/msw/rest.ts']) expect(inputs.some((i) => i.endsWith(f))).toBe(true);
    // Client frames are read by @kallglot/stream's own decoder (one definition), through its /protocol subpath.
    expect(inputs.some((i) => /stream\/dist\/inbound\.js$/.test(i))).toBe(true);
    // Validators come from the one shared helper, its browser-safe half (@kallglot/spec/ajv), not a mock copy.
    expect(inputs.some((i) => i.endsWith('spec/validators-core.js'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('spec/validators.js'))).toBe(false);
    // Request bodies are bounded by the one shared scanner (@kallglot/spec/json-limits), not a mock copy.
    expect(inputs.some((i) => i.endsWith('spec/json-limits.js'))).toBe(true);
    expect(out.outputFiles[0]!.text).toContain('createKallglotHandlers');
  });

  it('the guard is real: a module importing node:crypto fails the same build', async () => {
    const seen: string[] = [];
    const bad = fileURLToPath(new URL('../src/internal/specs.ts', import.meta.url));
    await expect(build({ entryPoints: [bad], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', plugins: [noNodeBuiltins(seen)] })).rejects.toThrow(/Node built-in/);
    expect(seen.some((s) => s.startsWith('node:fs'))).toBe(true);
  });
});
