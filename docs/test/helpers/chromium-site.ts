// The built site served over HTTP on 127.0.0.1 and one headless Chromium, for the tests of a file or a describe
// block: started in its beforeAll (building the site first if it is missing), closed in its afterAll.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { OUTPUT, ensureBuilt, launchChromium, serveDist } from './site.js';

export interface ChromiumSite {
  readonly browser: Browser;
  /** `http://127.0.0.1:<port>` serving docs/dist. */
  readonly origin: string;
}

export function useChromiumSite(): ChromiumSite {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serveDist>> | undefined;
  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(OUTPUT, { recursive: true });
    server = await serveDist();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('useChromiumSite: Chromium is not started (use it inside the tests of the block that called it)');
      return browser;
    },
    get origin() {
      if (!server) throw new Error('useChromiumSite: the site is not served (use it inside the tests of the block that called it)');
      return server.origin;
    },
  };
}
