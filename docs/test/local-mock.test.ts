// The served site knows its mock: `kallglot-mock` on any ports (here all 0) serves the installed @kallglot/docs
// site (found by package resolution, no --docs-dir), and its playground and the pages' base URLs use that mock's
// real REST and stream URLs. Real CLI process, real Chromium, a real request to the real port.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureBuilt, ensurePackageBuilt, launchChromium, watch } from './helpers/site.js';

const require = createRequire(import.meta.url);
let cli: ChildProcess;
let urls: { rest: string; stream: string; docs?: string };
let browser: Browser;

beforeAll(async () => {
  ensureBuilt();
  ensurePackageBuilt('packages/mock', '@kallglot/mock');
  const pkg = require.resolve('@kallglot/mock/package.json');
  const bin = join(dirname(pkg), (require(pkg) as { bin: Record<string, string> }).bin['kallglot-mock']!);
  cli = spawn(process.execPath, [bin, '--rest-port', '0', '--stream-port', '0', '--docs-port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  urls = await new Promise((resolve, reject) => {
    cli.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    cli.stderr!.on('data', (d) => (out += d));
    cli.once('exit', (code) => reject(new Error(`kallglot-mock exited ${code}:\n${out}`)));
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  cli?.kill('SIGTERM');
});

describe('kallglot-mock serves the installed docs site with its own URLs', () => {
  it('finds @kallglot/docs by package resolution and serves it on the port it was given', async () => {
    expect(urls.docs, 'no docs URL: the installed @kallglot/docs was not found').toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(urls.rest).not.toBe('http://127.0.0.1:4010');
    const res = await fetch(`${urls.docs}/assets/local-mock.js`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe(`window.KG_LOCAL_MOCK=${JSON.stringify({ rest: urls.rest, stream: urls.stream })};\n`);
  });

  it('the playground sends to the real REST port', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const w = await watch(page);
    try {
      await page.goto(`${urls.docs}/playground.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => (window as any).kgPlayground?.ready === true);
      expect(await page.inputValue('#pg-base')).toBe(urls.rest);
      await page.selectOption('#rest-op', 'listAgents');
      const [req] = await Promise.all([page.waitForRequest((r) => r.url().includes('/v1/agents')), page.click('#rest-send')]);
      expect(new URL(req.url()).origin).toBe(urls.rest);
      await page.waitForSelector('#rest-status[data-status]');
      expect(await page.getAttribute('#rest-status', 'data-status')).toBe('200');
      expect(w.consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('the Base URLs table and the Stream page name the real REST and stream URLs', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${urls.docs}/index.html#base-urls`, { waitUntil: 'load' });
      const shown = await page.locator('#base-urls code[data-kg-local]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kg-local')} ${e.textContent}`));
      expect(shown).toContain(`rest ${urls.rest}`);
      expect(shown.some((s) => s.startsWith(`stream ${urls.stream}/`)), JSON.stringify(shown)).toBe(true);
      // The Stream page's handshake table too.
      await page.goto(`${urls.docs}/stream.html#handshake`, { waitUntil: 'load' });
      const stream = await page.locator('#handshake code[data-kg-local="stream"]').allTextContents();
      expect(stream.length).toBeGreaterThan(0);
      for (const t of stream) expect(t.startsWith(`${urls.stream}/`), t).toBe(true);
    } finally {
      await page.close();
    }
  }, 60_000);
});
