// Layout at the widths people use (issue: at 1280 px the Stream page's code panel was 342 px wide for 953 px
// lines; at 390 px the playground's Webhooks tab was cut off), measured with getBoundingClientRect in Chromium.
import { describe, expect, it } from 'vitest';
import { useChromiumSite } from './helpers/chromium-site.js';

const site = useChromiumSite();

describe('layout', () => {
  it.each([1280, 1366])('at %i px the Stream page shows its code examples whole (no panel narrower than its lines)', async (width) => {
    const page = await site.browser.newPage({ viewport: { width, height: 900 } });
    try {
      await page.goto(`${site.origin}/stream.html`, { waitUntil: 'load' });
      const panels = await page.locator('#handshake .kg-aside pre').evaluateAll((els) =>
        els.map((e) => ({ width: e.getBoundingClientRect().width, lines: e.scrollWidth, right: e.getBoundingClientRect().right })),
      );
      expect(panels.length).toBeGreaterThan(0);
      for (const p of panels) {
        expect(p.width, JSON.stringify(p)).toBeGreaterThanOrEqual(Math.min(p.lines, 900));
        expect(p.right).toBeLessThanOrEqual(width);
      }
      // The panels take the page column (not a third of it): lines up to 900 px fit without scrolling.
      expect(Math.min(...panels.map((p) => p.width))).toBeGreaterThanOrEqual(Math.min(900, width - 300 - 64));
    } finally {
      await page.close();
    }
  }, 60_000);

  it('at 390 px every playground tab is inside the viewport, Webhooks included, and opens', async () => {
    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    try {
      await page.goto(`${site.origin}/playground.html`, { waitUntil: 'load' });
      const tabs = await page.locator('.kg-tabs [role="tab"]').evaluateAll((els) => els.map((e) => ({ id: e.id, ...e.getBoundingClientRect().toJSON() })));
      expect(tabs.map((t) => t.id)).toEqual(['tab-rest', 'tab-stream', 'tab-webhooks']);
      for (const t of tabs) {
        expect(t.left, t.id).toBeGreaterThanOrEqual(0);
        expect(t.right, t.id).toBeLessThanOrEqual(390);
        expect(t.width, t.id).toBeGreaterThan(60);
      }
      await page.waitForFunction(() => (window as any).kgPlayground?.ready === true);
      await page.tap('#tab-webhooks');
      expect(await page.getAttribute('#tab-webhooks', 'aria-selected')).toBe('true');
      expect(await page.locator('#webhooks').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  }, 60_000);
});
