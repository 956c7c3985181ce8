// "Use it in your app" (root README): `npm run pack:all` writes one tarball per public package to one folder,
// and the one `npm install` line it prints installs them together into an empty ES module app, where the
// libraries import and the mock's bin, with its docs site, is there.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';
import { retryNpm } from '../helpers/npm-retry.ts';
// @ts-expect-error plain ESM script without types
import { publicWorkspaces } from '../../scripts/lib/workspaces.mjs';

const work = mkdtempSync(join(tmpdir(), 'kallglot-pack-all-'));
const out = join(work, 'tarballs');
const app = join(work, 'my-app');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const runAsync = (cmd: string, args: string[], cwd: string) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, out: text })));
  });

it('pack:all writes every public package to one folder and prints one install line that installs them together', async () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'pack-all.mjs'), '--no-build', '--out', out], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  const names = (publicWorkspaces() as Array<{ pkg: { name: string; version: string } }>).map((w) => `${w.pkg.name.replace('@', '').replace('/', '-')}-${w.pkg.version}.tgz`).sort();
  expect(readdirSync(out).sort()).toEqual(names);
  const line = r.stdout.split('\n').find((l) => l.trim().startsWith('npm install '))!.trim();
  expect(line.split(' ').slice(2)).toEqual(names.map((n) => join(out, n)));

  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }));
  const args = [...line.split(' ').slice(1), '--prefer-offline'];
  const installed = await retryNpm('npm install (pack:all tarballs)', () => runAsync('flock', ['-w', '600', '/tmp/kallglot-npm.lock', 'npm', ...args], app));
  expect(installed.code, installed.out).toBe(0);
  writeFileSync(join(app, 'main.js'), "import { createKallglotClient } from '@kallglot/client';\nimport { wavToMulaw8k, chunkFrames } from '@kallglot/stream';\nconsole.log([createKallglotClient, wavToMulaw8k, chunkFrames].map((f) => typeof f).join(' '));\n");
  const ran = spawnSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' });
  expect(ran.stdout.trim(), ran.stderr).toBe('function function function');
  expect(existsSync(join(app, 'node_modules', '.bin', 'kallglot-mock'))).toBe(true);
  expect(existsSync(join(app, 'node_modules', '@kallglot', 'docs', 'dist', 'index.html'))).toBe(true);
}, 1_200_000);
