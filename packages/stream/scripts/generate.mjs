#!/usr/bin/env node
// Runs @asyncapi/generator (v3 has no CLI) with our template over the bundled AsyncAPI document.
// Output: src/generated/{messages.ts, validators.js, validators.d.ts, schemas.json, json-limits.{js,d.ts}}. Never edit those by hand.
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = join(here, '..');
const template = join(pkgRoot, 'templates', 'kallglot-stream');
// KALLGLOT_GENERATE_OUT lets the tests regenerate elsewhere and compare with src/generated.
const outDir = process.env.KALLGLOT_GENERATE_OUT ? resolve(process.env.KALLGLOT_GENERATE_OUT) : join(pkgRoot, 'src', 'generated');

// KALLGLOT_ASYNCAPI overrides the input (tests and drafts); the default is @kallglot/spec's bundle.
const input = process.env.KALLGLOT_ASYNCAPI
  ? resolve(process.env.KALLGLOT_ASYNCAPI)
  : join(dirname(require.resolve('@kallglot/spec/package.json')), 'dist', 'asyncapi.json');
if (!existsSync(input)) {
  console.error(`generate: ${input} does not exist; run the spec bundle first (npx turbo run bundle --filter=@kallglot/spec)`);
  process.exit(1);
}

const Generator = require('@asyncapi/generator');
// Render into a private directory, then move each file into place: other tasks reading src/generated
// (tsc, tests) never see it empty or half-written.
const staging = `${outDir}.tmp-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const generator = new Generator(template, staging, { forceWrite: true, templateParams: {} });
try {
  await generator.generateFromFile(input);
} catch (err) {
  rmSync(staging, { recursive: true, force: true });
  rmSync(join(template, '__transpiled'), { recursive: true, force: true });
  console.error(`generate: failed on ${input}\n${err?.stack ?? err}`);
  if (err?.validationErrors) console.error(JSON.stringify(err.validationErrors, null, 2));
  process.exit(1);
}
// The JSON depth scanner is @kallglot/spec's (one scanner for every package), copied: this package depends on nothing.
const specDir = dirname(require.resolve('@kallglot/spec/package.json'));
for (const f of ['json-limits.js', 'json-limits.d.ts']) copyFileSync(join(specDir, f), join(staging, f));
mkdirSync(outDir, { recursive: true });
const produced = new Set(readdirSync(staging));
for (const f of produced) renameSync(join(staging, f), join(outDir, f));
for (const f of readdirSync(outDir)) if (!produced.has(f)) rmSync(join(outDir, f), { recursive: true, force: true });
rmSync(staging, { recursive: true, force: true });
// The generator transpiles the template in place; remove that so generate writes nothing outside src/generated.
rmSync(join(template, '__transpiled'), { recursive: true, force: true });
console.log(`generated ${outDir} from ${input}`);
