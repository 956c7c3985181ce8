// Install scripts are a reviewed choice (CONTRIBUTING.md "Install scripts"): every installed package with an
// install script is approved or denied in the root package.json's allowScripts, and the telemetry one is denied.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';

const allow = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).allowScripts as Record<string, boolean>;

it('npm install-scripts ls finds no unreviewed install script', () => {
  const r = spawnSync('npm', ['install-scripts', 'ls'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(`${r.stdout}${r.stderr}`).toContain('No packages with unreviewed install scripts');
});

it('allows what the build needs and refuses telemetry', () => {
  expect(allow['@scarf/scarf']).toBe(false);
  expect(allow.esbuild).toBe(true);
});
