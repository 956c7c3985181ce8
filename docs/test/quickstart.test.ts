// The quickstart on the landing page really runs against the local mock, and the mock's docs server
// (what `npm start` serves on :4012) delivers the site: here on port 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DIST, DOCS_ROOT, PAGES, ensureBuilt, ensurePackageBuilt, launchChromium, waitForRedoc, watch } from './helpers/site.js';

type RunningMock = { urls: { rest: string; stream: string; docs?: string }; close(): Promise<void> };
let mock: RunningMock;
let browser: Browser;

beforeAll(async () => {
  ensureBuilt();
  ensurePackageBuilt('packages/mock', '@kallglot/mock');
  const { startMock } = (await import('@kallglot/mock')) as { startMock: (o: object) => Promise<RunningMock> };
  mock = await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsPort: 0, docsDir: DIST });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await mock?.close();
});

function run(file: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: DOCS_ROOT, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('quickstart against the mock', () => {
  it('creates a session with @kallglot/client, streams audio with @kallglot/stream and ends it', async () => {
    const { code, out } = await run(join('guides', 'quickstart.ts'), { KALLGLOT_REST_URL: mock.urls.rest, KALLGLOT_STREAM_URL: mock.urls.stream });
    expect(out).toMatch(/^session sess_\w+$/m);
    expect(out).toMatch(/^session ended$/m);
    expect(code).toBe(0);
  }, 60_000);

  it('the mock serves every page of the site, which loads cleanly in Chromium', async () => {
    expect(mock.urls.docs).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    for (const file of PAGES) {
      const page = await browser.newPage();
      const w = await watch(page);
      try {
        const res = await page.goto(`${mock.urls.docs}/${file}`);
        expect(res?.status(), file).toBe(200);
        if (file === 'rest.html') await waitForRedoc(page);
        await page.waitForLoadState('networkidle');
        expect(w.consoleErrors, file).toEqual([]);
        expect(w.foreignRequests, file).toEqual([]);
      } finally {
        await page.close();
      }
    }
  }, 180_000);
});
