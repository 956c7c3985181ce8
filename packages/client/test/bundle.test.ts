// Bundles apps with esbuild (browser, minified) from the built package: an app that imports only the path
// client carries none of the facade, and an app with the facade carries no stream code until it calls
// sessions.connect() (a separate chunk). Byte budgets themselves are benchmark rows (bench/facade.bench.mjs).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const pkgDir = new URL('..', import.meta.url).pathname;
const dist = (file: string) => JSON.stringify(join(pkgDir, 'dist', file));

async function bundle(contents: string) {
  const outdir = mkdtempSync(join(tmpdir(), 'kallglot-client-bundle-'));
  try {
    await build({ stdin: { contents, resolveDir: pkgDir, loader: 'js' }, bundle: true, minify: true, splitting: true, format: 'esm', platform: 'browser', outdir, logLevel: 'silent' });
    const files = readdirSync(outdir);
    const entry = readFileSync(join(outdir, 'stdin.js'), 'utf8');
    const lazy = files.filter((f) => f !== 'stdin.js').map((f) => readFileSync(join(outdir, f), 'utf8'));
    return { entry, lazy };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('bundles', () => {
  it('an app that imports only the path client does not grow: the package entry bundles to exactly the path client module', async () => {
    const viaPackage = await bundle(`import { createKallglotClient, unwrap } from ${dist('index.js')}; globalThis.x = [createKallglotClient, unwrap];`);
    const viaModule = await bundle(`import { createKallglotClient, unwrap } from ${dist('client.js')}; globalThis.x = [createKallglotClient, unwrap];`);
    // Same code, same length (minified names may differ, so gzip can differ by a byte).
    expect(viaPackage.entry.length).toBe(viaModule.entry.length);
    for (const word of ['withResponse', 'hasNextPage', 'createAndPoll', 'waitUntilReady', '@kallglot/stream', 'resourceTable']) expect(viaPackage.entry).not.toContain(word);
    // esbuild still writes the stream chunk it found in the graph, but nothing in this app loads it.
    expect(viaPackage.entry).not.toMatch(/import\(/);
  });

  it('new Kallglot() carries every resource but no stream code: connect() loads it as its own chunk', async () => {
    const app = await bundle(`import { Kallglot } from ${dist('index.js')}; globalThis.k = new Kallglot({ apiKey: 'sk_test_x' });`);
    for (const word of ['/v1/sessions/{session_id}/analysis', '/v1/recordings/{recording_id}/audio', 'withResponse', 'createAndPoll', 'waitUntilReady']) expect(app.entry).toContain(word);
    expect(app.entry).not.toContain('transcript.final');
    expect(app.entry).toMatch(/import\("\.\/[\w-]+\.js"\)/);
    expect(app.lazy).toHaveLength(1);
    expect(app.lazy[0]).toContain('transcript.final');
  });
});
