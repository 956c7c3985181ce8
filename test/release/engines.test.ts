// The Node baseline, read from package-lock.json (what `npm ci` installs):
//  - the toolchain (repo root, mock, contract) needs Node >= 24: every locked package's engines.node must accept
//    the root's minimum, so a clean `npm ci` on Node 24 prints no EBADENGINE warning (.ci/run counts them too);
//  - the libraries users install (client, stream, spec) promise Node >= 20.19: their production dependency
//    trees must accept 20.19.0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';
// @ts-expect-error plain ESM script without types
import { publicWorkspaces } from '../../scripts/lib/workspaces.mjs';
// @ts-expect-error plain ESM script without types
import { NODE_LIBRARY, NODE_TOOLCHAIN, TOOLCHAIN } from '../../scripts/package-metadata.mjs';

type Locked = { version?: string; engines?: { node?: string } | string[]; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; dev?: boolean; link?: boolean; resolved?: string };
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, Locked> };
const rootPkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const nodeRange = (p: Locked) => (p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined);
const accepts = (range: string, version: string) => semver.satisfies(version, range, { includePrerelease: true });

/** Where Node would resolve `name` from the package at lockfile key `from` (nested node_modules first). */
function resolveKey(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[key]) return lock.packages[key]!.link ? lock.packages[key]!.resolved : key;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
}

function productionTree(start: string): Map<string, Locked> {
  const seen = new Map<string, Locked>();
  const todo = [start];
  while (todo.length) {
    const key = todo.pop()!;
    if (seen.has(key)) continue;
    const p = lock.packages[key];
    if (!p) continue;
    seen.set(key, p);
    for (const name of Object.keys({ ...p.dependencies, ...p.optionalDependencies, ...p.peerDependencies })) {
      const k = resolveKey(key, name);
      if (k) todo.push(k);
    }
  }
  return seen;
}

it('the root and the toolchain packages declare the toolchain baseline', () => {
  expect(rootPkg.engines.node).toBe(NODE_TOOLCHAIN);
  for (const w of publicWorkspaces()) {
    expect(w.pkg.engines?.node, w.dir).toBe(TOOLCHAIN.has(w.pkg.name) ? NODE_TOOLCHAIN : NODE_LIBRARY);
  }
});

it(`every locked package accepts the newest Node 24 (no EBADENGINE on a clean npm ci)`, () => {
  // npx -y -p node@24 gives the newest 24.x; the test runs on it in CI.
  const v24 = process.version.startsWith('v24.') ? process.version.slice(1) : '24.99.0';
  const bad = Object.entries(lock.packages).filter(([, p]) => nodeRange(p) && !accepts(nodeRange(p)!, v24)).map(([k, p]) => `${k}: ${nodeRange(p)}`);
  expect(bad).toEqual([]);
});

describe.each(publicWorkspaces().filter((w: { pkg: { name: string } }) => !TOOLCHAIN.has(w.pkg.name)).map((w: { dir: string; pkg: { name: string } }) => [w.pkg.name, w.dir]))('%s', (_name, dir) => {
  it('its production dependencies all run on Node 20.19', () => {
    const tree = productionTree(dir as string);
    expect(tree.size).toBeGreaterThan(0);
    const bad = [...tree].filter(([, p]) => nodeRange(p) && !accepts(nodeRange(p)!, '20.19.0')).map(([k, p]) => `${k}: ${nodeRange(p)}`);
    expect(bad).toEqual([]);
  });
});
