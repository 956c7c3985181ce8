#!/usr/bin/env node
// `npm run release`: the one release flow, run by maintainers and by test/release/ against a local registry.
//   1. `changeset version`   pending .changeset/*.md → new versions, internal ranges, per-package CHANGELOG.md
//   2. `npm install --package-lock-only`  the lockfile follows the new versions      (--no-lockfile skips)
//   3. `turbo run build`     every package's dist/                                    (--no-build skips)
//   4. scripts/update-baseline.mjs  the breaking-change gate's baseline moves to this release
//   5. `changeset publish`   every public workspace whose version the registry does not have yet
// Options: --registry URL (publish there; default: npm's config), --no-git-tag, --no-publish, --dry-run
// (version + baseline only, nothing published), --cwd DIR (a copy of the repository; the release test uses it).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root as repoRoot, publicWorkspaces } from './lib/workspaces.mjs';

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const flag = (name) => args.includes(name);
const cwd = opt('--cwd') ?? repoRoot;
const registry = opt('--registry');
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off' };
if (registry) env.npm_config_registry = registry;
// The tools come from this repository's node_modules, so a bare copy of the sources (--cwd) works too.
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);

function step(title, cmd, cmdArgs) {
  console.log(`\n== release: ${title}\n$ ${[cmd, ...cmdArgs].join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd, env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`release: ${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const pending = existsSync(join(cwd, '.changeset')) ? readdirSync(join(cwd, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md') : [];
if (pending.length) step(`version (${pending.length} changeset(s))`, bin('changeset'), ['version']);
else console.log('== release: no pending changesets; publishing the versions as they are');
if (!flag('--no-lockfile') && pending.length) step('lockfile', 'npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']);
if (!flag('--no-build')) step('build', bin('turbo'), ['run', 'build']);
step('breaking-change baseline', process.execPath, [join(repoRoot, 'scripts', 'update-baseline.mjs'), '--root', cwd]);
for (const w of publicWorkspaces(cwd)) console.log(`   ${w.pkg.name}@${w.pkg.version}`);
if (flag('--dry-run') || flag('--no-publish')) process.exit(0);
step('publish', bin('changeset'), ['publish', ...(flag('--no-git-tag') ? ['--no-git-tag'] : [])]);
