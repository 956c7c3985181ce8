#!/usr/bin/env node
// @kallglot/client benchmark (run after `npm run build`):
//  1. wall time of N sequential GETs through createKallglotClient ÷ the same GETs with raw fetch
//     (the same request on the wire: the client's four headers, then a JSON parse), against a loopback
//     node:http server in a child process; many short interleaved runs (ABBA order), median of the
//     per-round ratios. Goal <= 1.05. Reference rows (not goals) show where the cost comes from: raw fetch
//     with only auth + Accept (what two more header lines cost), raw fetch plus a 60 s AbortController
//     timeout (the floor for any timeout that really aborts), and openapi-fetch alone (same headers).
//  2. bundle size, esbuild min + gzip: @kallglot/client ÷ openapi-fetch's own. Goal <= 2.
// Prints a report; with BENCH_OUT set, writes the JSON rows described in CONTRIBUTING.md.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import createClient from 'openapi-fetch';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, '..');
const { createKallglotClient, VERSION } = await import(join(pkgDir, 'dist', 'index.js'));

// Short rounds, many of them: each round's runs are close in time, so per-round ratios cancel the load
// drift of a shared machine; the median over ~100 rounds is stable to about ±2 %.
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 121);
const apiKey = 'sk_test_bench_0123456789';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// --- 1. wall time -------------------------------------------------------------------------------
const child = fork(join(here, 'server.mjs'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const port = await new Promise((resolve, reject) => {
  child.once('error', reject);
  child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port));
});
const baseUrl = `http://127.0.0.1:${port}`;
const url = `${baseUrl}/v1/agents/agt_01HXYZ123456789`;

const client = createKallglotClient({ apiKey, baseUrl });
// Same client without the per-attempt timeout: shows what the AbortSignal handed to undici costs.
const clientNoTimeout = createKallglotClient({ apiKey, baseUrl, timeoutMs: 0 });
// What createKallglotClient sends on every request (src/client.ts); raw fetch and openapi-fetch send the same.
const clientId = `kallglot-client-js/${VERSION}`;
const sameHeaders = { Authorization: `Bearer ${apiKey}`, Accept: 'application/json', 'User-Agent': clientId, 'X-Kallglot-Client': clientId };
const bare = createClient({ baseUrl, headers: sameHeaders });
const contenders = {
  raw: async () => {
    const res = await fetch(url, { headers: sameHeaders });
    if (!res.ok) throw new Error(`raw ${res.status}`);
    return res.json();
  },
  'raw, auth + Accept': async () => {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' } });
    if (!res.ok) throw new Error(`raw ${res.status}`);
    return res.json();
  },
  'raw, + 60 s timeout': async () => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 60_000);
    try {
      const res = await fetch(url, { headers: sameHeaders, signal: ac.signal });
      if (!res.ok) throw new Error(`raw ${res.status}`);
      return await res.json();
    } finally {
      clearTimeout(timer);
    }
  },
  client: async () => {
    const r = await client.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_01HXYZ123456789' } } });
    if (!r.data) throw new Error(`client ${r.response.status}`);
    return r.data;
  },
  'client, timeoutMs 0': async () => {
    const r = await clientNoTimeout.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_01HXYZ123456789' } } });
    if (!r.data) throw new Error(`client ${r.response.status}`);
    return r.data;
  },
  'openapi-fetch': async () => {
    const r = await bare.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: 'agt_01HXYZ123456789' } } });
    if (!r.data) throw new Error(`openapi-fetch ${r.response.status}`);
    return r.data;
  },
};
async function timeRun(fn) {
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) await fn();
  return performance.now() - t0;
}
const names = Object.keys(contenders);
for (const n of names) for (let i = 0; i < 4; i++) await timeRun(contenders[n]); // warm-up: JIT, sockets
const times = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...names].reverse() : names;
  for (const n of order) times[n].push(await timeRun(contenders[n]));
}
child.disconnect();
child.kill();
const med = Object.fromEntries(names.map((n) => [n, median(times[n])]));
// Runs of one round are adjacent in time, so their ratio cancels drift in machine load.
const pairedRatio = (n) => median(times[n].map((t, i) => t / times.raw[i]));
const perReq = (n) => (med[n] / REQUESTS) * 1000;

// --- 2. bundle size -----------------------------------------------------------------------------
// Code splitting on, as bundlers do for dynamic imports: the entry chunk is measured. (The only dynamic import,
// sessions.connect()'s @kallglot/stream, is a chunk loaded on demand; bench/facade.bench.mjs reports its size.)
async function minGzip(contents) {
  const outdir = mkdtempSync(join(tmpdir(), 'kallglot-client-bench-'));
  try {
    await build({ stdin: { contents, resolveDir: pkgDir, loader: 'js' }, bundle: true, minify: true, splitting: true, outdir, format: 'esm', platform: 'browser', logLevel: 'silent' });
    const bytes = readFileSync(join(outdir, 'stdin.js'));
    return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
const dist = JSON.stringify(join(pkgDir, 'dist', 'index.js'));
const size = {
  clientEntry: await minGzip(`import { createKallglotClient } from ${dist}; globalThis.x = createKallglotClient;`),
  openapiFetchEntry: await minGzip(`import createClient from 'openapi-fetch'; globalThis.x = createClient;`),
  wholePackage: await minGzip(`export * from ${dist};`),
  openapiFetchWhole: await minGzip(`export * from 'openapi-fetch'; export { default } from 'openapi-fetch';`),
};

// --- report -------------------------------------------------------------------------------------
const round3 = (x) => Math.round(x * 1000) / 1000;
const wallRatio = pairedRatio('client');
const sizeRatio = size.clientEntry.gzip / size.openapiFetchEntry.gzip;
const wholeRatio = size.wholePackage.gzip / size.openapiFetchWhole.gzip;
const rows = [
  {
    metric: `client wall time, ${REQUESTS} sequential GETs, median of ${ROUNDS} interleaved rounds (ratio = median of per-round client÷raw) vs raw fetch sending the same headers`,
    ours: round3(med.client),
    reference: round3(med.raw),
    unit: 'ms',
    ratio: round3(wallRatio),
    goal: '<= 1.05',
    holds: wallRatio <= 1.05,
  },
  {
    metric: 'bundle min+gzip: createKallglotClient vs openapi-fetch createClient (esbuild, browser)',
    ours: size.clientEntry.gzip,
    reference: size.openapiFetchEntry.gzip,
    unit: 'bytes',
    ratio: round3(sizeRatio),
    goal: '<= 2',
    holds: sizeRatio <= 2,
  },
  {
    metric: 'bundle min+gzip: whole @kallglot/client (incl. webhooks and the facade; entry chunk) vs whole openapi-fetch',
    ours: size.wholePackage.gzip,
    reference: size.openapiFetchWhole.gzip,
    unit: 'bytes',
    ratio: round3(wholeRatio),
    goal: '<= 2',
    holds: wholeRatio <= 2,
  },
];

console.log('@kallglot/client benchmark');
console.log(`  wall time, ${REQUESTS} sequential GETs on loopback, median of ${ROUNDS} interleaved runs:`);
for (const n of names) console.log(`    ${n.padEnd(22)} ${med[n].toFixed(1).padStart(8)} ms  (${perReq(n).toFixed(1)} µs/request)  ÷ raw ${pairedRatio(n).toFixed(3)}`);
console.log(`    client ÷ raw fetch = ${wallRatio.toFixed(3)} (median of per-round ratios; goal <= 1.05); ratio of medians ${(med.client / med.raw).toFixed(3)}`);
console.log('  bundle, esbuild minify + gzip -9:');
for (const [k, v] of Object.entries(size)) console.log(`    ${k.padEnd(18)} ${String(v.min).padStart(6)} B min  ${String(v.gzip).padStart(6)} B gzip`);
console.log(`    createKallglotClient ÷ openapi-fetch createClient = ${sizeRatio.toFixed(3)} (goal <= 2); whole package ÷ whole openapi-fetch = ${wholeRatio.toFixed(3)}`);
console.log(`    (for reference: createKallglotClient ÷ whole openapi-fetch = ${(size.clientEntry.gzip / size.openapiFetchWhole.gzip).toFixed(3)})`);
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2));
