// The playground against a real mock (what `npm start` runs: REST + stream + docs server), in real Chromium with
// a fake microphone fed from a WAV file: a REST call validated in the page, a live stream with a final
// transcript (microphone and bundled sample), ping/end with the close code explained, and signed webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DIST, OUTPUT, ensureBuilt, ensurePackageBuilt, launchChromium, watch } from './helpers/site.js';

type RunningMock = { urls: { rest: string; stream: string; docs?: string }; close(): Promise<void> };
let mock: RunningMock;
let browser: Browser;
let page: Page;
let w: Awaited<ReturnType<typeof watch>>;

beforeAll(async () => {
  ensureBuilt();
  ensurePackageBuilt('packages/mock', '@kallglot/mock');
  const { startMock } = (await import('@kallglot/mock')) as { startMock: (o: object) => Promise<RunningMock> };
  mock = await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsPort: 0, docsDir: DIST });
  browser = await launchChromium([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${join(DIST, 'assets', 'sample.wav')}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['microphone', 'clipboard-read', 'clipboard-write'], { origin: mock.urls.docs! });
  page = await context.newPage();
  w = await watch(page);
  await page.goto(`${mock.urls.docs}/playground.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => (window as any).kgPlayground?.ready === true);
  await page.fill('#pg-base', mock.urls.rest);
  await page.dispatchEvent('#pg-base', 'change');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await mock?.close();
});

describe('playground', () => {
  it('keeps the key in this tab only and warns about live keys', async () => {
    expect(await page.locator('.kg-warn').innerText()).toMatch(/live keys.*do not belong in a browser/i);
    await page.fill('#pg-key', 'sk_test_from_the_test');
    await page.dispatchEvent('#pg-key', 'change');
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('kg.pg.key'), local: JSON.stringify(localStorage) }));
    expect(stored.session).toBe('sk_test_from_the_test');
    expect(stored.local).not.toContain('sk_test_from_the_test');
  });

  it('REST console: create a session pre-filled from the spec example, response validated against the spec', async () => {
    await page.selectOption('#rest-op', 'createSession');
    const body = JSON.parse(await page.inputValue('#rest-body'));
    expect(body.mode).toBeTruthy();
    await page.click('#rest-send');
    await page.waitForSelector('#rest-status[data-status]');
    expect(await page.getAttribute('#rest-status', 'data-status')).toMatch(/^20[01]$/);
    expect(await page.getAttribute('#rest-validation', 'data-result')).toMatch(/^(valid|deviates)$/);
    expect(await page.locator('#rest-validation').innerText()).toMatch(/Matches the spec/);
    const response = JSON.parse(await page.locator('#rest-response').innerText());
    expect(response.id).toMatch(/^sess_/);
    expect(await page.locator('#rest-headers').innerText()).toMatch(/content-type/i);
    // The session it created can be read back: path parameter filled in by the user.
    await page.selectOption('#rest-op', 'retrieveSession');
    await page.fill('#rest-params input[data-name="session_id"]', response.id);
    await page.click('#rest-send');
    await page.waitForFunction(() => document.querySelector('#rest-status')?.textContent?.includes('GET'));
    expect(await page.getAttribute('#rest-status', 'data-status')).toBe('200');
    expect(await page.getAttribute('#rest-validation', 'data-result')).toMatch(/^(valid|deviates)$/);
    // A call that fails is reported with the API's envelope and validated against the error schema.
    await page.fill('#rest-params input[data-name="session_id"]', 'sess_does_not_exist_0000');
    await page.click('#rest-send');
    await page.waitForFunction(() => /^4/.test(document.querySelector('#rest-status')?.getAttribute('data-status') ?? ''));
    expect(await page.getAttribute('#rest-validation', 'data-result')).toMatch(/^(valid|deviates)$/);
    // Copy as curl / TypeScript.
    await page.click('#rest-curl');
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    expect(curl).toContain(`curl "${mock.urls.rest}/v1/sessions/sess_does_not_exist_0000"`);
    expect(curl).toContain('Bearer $KALLGLOT_API_KEY');
    await page.click('#rest-ts');
    const ts = await page.evaluate(() => navigator.clipboard.readText());
    expect(ts).toContain(`new Kallglot({ baseUrl: '${mock.urls.rest.replace(/\/$/, '')}' })`);
    expect(ts).toContain('await kallglot.sessions.retrieve("sess_does_not_exist_0000");');
    await page.screenshot({ path: join(OUTPUT, 'playground-rest.png'), fullPage: true });
  }, 120_000);

  async function streamOnce(source: '#stream-mic' | '#stream-sample'): Promise<void> {
    await page.click('#tab-stream');
    const before = await page.inputValue('#stream-token');
    await page.click('#stream-create');
    // A new session: a new token (the previous one belongs to an ended session).
    await page.waitForFunction((old) => { const v = (document.querySelector('#stream-token') as HTMLInputElement).value; return v.startsWith('kst_') && v !== old; }, before, { timeout: 30_000 });
    await page.click('#stream-connect');
    await page.waitForSelector('#stream-log tr[data-type="session.ready"]', { timeout: 30_000 });
    await page.waitForSelector(`${source}:not([disabled])`);
    await page.click(source);
    await page.waitForSelector('#stream-transcript .kg-final', { timeout: 60_000 });
    expect((await page.locator('#stream-transcript .kg-final').first().innerText()).length).toBeGreaterThan(3);
    expect(await page.locator('#stream-log tr[data-type="audio.input"]').count()).toBeGreaterThan(3);
    expect(await page.locator('#stream-log tr[data-type="transcript.partial"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#stream-log tr[data-type="transcript.final"]').count()).toBeGreaterThan(0);
    const t = await page.locator('#stream-log tr[data-type="transcript.final"] td').first().innerText();
    expect(t).toMatch(/^\d+\.\d{3} s$/);
  }

  it('stream console: the fake microphone streams μ-law 8 kHz and a final transcript appears; ping, end, close code explained', async () => {
    await streamOnce('#stream-mic');
    await page.click('#stream-ping');
    await page.waitForSelector('#stream-log tr[data-type="pong"]', { timeout: 15_000 });
    await page.click('#stream-end');
    await page.waitForSelector('#stream-close-info[data-code]', { timeout: 20_000 });
    expect(await page.getAttribute('#stream-close-info', 'data-code')).toBe('1000');
    expect(await page.locator('#stream-close-info').innerText()).toMatch(/1000 normal_closure/);
    expect(await page.locator('#stream-log tr[data-type="session.ended"]').count()).toBe(1);
    await page.screenshot({ path: join(OUTPUT, 'playground-stream.png'), fullPage: true });
  }, 150_000);

  it('stream console: the bundled sample WAV streams too', async () => {
    await page.evaluate(() => { document.querySelectorAll('#stream-transcript .kg-final').forEach((e) => e.remove()); });
    await streamOnce('#stream-sample');
    await page.click('#stream-close');
    await page.waitForSelector('#stream-close-info[data-code]', { timeout: 20_000 });
  }, 150_000);

  it('webhook tab: the events the mock sent for this session, signatures verified in the page', async (ctx) => {
    const sessionId = (await page.inputValue('#wh-session')).trim();
    expect(sessionId).toMatch(/^sess_/);
    const probe = await fetch(`${mock.urls.rest}/_mock/webhooks?session_id=${sessionId}`);
    if (probe.status === 404) ctx.skip('this mock has no /_mock/webhooks yet (the sandbox issue adds it)');
    await page.click('#tab-webhooks');
    await page.click('#wh-load');
    await page.waitForSelector('#wh-events .kg-event', { timeout: 20_000 });
    const verdicts = await page.locator('#wh-events .kg-event').evaluateAll((els) => els.map((e) => e.getAttribute('data-verified')));
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.every((v) => v === 'true')).toBe(true);
    await page.screenshot({ path: join(OUTPUT, 'playground-webhooks.png'), fullPage: true });
  }, 60_000);

  it('made no request to any other host and logged no error', () => {
    expect(w.foreignRequests).toEqual([]);
    // The one deliberate failing call (unknown session) is logged by Chromium as a failed resource; nothing else.
    const errors = w.consoleErrors.filter((e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e));
    expect(w.consoleErrors.length - errors.length).toBeLessThanOrEqual(1);
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('ships at most 150 KB of gzipped JavaScript', () => {
    const html = readFileSync(join(DIST, 'playground.html'), 'utf8');
    // Every script file the page loads (directly or injected after load) plus the search index site.js pulls in.
    const scripts = [...new Set([...[...html.matchAll(/assets\/[\w.-]+\.js/g)].map((m) => m[0]), 'assets/search-index.js'])];
    expect(scripts).toEqual(expect.arrayContaining(['assets/playground.js', 'assets/playground-data.js', 'assets/site.js']));
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('');
    const total = scripts.reduce((n, s) => n + gzipSync(readFileSync(join(DIST, s)), { level: 9 }).length, 0) + gzipSync(inline, { level: 9 }).length;
    expect(total).toBeLessThanOrEqual(150 * 1024);
  });
});
