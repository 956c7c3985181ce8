#!/usr/bin/env node
// Bundles the hand-authored contract (spec/openapi, spec/asyncapi) into dist/ as JSON and YAML.
// OpenAPI goes through Redocly's bundler; the AsyncAPI step lives in bundle-asyncapi.mjs.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, createConfig } from '@redocly/openapi-core';
import { stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = join(here, '..');
const specRoot = join(pkgRoot, '..', '..', 'spec');
const dist = join(pkgRoot, 'dist');
mkdirSync(dist, { recursive: true });

export function writeBoth(name, doc) {
  writeFileSync(join(dist, `${name}.json`), JSON.stringify(doc, null, 2) + '\n');
  writeFileSync(join(dist, `${name}.yaml`), stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }));
}

const config = await createConfig({ extends: ['minimal'] });
const { bundle: result, problems } = await bundle({
  ref: join(specRoot, 'openapi', 'openapi.yaml'),
  config,
  dereference: false,
  removeUnusedComponents: false,
});
const errors = problems.filter((p) => p.severity === 'error');
if (errors.length) {
  for (const p of errors) console.error(`openapi bundle: ${p.message} at ${p.location?.[0]?.pointer ?? '?'}`);
  process.exit(1);
}
writeBoth('openapi', result.parsed);
console.log(`bundled openapi → ${join(dist, 'openapi.{json,yaml}')}`);

if (existsSync(join(here, 'bundle-asyncapi.mjs'))) {
  const { bundleAsyncApi } = await import('./bundle-asyncapi.mjs');
  writeBoth('asyncapi', await bundleAsyncApi(join(specRoot, 'asyncapi', 'asyncapi.yaml')));
  console.log(`bundled asyncapi → ${join(dist, 'asyncapi.{json,yaml}')}`);
}
