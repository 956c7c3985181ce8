#!/usr/bin/env node
// The facade's budgets (run after `npm run build`):
//  1. wall time of N sequential `kallglot.agents.retrieve(id)` ÷ the same route through the path client
//     (`GET /v1/agents/{agent_id}`), same loopback server in a child process, interleaved rounds (ABBA),
//     median of the per-round ratios. Goal <= 1.02.
//  2. bundle size, esbuild browser + minify, gzip -9: `new Kallglot()` with every resource <= 9,216 B (the
//     entry chunk: `sessions.connect()` loads @kallglot/stream with a dynamic import, split into its own
//     chunk, shown as an info row); the path client alone <= 6,144 B.
// Prints a report; with BENCH_OUT set, writes the JSON rows described in CONTRIBUTING.md.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, '..');
const dist = join(pkgDir, 'dist', 'index.js');
const { createKallglotClient, Kallglot } = await import(dist);

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 121);
const apiKey = 'sk_test_bench_0123456789';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round3 = (x) => Math.round(x * 1000) / 1000;

// --- 1. wall time -------------------------------------------------------------------------------
const child = fork(join(here, 'server.mjs'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const port = await new Promise((resolve, reject) => {
  child.once('error', reject);
  child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port));
});
const baseUrl = `http://127.0.0.1:${port}`;
const id = 'agt_01HXYZ123456789';
const path = createKallglotClient({ apiKey, baseUrl, throwOnError: true });
const kallglot = new Kallglot({ apiKey, baseUrl });
const contenders = {
  path: async () => (await path.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: id } } })).data,
  facade: () => kallglot.agents.retrieve(id),
};
async function timeRun(fn) {
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) if (!(await fn())?.id) throw new Error('no agent');
  return performance.now() - t0;
}
const names = Object.keys(contenders);
for (const n of names) for (let i = 0; i < 4; i++) await timeRun(contenders[n]); // warm-up
const times = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const n of round % 2 ? [...names].reverse() : names) times[n].push(await timeRun(contenders[n]));
}
child.disconnect();
child.kill();
const wallRatio = median(times.facade.map((t, i) => t / times.path[i]));

// --- 2. bundle size -----------------------------------------------------------------------------
async function chunks(contents) {
  const outdir = mkdtempSync(join(tmpdir(), 'kallglot-facade-bench-'));
  try {
    await build({ stdin: { contents, resolveDir: pkgDir, loader: 'js' }, bundle: true, minify: true, splitting: true, format: 'esm', platform: 'browser', outdir, logLevel: 'silent' });
    const files = readdirSync(outdir);
    const gz = (f) => gzipSync(readFileSync(join(outdir, f)), { level: 9 }).length;
    return { entry: gz('stdin.js'), lazy: files.filter((f) => f !== 'stdin.js').reduce((sum, f) => sum + gz(f), 0) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
const entry = JSON.stringify(dist);
const facade = await chunks(`import { Kallglot } from ${entry}; globalThis.k = new Kallglot({ apiKey: 'sk_test_x' });`);
const pathOnly = await chunks(`import { createKallglotClient } from ${entry}; globalThis.x = createKallglotClient;`);

const rows = [
  {
    metric: `facade wall time, ${REQUESTS} sequential kallglot.agents.retrieve() vs path client GET /v1/agents/{agent_id}, median of ${ROUNDS} interleaved rounds (per-round ratio)`,
    ours: round3(median(times.facade)),
    reference: round3(median(times.path)),
    unit: 'ms',
    ratio: round3(wallRatio),
    goal: '<= 1.02',
    holds: wallRatio <= 1.02,
  },
  { metric: 'bundle min+gzip: new Kallglot() with every resource (esbuild, browser, entry chunk)', ours: facade.entry, reference: 9216, unit: 'bytes', ratio: round3(facade.entry / 9216), goal: '<= 9216 B', holds: facade.entry <= 9216 },
  { metric: 'bundle min+gzip: path client alone (createKallglotClient)', ours: pathOnly.entry, reference: 6144, unit: 'bytes', ratio: round3(pathOnly.entry / 6144), goal: '<= 6144 B', holds: pathOnly.entry <= 6144 },
  { metric: 'bundle min+gzip: @kallglot/stream chunk loaded only by sessions.connect() (info)', ours: facade.lazy, reference: null, unit: 'bytes', ratio: null, goal: 'info', holds: null },
];
console.log('@kallglot/client facade benchmark');
console.log(`  facade ${median(times.facade).toFixed(1)} ms, path ${median(times.path).toFixed(1)} ms per ${REQUESTS} calls; facade ÷ path = ${wallRatio.toFixed(3)} (goal <= 1.02)`);
console.log(`  new Kallglot(): ${facade.entry} B (goal <= 9216), stream chunk loaded on connect(): ${facade.lazy} B; path client alone: ${pathOnly.entry} B (goal <= 6144)`);
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2));
