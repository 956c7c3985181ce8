#!/usr/bin/env node
// The publish metadata every public workspace carries (repository, homepage, bugs, license, engines,
// publishConfig, keywords, a LICENSE file). `node scripts/package-metadata.mjs` writes what is missing or
// wrong; `--check` only reports it (exit 1). A new public package (say packages/contract) gets its fields
// from here, so nothing has to be remembered by hand. The test in test/release/metadata.test.ts runs --check.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicWorkspaces, root } from './lib/workspaces.mjs';

export const REPO = 'https://github.com/kallglot/kallglot-toolchain';
// The toolchain (mock, contract) follows its dependencies (Prism) to Node 24; the libraries users import stay
// on Node 20.19 (require(esm) without a flag).
export const TOOLCHAIN = new Set(['@kallglot/mock', '@kallglot/contract']);
export const NODE_TOOLCHAIN = '>=24';
export const NODE_LIBRARY = '>=20.19';

export function expectedFields(w) {
  return {
    homepage: `${REPO}/tree/main/${w.dir}#readme`,
    bugs: { url: `${REPO}/issues` },
    repository: { type: 'git', url: `git+${REPO}.git`, directory: w.dir },
    license: 'MIT',
    engines: { ...w.pkg.engines, node: TOOLCHAIN.has(w.pkg.name) ? NODE_TOOLCHAIN : NODE_LIBRARY },
    publishConfig: { ...w.pkg.publishConfig, access: 'public' },
  };
}

export function problems(w) {
  const out = [];
  for (const [k, v] of Object.entries(expectedFields(w))) {
    if (JSON.stringify(w.pkg[k]) !== JSON.stringify(v)) out.push(`${w.dir}: "${k}" should be ${JSON.stringify(v)}, is ${JSON.stringify(w.pkg[k])}`);
  }
  if (!Array.isArray(w.pkg.keywords) || !w.pkg.keywords.includes('kallglot')) out.push(`${w.dir}: "keywords" should include "kallglot"`);
  if (!existsSync(join(w.path, 'LICENSE'))) out.push(`${w.dir}: no LICENSE file`);
  if (!w.pkg.description) out.push(`${w.dir}: no "description"`);
  return out;
}

function fix(w) {
  const pkg = { ...w.pkg };
  Object.assign(pkg, expectedFields(w));
  if (!Array.isArray(pkg.keywords)) pkg.keywords = ['kallglot'];
  else if (!pkg.keywords.includes('kallglot')) pkg.keywords = ['kallglot', ...pkg.keywords];
  writeFileSync(join(w.path, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  if (!existsSync(join(w.path, 'LICENSE'))) copyFileSync(join(root, 'LICENSE'), join(w.path, 'LICENSE'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const all = publicWorkspaces().flatMap((w) => problems(w).map((p) => ({ w, p })));
  if (check) {
    for (const { p } of all) console.error(p);
    console.log(all.length ? `${all.length} metadata problem(s); run node scripts/package-metadata.mjs` : 'package metadata ok');
    process.exit(all.length ? 1 : 0);
  }
  for (const w of new Set(all.map((x) => x.w))) fix(w);
  console.log(`fixed ${all.length} problem(s)`);
}
