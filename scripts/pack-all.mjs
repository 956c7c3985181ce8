#!/usr/bin/env node
// `npm run pack:all`: every public package's tarball in one folder (default ./tarballs), for installing the
// toolchain into an app before a registry publish. It builds first (turbo), packs each public workspace
// (scripts/lib/workspaces.mjs) with `npm pack`, and prints the one `npm install` line that installs them
// together (installed together, each package's @kallglot/* dependency resolves to its sibling tarball).
// Usage: node scripts/pack-all.mjs [--out DIR] [--no-build]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { publicWorkspaces, root } from './lib/workspaces.mjs';

const args = process.argv.slice(2);
const out = resolve(args.includes('--out') ? args[args.indexOf('--out') + 1] : join(root, 'tarballs'));
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off' };

function run(cmd, cmdArgs, cwd) {
  const r = spawnSync(cmd, cmdArgs, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    console.error(`pack:all: ${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal}) in ${cwd}`);
    process.exit(1);
  }
  return r.stdout;
}

if (!args.includes('--no-build')) run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], root);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const w of publicWorkspaces()) run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', out], w.path);
const files = readdirSync(out).filter((f) => f.endsWith('.tgz')).sort();
console.log(`${files.length} tarballs in ${relative(process.cwd(), out) || '.'}:`);
for (const f of files) console.log(`  ${f}`);
console.log(`\nIn your app (an ES module package: npm pkg set type=module):\n  npm install ${files.map((f) => join(out, f)).join(' ')}`);
