#!/usr/bin/env node
// Site weight: total JavaScript the docs site ships (gzip), against the UIs it replaces: Redoc's standalone
// bundle plus the AsyncAPI React component's browser standalone bundle, both measured in this run.
// Run after `npm run build -w docs`. Prints a report; with BENCH_OUT set, writes the JSON rows there.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);
const PAGES = ['index.html', 'rest.html', 'stream.html', 'playground.html', 'assumptions.html'];
const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;

if (!PAGES.every((p) => existsSync(join(dist, p)))) {
  console.error('docs/dist is missing: run `npm run build -w docs` first');
  process.exit(1);
}

// Every script the site ships: inline <script> bodies (including the inlined spec Redoc hydrates from) and
// external script files, each counted once even when several pages load it.
const scripts = new Map();
for (const page of PAGES) {
  const html = readFileSync(join(dist, page), 'utf8');
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const src = /\bsrc=["']([^"']+)["']/i.exec(m[1])?.[1];
    if (/type=["']application\/(?:ld\+)?json["']/i.test(m[1])) continue;
    const body = src ? readFileSync(join(dist, src), 'utf8') : m[2];
    if (body.trim()) scripts.set(src ?? body, { page, bytes: Buffer.byteLength(body), gzip: gz(body) });
  }
}
const ours = [...scripts.values()].reduce((sum, s) => sum + s.gzip, 0);

// References: the Redoc standalone bundle (the one @redocly/cli ships and inlines) and AsyncAPI's UI bundle.
const redocPath = join(dirname(require.resolve('@redocly/cli/package.json')), 'lib', 'chunks', 'redoc.standalone.js');
const asyncapiPath = join(dirname(require.resolve('@asyncapi/react-component/package.json')), 'browser', 'standalone', 'index.js');
const redoc = gz(readFileSync(redocPath, 'utf8'));
const asyncapiUi = gz(readFileSync(asyncapiPath, 'utf8'));
const reference = redoc + asyncapiUi;
const ratio = ours / reference;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

console.log('docs site: JavaScript shipped (gzip -9)');
for (const [, s] of scripts) console.log(`  ${s.page.padEnd(12)} ${kb(s.bytes).padStart(11)} raw  ${kb(s.gzip).padStart(10)} gzip`);
console.log(`  total        ${kb(ours).padStart(27)} gzip`);
console.log(`reference: Redoc standalone ${kb(redoc)} + AsyncAPI UI standalone ${kb(asyncapiUi)} = ${kb(reference)} gzip`);
console.log(`ratio ${ratio.toFixed(3)} (goal <= 1.1): ${ratio <= 1.1 ? 'holds' : 'DOES NOT HOLD'}`);

const rows = [
  { metric: 'docs: site JS shipped, gzip', ours, reference, unit: 'B', ratio, goal: '<= 1.1', holds: ratio <= 1.1 },
];
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2));
