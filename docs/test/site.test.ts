// Browser tests in real Chromium: every page over HTTP (127.0.0.1) and from disk (file://).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import {
  DIST, OUTPUT, PAGES, deref, messageTypes, operations, readSpec, slug, waitForRedoc, watch,
} from './helpers/site.js';
import { useChromiumSite } from './helpers/chromium-site.js';

const site = useChromiumSite();
const openapi = readSpec('openapi');
const asyncapi = readSpec('asyncapi');

async function open(url: string): Promise<{ page: Page; w: Awaited<ReturnType<typeof watch>> }> {
  const page = await site.browser.newPage({ viewport: { width: 1400, height: 900 } });
  const w = await watch(page);
  await page.goto(url, { waitUntil: 'load' });
  if (url.includes('rest.html')) await waitForRedoc(page);
  await page.waitForLoadState('networkidle');
  return { page, w };
}

const bases = {
  http: () => `${site.origin}/`,
  file: () => pathToFileURL(DIST).href + '/',
};

describe.each(Object.keys(bases) as (keyof typeof bases)[])('every page over %s', (mode) => {
  it.each(PAGES)('%s loads with 0 console errors and 0 requests to other hosts', async (file) => {
    const { page, w } = await open(bases[mode]() + file);
    try {
      await page.mouse.wheel(0, 3000); // scroll, so lazily rendered parts load too
      await page.waitForTimeout(300);
      expect(w.consoleErrors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
      expect(await page.locator('.kg-header nav a[aria-current="page"]').getAttribute('href')).toBe(file);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(OUTPUT, `${mode}-${file.replace('.html', '')}.png`), fullPage: file !== 'rest.html' });
    } finally {
      await page.close();
    }
  });

  it('navigation between the pages works through the top bar', async () => {
    const { page, w } = await open(bases[mode]() + 'index.html');
    try {
      await page.click('.kg-header a[data-kg-nav="rest.html"]');
      await page.waitForURL(/rest\.html/);
      await waitForRedoc(page);
      await page.click('.kg-header a[data-kg-nav="stream.html"]');
      await page.waitForURL(/stream\.html/);
      await expect(page.locator('#handshake h2').textContent()).resolves.toContain('Handshake');
      await page.click('.kg-header a[data-kg-nav="index.html"]');
      await page.waitForURL(/index\.html/);
      await expect(page.locator('h1').first().textContent()).resolves.toBeTruthy();
      expect(w.consoleErrors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('landing page', () => {
  it('covers every topic and links each operation to its place in the REST reference', async () => {
    const { page, w } = await open(`${site.origin}/index.html`);
    try {
      for (const id of ['base-urls', 'authentication', 'errors', 'idempotency', 'pagination', 'rate-limits-and-credits', 'webhooks-and-signatures', 'session-modes', 'quickstart']) {
        await expect(page.locator(`section#${id} h2`).count(), id).resolves.toBe(1);
      }
      const text = (await page.textContent('main')) ?? '';
      for (const s of openapi.servers ?? []) expect(text).toContain(s.url);
      expect(text).toContain('@kallglot/client');
      expect(text).toContain('@kallglot/stream');
      for (const mode of deref(openapi, openapi.components.schemas.SessionMode).enum) expect(text).toContain(mode);
      for (const event of Object.keys(openapi.webhooks ?? {})) expect(text).toContain(event);
      // Operation links land on the operation inside Redoc's hash router.
      const link = page.locator('#reference').getByRole('link', { name: 'createSession', exact: true });
      expect(await link.getAttribute('href')).toMatch(/^rest\.html#\//);
      await link.click();
      await page.waitForURL(/rest\.html#\//);
      await waitForRedoc(page);
      const summary = Object.values<any>(openapi.paths['/v1/sessions']).find((op) => op.operationId === 'createSession').summary;
      await page.getByRole('heading', { name: summary }).first().waitFor();
      expect(w.consoleErrors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('REST reference', () => {
  it('lists every operationId of the spec, webhooks included', async () => {
    const ops = operations(openapi, { webhooks: true });
    expect(ops.length).toBeGreaterThanOrEqual(16 + Object.keys(openapi.webhooks ?? {}).length);
    const { page, w } = await open(`${site.origin}/rest.html`);
    try {
      for (const { operationId, tag } of ops) {
        const hash = `#/${slug(tag)}/${operationId.toLowerCase()}`;
        // The menu links every operation, and following the link shows its operationId.
        await expect.poll(() => page.locator(`#redoc a[href="${hash}"]`).count(), { message: operationId, timeout: 10_000 }).toBeGreaterThan(0);
        await page.evaluate((h) => { window.location.hash = h; }, hash);
        await page.getByText(`operationId: ${operationId}`, { exact: true }).first().waitFor({ timeout: 20_000 });
      }
      expect(w.consoleErrors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    } finally {
      await page.close();
    }
  }, 240_000);

  it('shows curl and TypeScript samples for an operation and marks inferred parts', async () => {
    const inferredOp = Object.values<any>(openapi.paths)
      .flatMap((item) => Object.values<any>(item))
      .find((op) => op?.['x-kallglot-source'] === 'inferred' && op.operationId);
    const target = inferredOp?.operationId ?? 'createSession';
    const tag = slug((inferredOp?.tags ?? ['Sessions'])[0]);
    const { page, w } = await open(`${site.origin}/rest.html#/${tag}/${target.toLowerCase()}`);
    try {
      await page.getByText(`operationId: ${target}`).first().waitFor();
      const panel = (await page.textContent('#redoc')) ?? '';
      expect(panel).toContain('curl');
      expect(panel).toContain('$KALLGLOT_API_KEY');
      if (inferredOp) await expect(page.locator('.kg-inferred-badge').first().isVisible()).resolves.toBe(true);
      // Switch the sample language to TypeScript.
      await page.locator('#redoc button[aria-haspopup="menu"]', { hasText: 'curl' }).first().click();
      await page.getByRole('menuitem', { name: 'TypeScript' }).first().click();
      await page.getByText('errors throw KallglotApiError').first().waitFor();
      await page.screenshot({ path: join(OUTPUT, 'http-rest-operation.png') });
      expect(w.consoleErrors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('has no script, stylesheet or font from another host in the built HTML', () => {
    for (const file of PAGES) {
      const html = readFileSync(join(DIST, file), 'utf8');
      expect(html, file).not.toMatch(/<(?:script|link|img)\b[^>]*\b(?:src|href)=["'](?:https?:)?\/\//i);
      expect(html, file).not.toMatch(/@import\s+(?:url\()?["']?(?:https?:)?\/\//i);
      expect(html, file).not.toMatch(/url\(["']?https?:\/\/[^)]*\.(?:woff2?|ttf|otf|css)/i);
      expect(html, file).not.toContain('cdn.redoc.ly/redoc/logo');
    }
  });
});

describe('stream reference', () => {
  it('lists every message type, client → server and server → client apart, each with an example', async () => {
    const types = messageTypes(asyncapi);
    expect(types.length).toBeGreaterThanOrEqual(9);
    const { page, w } = await open(`${site.origin}/stream.html`);
    try {
      for (const { type, action } of types) {
        const section = page.locator(`section[data-message-type="${type}"]`);
        await expect(section.count(), type).resolves.toBe(1);
        await expect(section.getAttribute('data-direction'), type).resolves.toBe(action);
        const example = (await section.locator('aside pre').first().textContent()) ?? '';
        expect(JSON.parse(example).type, type).toBe(type);
      }
      // No message of the document is left out, even one no operation references.
      for (const raw of Object.values<any>(asyncapi.components?.messages ?? {})) {
        const payload = deref(asyncapi, deref(asyncapi, raw).payload);
        const type = deref(asyncapi, payload?.properties?.type);
        const value = type?.const ?? type?.enum?.[0];
        if (value) await expect(page.locator(`section[data-message-type="${value}"]`).count(), value).resolves.toBe(1);
      }
      // Client messages come before the server → client heading, server messages after it.
      const order = await page.$$eval('section[id]', (els) => els.map((e) => e.getAttribute('data-direction') ?? e.id));
      const split = order.indexOf('server-to-client');
      expect(order.slice(0, split).filter((d) => d === 'send')).toEqual([]);
      expect(order.slice(split).filter((d) => d === 'receive')).toEqual([]);
      expect(w.consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('has the handshake, the audio format, the close codes and the inferred marks', async () => {
    const { page } = await open(`${site.origin}/stream.html`);
    try {
      const handshake = (await page.textContent('#handshake')) ?? '';
      expect(handshake).toContain('/connect');
      expect(handshake).toMatch(/token=/);
      expect(handshake).toMatch(/5 minutes|expir/i);
      const audio = (await page.textContent('#audio-format')) ?? '';
      expect(audio).toContain('mulaw');
      expect(audio).toContain('8000');
      expect(audio).toMatch(/20 ms = 160 samples/);
      const channel = Object.values<any>(asyncapi.channels).map((c) => deref(asyncapi, c))[0];
      const closeCodes = channel['x-kallglot-close-codes'] ?? asyncapi['x-kallglot-close-codes'];
      const codes: number[] = (Array.isArray(closeCodes) ? closeCodes : (closeCodes.codes ?? Object.entries(closeCodes).filter(([k]) => /^\d+$/.test(k)).map(([k]) => ({ code: k })))).map((c: any) => Number(c.code));
      expect(codes.length).toBeGreaterThanOrEqual(11);
      for (const code of codes) await expect(page.locator(`#close-codes tr[data-close-code="${code}"]`).count(), String(code)).resolves.toBe(1);
      await expect(page.locator('.kg-inferred-badge').count()).resolves.toBeGreaterThan(0);
      await expect(page.locator('#close-codes .kg-inferred-badge').first().isVisible()).resolves.toBe(true);
    } finally {
      await page.close();
    }
  });
});
