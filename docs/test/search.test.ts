// Search that answers: the queries people type land on their pages. The ranking is the browser's own code
// (src/client/search-rank.mjs, shipped as its source in assets/search-index.js), run here over the built index,
// then once more through the search box in Chromium to prove the page runs that same function.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types
import { createSearch } from '../src/client/search-rank.mjs';
// @ts-expect-error plain ESM module without types
import { HELPERS, cliHelp, flagsOf } from '../scripts/lib/tools.mjs';
import { DIST, ensureBuilt, readSearchIndex } from './helpers/site.js';
import { useChromiumSite } from './helpers/chromium-site.js';

type Entry = { k: string; t: string; s?: string; u: string };
let entries: Entry[] = [];
let search: (q: string, limit?: number) => Entry[];

beforeAll(() => {
  ensureBuilt();
  entries = readSearchIndex(join(DIST, 'assets', 'search-index.js')) as unknown as Entry[];
  search = createSearch(entries);
});

// [query, the page (URL) it must put in the top 3, and what must not beat it]
const CASES: [string, RegExp][] = [
  ['stream audio', /^stream\.html/],
  ['websocket', /^stream\.html$/],
  ['wav', /#helper-wavtomulaw8k$/],
  ['microphone', /#helper-(framechunker|chunkframes|sendaudio|resampleto8k)$/],
  ['sendAudio', /#helper-sendaudio$/],
  ['wavToMulaw8k', /#helper-wavtomulaw8k$/],
  ['chunkFrames', /#helper-chunkframes$/],
  ['kallglot-contract', /index\.html#kallglot-contract$/],
  ['kallglot-mock', /index\.html#kallglot-mock$/],
  ['--docs-port', /index\.html#kallglot-mock$/],
  ['junit', /index\.html#kallglot-contract$/],
  ['4002', /stream\.html#close-4002$/],
  ['signature', /index\.html#(webhooks-and-signatures|helper-verifywebhook)$/],
  ['verify webhook', /#helper-verifywebhook$/],
  ['close codes', /stream\.html#close-codes$/],
  ['idempotency', /index\.html#idempotency$/],
  ['pagination', /index\.html#pagination$/],
  ['rate limits', /index\.html#rate-limits-and-credits$/],
  ['create session', /rest\.html#\/sessions\/createsession$/],
  ['transcript.final', /stream\.html#message-transcript-final$/],
  ['mulaw', /#helper-(encodemulaw|wavtomulaw8k)$|stream\.html#audio-format$/],
  ['handshake', /stream\.html#handshake$/],
  ['api key', /index\.html#authentication$/],
];

describe('search ranking (the function the browser runs)', () => {
  it.each(CASES)('%s → top 3 holds %s', (q, page) => {
    const top = search(q, 3);
    expect(top.some((e) => page.test(e.u)), `${q}: ${JSON.stringify(top.map((e) => `${e.t} ${e.u}`))}`).toBe(true);
  });

  it('"stream audio" puts the stream page above "Download recording audio"', () => {
    const hits = search('stream audio', 10).map((e) => e.u);
    const stream = hits.findIndex((u) => u.startsWith('stream.html'));
    const download = hits.findIndex((u) => /download/i.test(u));
    expect(stream).toBe(0);
    if (download >= 0) expect(download).toBeGreaterThan(stream);
  });

  it('a title match outranks the same word in a body', () => {
    const top = search('pagination', 1)[0]!;
    expect(top.t).toBe('Pagination');
  });

  it('indexes every package helper the guide names, and they are real exports', async () => {
    const mods: Record<string, Record<string, unknown>> = {
      '@kallglot/stream': await import('@kallglot/stream'),
      '@kallglot/client': await import('@kallglot/client'),
    };
    for (const [pkg, name] of HELPERS as [string, string][]) {
      expect(entries.some((e) => e.k === 'Helper' && e.t === name), name).toBe(true);
      // sendAudio is a method of the stream client; everything else is exported by name.
      if (name !== 'sendAudio') expect(typeof mods[pkg]![name], `${pkg} exports ${name}`).toBe('function');
    }
  });

  it.each(['kallglot-mock', 'kallglot-contract'])('every flag of %s --help is findable and lands on its section', (bin) => {
    const flags = flagsOf(cliHelp(bin)) as string[];
    expect(flags.length).toBeGreaterThan(5);
    for (const flag of flags) {
      const top = search(flag, 3);
      expect(top.some((e) => e.u === `index.html#${bin}`), `${flag}: ${JSON.stringify(top.map((e) => e.t))}`).toBe(true);
    }
  });
});

describe('the search box in Chromium', () => {
  const site = useChromiumSite();

  it('shows what the ranking function returns, in order', async () => {
    const page = await site.browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${site.origin}/index.html`, { waitUntil: 'load' });
      for (const q of ['stream audio', 'wav', 'kallglot-contract', 'signature']) {
        await page.fill('#kg-search-input', q);
        const hits = page.locator('#kg-search-results a');
        await hits.first().waitFor();
        const shown = await hits.evaluateAll((els) => els.map((e) => e.getAttribute('href')));
        expect(shown, q).toEqual(search(q, 10).map((e) => e.u));
      }
    } finally {
      await page.close();
    }
  }, 120_000);
});
