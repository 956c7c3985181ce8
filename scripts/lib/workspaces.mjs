// The workspaces of this monorepo, read from the root package.json (globs like "packages/*" expanded).
// `publicWorkspaces()` is every workspace without `"private": true`: what the release flow publishes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function workspaces(base = root) {
  const globs = JSON.parse(readFileSync(join(base, 'package.json'), 'utf8')).workspaces ?? [];
  const dirs = [];
  for (const g of globs) {
    if (g.endsWith('/*')) {
      const parent = join(base, g.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const d of readdirSync(parent).sort()) dirs.push(`${g.slice(0, -2)}/${d}`);
    } else dirs.push(g);
  }
  return dirs
    .filter((d) => existsSync(join(base, d, 'package.json')))
    .map((dir) => ({ dir, path: join(base, dir), pkg: JSON.parse(readFileSync(join(base, dir, 'package.json'), 'utf8')) }));
}

export const publicWorkspaces = (base = root) => workspaces(base).filter((w) => !w.pkg.private);
