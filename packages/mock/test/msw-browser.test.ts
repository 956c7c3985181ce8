// @kallglot/mock/msw in Chromium: setupWorker (mockServiceWorker.js from `msw init`) and the stream client
// bundled with esbuild. The only server is a static file server for the page; REST and the stream are answered
// in the page, and a final transcript appears.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noNodeBuiltins } from './msw-browser/no-node.js';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'kallglot-msw-browser-'));
const requests: string[] = [];
let server: Server;
let browser: Browser;
let origin = '';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

beforeAll(async () => {
  // The worker script exactly as `npx msw init` writes it.
  execFileSync(process.execPath, [join(require.resolve('msw/package.json'), '..', 'cli', 'index.js'), 'init', dir, '--no-save'], { stdio: 'pipe' });
  const seen: string[] = [];
  await build({ entryPoints: [fileURLToPath(new URL('./msw-browser/page.ts', import.meta.url))], bundle: true, platform: 'browser', format: 'esm', outfile: join(dir, 'page.js'), logLevel: 'silent', plugins: [noNodeBuiltins(seen)] });
  copyFileSync(fileURLToPath(new URL('../../stream/examples/call.wav', import.meta.url)), join(dir, 'call.wav'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>msw</title><link rel="icon" href="data:,"><pre id="out"></pre><script type="module" src="/page.js"></script>');
  // Static files only, root-confined: it knows nothing of Kallglot.
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const name = (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').split('?')[0]!.slice(1);
    if (!/^[\w.-]+$/.test(name)) return void res.writeHead(404).end();
    try {
      const body = readFileSync(join(dir, name));
      res.writeHead(200, { 'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('@kallglot/mock/msw in Chromium', () => {
  it('setupWorker + the bundled stream client: a final transcript appears, with only a static file server', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => /done|error/.test(document.getElementById('out')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const out = await page.textContent('#out');
    expect(out).not.toMatch(/^error/m);
    expect(out).toMatch(/^session sess_\w+ 201$/m);
    expect(out).toMatch(/^transcript completed 1$/m);
    expect(out).toMatch(/^webhooks .*session\.created.*transcript\.segment.*session\.ended/m);
    expect((await page.textContent('#final'))?.length).toBeGreaterThan(3);
    // The static server saw only the page, its script and the worker; the API and the stream never left the page.
    expect(new Set(requests.map((u) => u.split('?')[0]))).toEqual(new Set(['/', '/page.js', '/call.wav', '/mockServiceWorker.js']));
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
