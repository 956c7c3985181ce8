// The quickstart on the landing page really runs against the local mock, and the mock's docs server
// (what `npm start` serves on :4012) delivers the site: here on port 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DIST, DOCS_ROOT, OUTPUT, PAGES, ensureBuilt, ensurePackageBuilt, launchChromium, waitForRedoc, watch } from './helpers/site.js';

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

// The guide program as the page shows it, with only the sandbox's default REST address swapped for this mock's,
// run with only KALLGLOT_API_KEY set (every other KALLGLOT_* variable removed).
function run(guide: string): Promise<{ code: number | null; out: string }> {
  mkdirSync(OUTPUT, { recursive: true });
  const file = join(OUTPUT, `run-${guide}`);
  writeFileSync(file, readFileSync(join(DOCS_ROOT, 'guides', guide), 'utf8').replaceAll('http://127.0.0.1:4010', mock.urls.rest.replace(/\/$/, '')));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KALLGLOT_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: DOCS_ROOT, env: { ...env, KALLGLOT_API_KEY: 'sk_test_quickstart_test' } });
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
  it('creates a session with new Kallglot(), streams the bundled WAV through sessions.connect() and prints the transcripts', async () => {
    const { code, out } = await run('quickstart.ts');
    expect(out).toMatch(/^session sess_\w+$/m);
    expect(out).toMatch(/^customer: .+  →  .+$/m);
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
