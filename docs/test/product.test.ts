// The site as one product: every defect of the review (issue 15) as a test, with text assertions and geometry
// (getBoundingClientRect) in real Chromium; mobile at 390×844 on every page, screenshots in test-output/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DIST, OUTPUT, PAGES, deref, messageTypes, readSpec, slug, waitForRedoc, watch } from './helpers/site.js';
import { useChromiumSite } from './helpers/chromium-site.js';

const site = useChromiumSite();
const openapi = readSpec('openapi');
const asyncapi = readSpec('asyncapi');
const HEADER_H = 56;

async function open(file: string, { width = 1440, height = 900, context }: { width?: number; height?: number; context?: any } = {}): Promise<Page> {
  const page: Page = context ? await context.newPage() : await site.browser.newPage({ viewport: { width, height } });
  await page.goto(`${site.origin}/${file}`, { waitUntil: 'load' });
  if (file.startsWith('rest.html')) await waitForRedoc(page);
  return page;
}

describe('stream.html', () => {
  let page: Page;
  beforeAll(async () => { page = await open('stream.html'); }, 60_000);
  afterAll(async () => { await page?.close(); });

  it('never prints "undefined"; ping and session.end name their reply and link it', async () => {
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(/\bundefined\b/);
    const ping = page.locator('section[data-message-type="ping"] .kg-reply');
    expect(await ping.textContent()).toContain('pong');
    expect(await ping.locator('a').getAttribute('href')).toBe('#message-pong');
    expect(await page.locator('section[data-message-type="session.end"] .kg-reply').textContent()).toContain('session.ended');
  });

  it('says each message description once', async () => {
    for (const { type } of messageTypes(asyncapi)) {
      const paragraphs = await page.locator(`section[data-message-type="${type}"] .kg-prose > p`).allTextContents();
      const norm = paragraphs.map((p) => p.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()).filter(Boolean);
      expect(new Set(norm).size, `${type}: ${norm.join(' / ')}`).toBe(norm.length);
      for (const a of norm) for (const b of norm) if (a !== b) expect(b.includes(a), `${type}: "${a}" repeated in "${b}"`).toBe(false);
    }
  });

  it('captions examples in words, not shouting identifiers (no CUSTOMERCHUNK / EXPLICITEND)', async () => {
    const captions = await page.locator('.kg-aside h5').evaluateAll((els) => els.map((e) => ({ text: (e as HTMLElement).innerText, transform: getComputedStyle(e).textTransform })));
    expect(captions.length).toBeGreaterThan(9);
    for (const c of captions) {
      expect(c.transform).toBe('none');
      expect(c.text).not.toMatch(/^[A-Z]{6,}$/);
      expect(c.text).not.toMatch(/[a-z][A-Z]/); // no camelCase identifiers as captions
    }
  });

  it('keeps every enum value on one line (no "c ustomer")', async () => {
    const broken = await page.locator('.kg-enum code').evaluateAll((els) => els.filter((e) => e.getClientRects().length > 1).map((e) => e.textContent));
    expect(await page.locator('.kg-enum code').count()).toBeGreaterThan(0);
    expect(broken).toEqual([]);
    // Narrow viewport too: values wrap between codes, never inside one.
    await page.setViewportSize({ width: 700, height: 900 });
    expect(await page.locator('.kg-enum code').evaluateAll((els) => els.filter((e) => e.getClientRects().length > 1).length)).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('words the keepalive with values, not raw keys', async () => {
    const text = (await page.locator('#keepalive').innerText()) ?? '';
    expect(text).not.toMatch(/[a-z]+_[a-z_]+_ms/);
    const ka = Object.values<any>(asyncapi.channels).map((c) => deref(asyncapi, c))[0]['x-kallglot-keepalive'];
    expect(text).toContain(`${ka.client_ping_interval_ms / 1000} s`);
    expect(text).toMatch(/Client ping interval/);
  });

  it('has one close-code section and one keepalive section', async () => {
    const h2 = await page.locator('h2').allTextContents();
    expect(h2.filter((t) => /close codes/i.test(t))).toHaveLength(1);
    expect(h2.filter((t) => /keepalive/i.test(t))).toHaveLength(1);
    expect(await page.locator('#protocol table').count()).toBe(0);
    expect(await page.locator('#protocol').innerText()).not.toMatch(/\b4029\b|keepalive_timeout/);
  });

  it('opens in plain words (no AsyncAPI perspective jargon) and links the REST operations that hand out the stream', async () => {
    const hero = await page.locator('.kg-hero').innerText();
    expect(hero).not.toMatch(/perspective|this document describes|receive operations|send operations/i);
    expect(hero).toMatch(/WebSocket/);
    const links = await page.locator('a[href^="rest.html#/"]').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(links.some((h) => /createsession$/.test(h ?? ''))).toBe(true);
    expect(links.some((h) => /(retrieve|get)session$/.test(h ?? ''))).toBe(true);
    // Every message section points at them too.
    for (const { type } of messageTypes(asyncapi)) expect(await page.locator(`section[data-message-type="${type}"] .kg-related a[href^="rest.html#/"]`).count(), type).toBeGreaterThan(0);
  });

  it('links only to pages and anchors that exist (the languages link included)', async () => {
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(/Languages page/);
    // Spec text that points at a "Languages page" links the languages section of the overview instead.
    expect(readFileSync(join(DIST, 'index.html'), 'utf8')).toContain('id="languages"');
    const docsSpec = readFileSync(join(DIST, 'spec', 'openapi.json'), 'utf8');
    expect(docsSpec).not.toMatch(/the Languages page/);
    if (JSON.stringify(openapi).includes('Languages page')) expect(docsSpec).toContain('index.html#languages');
    const hrefs = await page.locator('a[href]').evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
    for (const href of new Set(hrefs)) {
      if (/^(https?:|mailto:)/.test(href) || href.startsWith('rest.html#/')) continue;
      const [file, hash] = href.startsWith('#') ? ['stream.html', href.slice(1)] : href.split('#');
      expect(existsSync(join(DIST, file!)), href).toBe(true);
      if (hash) expect(readFileSync(join(DIST, file!), 'utf8'), href).toContain(`id="${hash}"`);
    }
  });
});

describe('rest.html', () => {
  it('keeps the sidebar and the code panel below the 56 px top bar, after a deep link and after scrolling', async () => {
    const page = await open('rest.html#/sessions/createsession');
    try {
      await page.getByText('operationId: createSession').first().waitFor();
      const header = await page.locator('.kg-header').boundingBox();
      expect(header?.height).toBe(HEADER_H);
      const menuTop = await page.locator('.menu-content').evaluate((e) => e.getBoundingClientRect().top);
      expect(menuTop).toBeGreaterThanOrEqual(HEADER_H);
      const searchTop = await page.locator('.menu-content input').first().evaluate((e) => e.getBoundingClientRect().top).catch(() => undefined);
      if (searchTop !== undefined) expect(searchTop).toBeGreaterThanOrEqual(HEADER_H);
      await page.mouse.move(900, 500);
      await page.mouse.wheel(0, 1500);
      await page.waitForTimeout(600);
      const panels = await page.locator('[data-testid="right-panel"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).filter((r) => r.height > 0 && r.bottom > 60 && r.top < 900).map((r) => r.top));
      expect(panels.length).toBeGreaterThan(0);
      for (const top of panels) expect(top).toBeGreaterThanOrEqual(HEADER_H);
      expect(await page.locator('.menu-content').evaluate((e) => e.getBoundingClientRect().top)).toBeGreaterThanOrEqual(HEADER_H);
      // What sits right under the top bar is the page, not something hidden behind the bar.
      const under = await page.evaluate((y) => document.elementFromPoint(1200, y + 20)?.closest('.kg-header') === null, HEADER_H);
      expect(under).toBe(true);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('code panel: wide enough, TypeScript lines not cut, copy button clear of the code', async () => {
    const page = await open('rest.html#/sessions/createsession');
    try {
      await page.getByText('operationId: createSession').first().waitFor();
      await page.locator('[data-testid="right-panel"] button[aria-haspopup="menu"]', { hasText: 'curl' }).first().click();
      await page.getByRole('menuitem', { name: 'TypeScript' }).first().click();
      await page.getByText('errors throw KallglotApiError').first().waitFor();
      const panel = page.locator('[data-testid="right-panel"]').filter({ hasText: 'errors throw KallglotApiError' }).first();
      expect((await panel.boundingBox())?.width).toBeGreaterThanOrEqual(480);
      const pre = panel.locator('pre').first();
      const fit = await pre.evaluate((e) => ({ sw: e.scrollWidth, cw: e.clientWidth }));
      expect(fit.sw).toBeLessThanOrEqual(fit.cw + 1);
      const copy = await panel.locator('[data-testid="copy-button"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0));
      const lines = await pre.evaluate((e) => [...e.querySelectorAll('span')].map((s) => s.getBoundingClientRect()).filter((r) => r.width > 0));
      for (const c of copy) for (const l of lines) {
        const overlap = c.left < l.right && l.left < c.right && c.top < l.bottom && l.top < c.bottom;
        expect(overlap).toBe(false);
      }
    } finally {
      await page.close();
    }
  }, 120_000);

  it('shows the servers without raw backticks, the local mock among them', async () => {
    const page = await open('rest.html');
    try {
      const html = readFileSync(join(DIST, 'spec', 'openapi.json'), 'utf8');
      const servers = JSON.parse(html).servers as { url: string; description: string }[];
      for (const s of servers) expect(s.description).not.toContain('`');
      expect(servers.map((s) => s.url)).toContain('http://127.0.0.1:4010');
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).not.toMatch(/`[^`\n]+`/);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('names the create-session body variants (no "case 1 / case 2")', async (ctx) => {
    const schema = deref(openapi, openapi.components.schemas.CreateSessionRequest);
    const variants: any[] = [];
    const walk = (n: any, depth = 0): void => {
      n = deref(openapi, n);
      if (!n || typeof n !== 'object' || depth > 4) return;
      if (Array.isArray(n.oneOf)) variants.push(...n.oneOf.map((v: any) => deref(openapi, v)));
      for (const p of Object.values<any>(n.properties ?? {})) walk(p, depth + 1);
    };
    walk(schema);
    const titles = variants.map((v) => v.title).filter(Boolean);
    if (titles.length < variants.length) ctx.skip(`the spec titles ${titles.length} of ${variants.length} oneOf variants of the create-session body (the spec rewrite titles them)`);
    const page = await open('rest.html#/sessions/createsession');
    try {
      await page.getByText('operationId: createSession').first().waitFor();
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).not.toMatch(/\bcase [12]\b/i);
      for (const t of titles) expect(text).toContain(t);
      // if/then/else branches (Redoc's other "One of") are named after their condition.
      const cond = Object.entries<any>(schema.if?.properties ?? {}).find(([, v]) => v?.const !== undefined);
      if (cond) {
        expect(text).toContain(schema.if['x-displayName'] ?? schema.if.title ?? `${cond[0]}: ${cond[1].const}`);
        expect(text).toContain(schema.else?.['x-displayName'] ?? schema.else?.title ?? `any other ${cond[0]}`);
      }
    } finally {
      await page.close();
    }
  }, 120_000);
});

describe('one theme for the whole site', () => {
  it('the toggle persists across pages, Redoc included, and badges stay legible in both themes', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    try {
      const page = await open('index.html', { context });
      expect(await page.evaluate(() => document.documentElement.className)).toContain('light');
      await page.click('.kg-theme-toggle');
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
      for (const file of ['stream.html', 'rest.html', 'playground.html', 'assumptions.html']) {
        await page.goto(`${site.origin}/${file}`);
        if (file === 'rest.html') await waitForRedoc(page);
        expect(await page.evaluate(() => document.documentElement.classList.contains('dark')), file).toBe(true);
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(luminance(bg), `${file} body ${bg}`).toBeLessThan(0.1);
      }
      for (const theme of ['dark', 'light']) {
        await page.goto(`${site.origin}/stream.html`);
        if (theme === 'light') await page.click('.kg-theme-toggle');
        const c = await page.locator('.kg-inferred-badge').first().evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor, (e as HTMLElement).innerText]);
        expect(c[2]).toBe('Not confirmed by the public docs');
        expect(contrast(c[0]!, c[1]!), `${theme}: ${c[0]} on ${c[1]}`).toBeGreaterThanOrEqual(4.5);
        await page.locator('.kg-inferred-badge').first().hover();
        await page.waitForTimeout(200);
        const tip = await page.locator('.kg-inferred-badge').first().evaluate((e) => { const s = getComputedStyle(e, '::after'); return { v: s.visibility, c: s.content, fg: s.color, bg: s.backgroundColor }; });
        expect(tip.v).toBe('visible');
        expect(tip.c).toMatch(/public reference/);
        expect(contrast(tip.fg, tip.bg)).toBeGreaterThanOrEqual(4.5);
      }
      // Light came back for rest.html too.
      await page.goto(`${site.origin}/rest.html`);
      await waitForRedoc(page);
      expect(await page.evaluate(() => document.documentElement.classList.contains('light'))).toBe(true);
    } finally {
      await context.close();
    }
  }, 180_000);
});

describe('one search across the site', () => {
  const cases: [string, RegExp, RegExp][] = [
    ['4009', /Close code/, /stream\.html#close-4009$/],
    ['createSession', /REST/, /rest\.html#\/sessions\/createsession$/],
    ['transcript.final', /Stream message/, /stream\.html#message-transcript-final$/],
    ['session.ended', /Webhook/, /rest\.html#\/|index\.html#webhooks/],
    ['idempotency', /Guide/, /index\.html#idempotency$/],
  ];
  it.each(PAGES)('works on %s, offline, for operations, messages, close codes, webhooks and guides', async (file) => {
    const page = await site.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const w = await watch(page);
    try {
      await page.goto(`${site.origin}/${file}`, { waitUntil: 'load' });
      if (file === 'rest.html') await waitForRedoc(page);
      for (const [q, kind, href] of cases) {
        await page.fill('#kg-search-input', q);
        const hits = page.locator('#kg-search-results a');
        await hits.first().waitFor();
        const all = await hits.evaluateAll((els) => els.map((e) => ({ kind: e.querySelector('.kg-search-kind')?.textContent ?? '', href: (e as HTMLAnchorElement).href })));
        expect(all.some((h) => kind.test(h.kind) && href.test(h.href)), `${q}: ${JSON.stringify(all.slice(0, 4))}`).toBe(true);
      }
      // Enter follows the first hit.
      await page.fill('#kg-search-input', '4009');
      await page.locator('#kg-search-results a').first().waitFor();
      await page.press('#kg-search-input', 'Enter');
      await page.waitForURL(/stream\.html#close-4009/);
      expect(await page.locator('#close-4009').isVisible()).toBe(true);
      expect(w.foreignRequests).toEqual([]);
      expect(w.consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});

describe('code blocks, links, downloads and samples', () => {
  it('every code block outside Redoc has highlighting and a copy button that copies its text', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
    try {
      for (const file of ['index.html', 'stream.html', 'playground.html']) {
        const page = await open(file, { context });
        const blocks = await page.locator('pre').evaluateAll((els) => els.filter((e) => !e.closest('#redoc')).map((e) => ({ copy: !!e.parentElement?.querySelector(':scope > .kg-code-bar .kg-copy'), hl: !!e.querySelector('.hljs, [class^="hljs-"]') || !e.querySelector('code[data-lang]'), dynamic: !!e.querySelector('code[id]') })));
        const stat = blocks.filter((b) => !b.dynamic);
        if (file !== 'playground.html') expect(stat.length, file).toBeGreaterThan(file === 'index.html' ? 3 : 8);
        for (const b of stat) expect(b, file).toEqual({ copy: true, hl: true, dynamic: false });
        const highlighted = await page.locator('pre code.hljs span[class^="hljs-"]').count();
        if (file !== 'playground.html') expect(highlighted, file).toBeGreaterThan(20);
        if (file === 'index.html') {
          const first = page.locator('#quickstart .kg-code').first();
          await first.locator('.kg-copy').click();
          await expect.poll(() => first.locator('.kg-copy').textContent()).toBe('Copied');
          expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('export KALLGLOT_API_KEY=sk_test_');
          // The bar sits above the code: the button covers no line of it.
          const btn = await first.locator('.kg-copy').boundingBox();
          const code = await first.locator('pre').boundingBox();
          expect(btn!.y + btn!.height).toBeLessThanOrEqual(code!.y + 1);
        }
        await page.close();
      }
    } finally {
      await context.close();
    }
  }, 180_000);

  it('links both spec downloads, lists the REST and stream mock URLs, starts the quickstart with the API key, and uses a portable UUID', async () => {
    const page = await open('index.html');
    try {
      expect(await page.locator('a[href="spec/openapi.json"]').count()).toBeGreaterThan(0);
      expect(await page.locator('a[href="spec/asyncapi.json"]').count()).toBeGreaterThan(0);
      for (const f of ['openapi.json', 'asyncapi.json']) {
        const res = await page.request.get(`${site.origin}/spec/${f}`);
        expect(res.status(), f).toBe(200);
        expect(Object.keys(await res.json())).toContain(f === 'openapi.json' ? 'openapi' : 'asyncapi');
      }
      const base = await page.locator('#base-urls').innerText();
      expect(base).toContain('http://127.0.0.1:4010');
      expect(base).toMatch(/ws:\/\/127\.0\.0\.1:4011/);
      expect(base).toContain('https://api.kallglot.com');
      const quick = page.locator('#quickstart');
      expect((await quick.locator('pre').first().innerText()).trim()).toMatch(/^export KALLGLOT_API_KEY=sk_test_/);
      const all = readFileSync(join(DIST, 'index.html'), 'utf8') + readFileSync(join(DIST, 'spec', 'openapi.json'), 'utf8') + readFileSync(join(DIST, 'rest.html'), 'utf8');
      expect(all).not.toContain('uuidgen');
      expect(readFileSync(join(DIST, 'spec', 'openapi.json'), 'utf8')).toContain("Idempotency-Key: $(node -e 'console.log(crypto.randomUUID())')");
      // The stream page downloads its document too; the REST page links the stream page for stream.url.
      expect(readFileSync(join(DIST, 'stream.html'), 'utf8')).toContain('href="spec/asyncapi.json"');
      const spec = JSON.parse(readFileSync(join(DIST, 'spec', 'openapi.json'), 'utf8'));
      const create = Object.values<any>(spec.paths['/v1/sessions']).find((o) => o.operationId === 'createSession');
      expect(create.description).toContain('stream.html#handshake');
    } finally {
      await page.close();
    }
  }, 120_000);
});

describe('mobile 390×844', () => {
  it.each(PAGES)('%s: no sideways scroll, the header fits, the menu opens and works', async (file) => {
    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    try {
      await page.goto(`${site.origin}/${file}`, { waitUntil: 'load' });
      if (file === 'rest.html') await page.waitForFunction(() => (window as any).kgRedocReady === true, undefined, { timeout: 60_000 });
      await page.waitForTimeout(300);
      const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth, bw: document.body.scrollWidth }));
      expect(m.sw, file).toBeLessThanOrEqual(m.iw);
      expect(m.bw, file).toBeLessThanOrEqual(m.iw);
      // Header: one row of 56 px, every control inside the viewport.
      const header = await page.locator('.kg-header').boundingBox();
      expect(header!.height).toBe(HEADER_H);
      const controls = await page.locator('.kg-header > *').evaluateAll((els) => els.map((e) => ({ r: e.getBoundingClientRect(), shown: getComputedStyle(e).display !== 'none', c: e.className })).filter((x) => x.shown && x.r.width > 0));
      for (const c of controls) {
        expect(c.r.left, c.c).toBeGreaterThanOrEqual(0);
        expect(c.r.right, c.c).toBeLessThanOrEqual(390);
        expect(c.r.top, c.c).toBeGreaterThanOrEqual(0);
        expect(c.r.bottom, c.c).toBeLessThanOrEqual(HEADER_H);
      }
      // Wide content scrolls inside its own box.
      const wide = await page.evaluate(() => [...document.querySelectorAll('.kg-table, .kg-code, pre')].filter((e) => !e.closest('#redoc')).map((e) => `${e.className || e.tagName} ${Math.round(e.getBoundingClientRect().right)}`).filter((r) => Number(r.split(' ').pop()) > 391));
      const loose = await page.evaluate(() => [...document.querySelectorAll('table')].filter((t) => !t.closest('#redoc') && !t.parentElement?.classList.contains('kg-table')).length);
      expect(loose, `${file}: tables outside a scroll box`).toBe(0);
      expect(wide, file).toEqual([]);
      await page.screenshot({ path: join(OUTPUT, `mobile-${file.replace('.html', '')}.png`) });
      // The menu: reachable, on screen, with the site links and this page's own sections.
      const button = page.locator('.kg-menu-button');
      const box = await button.boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      await button.tap();
      const drawer = page.locator('#kg-drawer');
      await drawer.waitFor({ state: 'visible' });
      const d = await drawer.boundingBox();
      expect(d!.x).toBeGreaterThanOrEqual(0);
      expect(d!.x + d!.width).toBeLessThanOrEqual(390);
      expect(d!.y).toBeGreaterThanOrEqual(HEADER_H);
      expect(await drawer.locator('nav a').count()).toBe(PAGES.length);
      const pageLinks = drawer.locator('.kg-drawer-page a');
      if (file !== 'playground.html') expect(await pageLinks.count(), file).toBeGreaterThan(1);
      await page.screenshot({ path: join(OUTPUT, `mobile-${file.replace('.html', '')}-menu.png`) });
      if (file !== 'playground.html') {
        const link = pageLinks.nth(1);
        const href = (await link.getAttribute('href')) ?? '';
        await link.tap();
        await expect.poll(() => page.evaluate(() => location.hash)).toBe(href.slice(href.indexOf('#')));
        expect(await drawer.isVisible()).toBe(false);
      }
    } finally {
      await context.close();
    }
  }, 120_000);

  it.each(PAGES)('%s: desktop screenshot', async (file) => {
    const page = await open(file);
    try {
      await page.screenshot({ path: join(OUTPUT, `desktop-${file.replace('.html', '')}.png`) });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    } finally {
      await page.close();
    }
  }, 120_000);
});

function rgb(color: string): number[] {
  const m = color.match(/rgba?\(([^)]+)\)/);
  if (!m) throw new Error(`not an rgb colour: ${color}`);
  return m[1]!.split(',').slice(0, 3).map((v) => Number(v.trim()));
}
function luminance(color: string): number {
  const [r = 0, g = 0, b = 0] = rgb(color).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [l1 = 0, l2 = 0] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}
void slug;
