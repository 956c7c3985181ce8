#!/usr/bin/env node
// Records the "last released" contract that the breaking-change gate compares against:
//   test/baseline/openapi.json      <- packages/spec/dist/openapi.json
//   test/baseline/asyncapi.json     <- packages/spec/dist/asyncapi.json
//   test/baseline/client-openapi.ts <- packages/client/src/generated/openapi.ts (the consumer type check)
//   test/baseline/baseline.json     <- when, from what (sha256 of each file)
// Run it after a release (or when a breaking change is accepted on purpose):
//   npx turbo run build --filter=@kallglot/client... && node scripts/update-baseline.mjs
// scripts/release.mjs runs it on every release (the baseline moves with the published versions, which
// baseline.json records). `--root DIR` works on another copy of the repository (the release test uses it).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicWorkspaces } from './lib/workspaces.mjs';

const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? process.argv[rootArg + 1] : join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test', 'baseline');
const files = [
  ['packages/spec/dist/openapi.json', 'openapi.json'],
  ['packages/spec/dist/asyncapi.json', 'asyncapi.json'],
  ['packages/client/src/generated/openapi.ts', 'client-openapi.ts'],
];

const missing = files.filter(([src]) => !existsSync(join(root, src))).map(([src]) => src);
if (missing.length) {
  console.error(`update-baseline: missing ${missing.join(', ')}; build first: npx turbo run build --filter=@kallglot/client...`);
  process.exit(1);
}
for (const [src] of files.slice(0, 2)) {
  try {
    JSON.parse(readFileSync(join(root, src), 'utf8'));
  } catch (err) {
    console.error(`update-baseline: ${src} is not valid JSON: ${err.message}`);
    process.exit(1);
  }
}
mkdirSync(out, { recursive: true });
const meta = { updated_at: new Date().toISOString(), files: {} };
for (const [src, dest] of files) {
  copyFileSync(join(root, src), join(out, dest));
  meta.files[dest] = { from: src, sha256: createHash('sha256').update(readFileSync(join(out, dest))).digest('hex') };
  console.log(`baseline: ${src} → ${relative(root, join(out, dest))}`);
}
const spec = JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8'));
meta.openapi_version = spec.info?.version ?? null;
// The package versions this baseline was released with.
meta.released = Object.fromEntries(
  publicWorkspaces(root).map((w) => [w.pkg.name, w.pkg.version]),
);
writeFileSync(join(out, 'baseline.json'), JSON.stringify(meta, null, 2) + '\n');
