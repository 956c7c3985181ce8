#!/usr/bin/env node
// Page budget in Chromium with CDP throttling (4× CPU slowdown, 9 Mbps down, 60 ms RTT), the site served from
// dist/ by a static server that gzips like any static host: largest contentful paint of every page (median of
// RUNS cold loads, goal ≤ 1000 ms), total blocking time of each page (REST page reported), and the gzipped
// JavaScript the playground ships (goal ≤ 150 KB). Run after the build; BENCH_OUT=file.json writes the rows.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const PAGES = ['index.html', 'rest.html', 'stream.html', 'playground.html', 'assumptions.html'];
const RUNS = Number(process.env.RUNS ?? 3);
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.wav': 'audio/wav' };
if (!PAGES.every((p) => existsSync(join(dist, p)))) {
  console.error('docs/dist is missing: run `npm run build -w docs` first');
  process.exit(1);
}

const cache = new Map();
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = normalize(join(dist, path));
  if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
  if (!cache.has(file)) cache.set(file, gzipSync(readFileSync(file), { level: 9 }));
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-encoding': 'gzip', 'cache-control': 'no-store' }).end(cache.get(file));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

// Collected in the page from the first byte: LCP candidates and long tasks.
const OBSERVE = () => {
  window.__lcp = 0;
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lcp = e.renderTime || e.loadTime || e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
};

async function measure(file) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(OBSERVE);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 60, downloadThroughput: (9e6 / 8), uploadThroughput: (9e6 / 8) });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(`${origin}/${file}`, { waitUntil: 'load', timeout: 120_000 });
  await page.waitForTimeout(2500); // let hydration and late paints finish
  const r = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
    const tbt = window.__long.filter(([s]) => s >= fcp).reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0);
    const nav = performance.getEntriesByType('navigation')[0];
    return { lcp: window.__lcp, fcp, tbt, load: nav?.loadEventEnd ?? 0 };
  });
  await context.close();
  return r;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
console.log(`docs pages: Chromium, 4× CPU slowdown, 9 Mbps, 60 ms RTT, gzip, ${RUNS} cold loads each (median)`);
for (const file of PAGES) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(file));
  const lcp = median(runs.map((r) => r.lcp));
  const tbt = median(runs.map((r) => r.tbt));
  const fcp = median(runs.map((r) => r.fcp));
  console.log(`  ${file.padEnd(17)} LCP ${lcp.toFixed(0).padStart(5)} ms  FCP ${fcp.toFixed(0).padStart(5)} ms  TBT ${tbt.toFixed(0).padStart(5)} ms  load ${median(runs.map((r) => r.load)).toFixed(0)} ms`);
  rows.push({ metric: `docs: ${file} largest contentful paint (throttled)`, ours: Math.round(lcp), reference: 1000, unit: 'ms', ratio: lcp / 1000, goal: '<= 1', holds: lcp <= 1000 });
  rows.push({ metric: `docs: ${file} total blocking time (throttled)`, ours: Math.round(tbt), reference: null, unit: 'ms', ratio: null, goal: 'info', holds: null });
}
await browser.close();
server.close();

const html = readFileSync(join(dist, 'playground.html'), 'utf8');
// Every script file the page loads (directly or injected after load) plus the search index site.js pulls in.
    const scripts = [...new Set([...[...html.matchAll(/assets\/[\w.-]+\.js/g)].map((m) => m[0]), 'assets/search-index.js'])];
const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('');
const js = scripts.reduce((n, s) => n + gzipSync(readFileSync(join(dist, s)), { level: 9 }).length, 0) + gzipSync(inline, { level: 9 }).length;
console.log(`  playground JS      ${(js / 1024).toFixed(1)} KiB gzip (goal <= 150 KB): ${scripts.join(', ')} + inline`);
rows.push({ metric: 'docs: playground JavaScript, gzip', ours: js, reference: 150 * 1024, unit: 'B', ratio: js / (150 * 1024), goal: '<= 1', holds: js <= 150 * 1024 });
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2));
