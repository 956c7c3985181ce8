// Checks the built package (dist/, produced by `npm run build`, which turbo runs before `test`).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { publint } from 'publint';
import WebSocket from 'ws';
import { startScriptedServer, behaveNormally, type ScriptedServer } from './helpers/scripted-server.js';

const run = promisify(execFile);
const pkg = join(import.meta.dirname, '..');
const bin = (name: string) => join(pkg, '../../node_modules/.bin', name);

const servers: ScriptedServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

describe('package', () => {
  it('is built', () => {
    for (const f of ['dist/index.js', 'dist/node.js', 'dist/audio/index.js', 'dist/generated/validators.js', 'dist/generated/validators.d.ts', 'dist/generated/json-limits.js', 'dist/index.d.ts']) {
      expect(existsSync(join(pkg, f)), `${f} missing: run npm run build`).toBe(true);
    }
  });

  it('is publint clean', async () => {
    const { messages } = await publint({ pkgDir: pkg, strict: true, level: 'suggestion' });
    expect(messages).toEqual([]);
  });

  it('is attw clean (ESM-only profile)', async () => {
    const { stdout } = await run(bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--format', 'json'], { cwd: pkg, maxBuffer: 32 * 1024 * 1024 });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
    const problems = Object.values(report.analysis?.problems ?? {}).flat() as Array<{ kind: string; resolutionKind?: string }>;
    // esm-only ignores node10 and require(); everything else must be clean.
    expect(problems.filter((p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs')).toEqual([]);
  }, 120_000);

  it('the browser path bundles without ws or Node built-ins', async () => {
    const result = await build({
      stdin: { contents: "export { connectStream, encodeMulaw, validateServerMessage } from '@kallglot/stream';", resolveDir: pkg, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes('node_modules/ws/'))).toBe(false);
    expect(inputs.some((i) => i.startsWith('node:') || /dist\/node\.js$/.test(i))).toBe(false);
    expect(inputs.some((i) => i.endsWith('dist/index.js'))).toBe(true);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["'](node:|ws["'])/);
  });

  it('the /audio subpath tree-shakes to the function you import', async () => {
    const result = await build({
      stdin: { contents: "import { encodeMulaw } from '@kallglot/stream/audio'; console.log(encodeMulaw(new Int16Array(1)));", resolveDir: pkg, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    const js = result.outputFiles[0]!.text;
    expect(js).not.toMatch(/WebSocket|RIFF|Blackman|base64/i);
    expect(js.length).toBeLessThan(2000);
  });

  it('Node resolves the package to the ws-backed entry', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('@kallglot/stream'), import.meta.resolve('@kallglot/stream/audio'))"], { cwd: pkg });
    const [main, audio] = stdout.trim().split(' ');
    expect(main).toMatch(/\/dist\/node\.js$/);
    expect(audio).toMatch(/\/dist\/audio\/index\.js$/);
  });

  it('the browser entry uses globalThis.WebSocket', async () => {
    const srv = await startScriptedServer((c) => behaveNormally(c));
    servers.push(srv);
    vi.stubGlobal('WebSocket', WebSocket);
    try {
      const mod = await import('../dist/index.js');
      const s = mod.connectStream({ url: srv.url, token: 'kst_test_browser', keepalive: false });
      expect(await s.ready).toMatchObject({ type: 'session.ready' });
      expect(srv.connections[0]!.token).toBe('kst_test_browser');
      await s.close();
    } finally {
      vi.unstubAllGlobals();
    }
    const mod = await import('../dist/index.js');
    if (typeof globalThis.WebSocket === 'undefined') {
      // Node 20 has no global WebSocket: the browser entry says so instead of crashing.
      const err = (await mod.connectStream({ url: srv.url, token: 'kst_test_x' }).ready.catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/no WebSocket implementation/);
    }
  });

  it('type-checks, including the narrowing promised in the README (tsc --noEmit)', async () => {
    await run(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: pkg }).catch((e) => {
      throw new Error(`tsc failed:\n${e.stdout}${e.stderr}`);
    });
  }, 120_000);
});
