// What `npm publish` would ship, for every public workspace (found dynamically: every workspace without
// "private": true): metadata from scripts/package-metadata.mjs, the files the README links to, no source map
// that points at unshipped sources, LICENSE, publint (strict) and attw clean.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';
// @ts-expect-error plain ESM script without types
import { publicWorkspaces } from '../../scripts/lib/workspaces.mjs';

type Ws = { dir: string; path: string; pkg: Record<string, any> };
const pub = publicWorkspaces() as Ws[];
const require = createRequire(import.meta.url);
const attwBin = join(require.resolve('@arethetypeswrong/cli/package.json'), '..', 'dist', 'index.js');

function packFiles(w: Ws): Array<{ path: string }> {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: w.path, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0].files;
}

it('finds the public workspaces', () => {
  expect(pub.map((w) => w.pkg.name)).toEqual(expect.arrayContaining(['@kallglot/spec', '@kallglot/client', '@kallglot/stream', '@kallglot/mock']));
});

it('every public workspace has the publish metadata (scripts/package-metadata.mjs --check)', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/package-metadata.mjs'), '--check'], { encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
});

describe.each(pub.map((w) => [w.pkg.name, w] as const))('%s tarball', (_name, w) => {
  const files = packFiles(w).map((f) => f.path);

  it('ships README, LICENSE and package.json', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
  });

  it('ships every file its README links to (relative links)', () => {
    const readme = readFileSync(join(w.path, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l));
    const missing = links.filter((l) => !files.some((f) => f === l.replace(/^\.\//, '') || f.startsWith(`${l.replace(/^\.\//, '').replace(/\/$/, '')}/`)));
    expect(missing, `README links to files the tarball does not ship; add them to "files" or make the links absolute`).toEqual([]);
  });

  it('says npx @kallglot/mock, never the unscoped npx kallglot-mock', () => {
    expect(readFileSync(join(w.path, 'README.md'), 'utf8')).not.toMatch(/npx\s+kallglot-mock/);
  });

  it('ships no source map without its sources', () => {
    const bad = files
      .filter((f) => f.endsWith('.map'))
      .filter((f) => {
        const map = JSON.parse(readFileSync(join(w.path, f), 'utf8'));
        const shipped = (map.sources ?? []).every((s: string) => files.includes(join(f, '..', s)));
        return !shipped && !(map.sourcesContent ?? []).every((c: unknown) => typeof c === 'string');
      });
    expect(bad).toEqual([]);
  });

  it('is publint clean (strict)', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const { messages, pkg } = await publint({ pkgDir: w.path, strict: true, level: 'suggestion', pack: 'npm' });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  }, 120_000);

  /**
   * attw's JSON report (`attw --pack`). attw calls process.exit() right after writing a report with problems, so on
   * a pipe a large report arrives cut short (unterminated JSON at a fixed length). Its stdout goes to a file, which
   * Node writes synchronously; an unparseable report is still run again, at most twice, and each retry is logged.
   */
  function attwReport(cwd: string): { analysis?: { problems?: Record<string, unknown[]> } } {
    const dir = mkdtempSync(join(tmpdir(), 'kallglot-attw-'));
    try {
      for (let attempt = 1; ; attempt++) {
        const file = join(dir, `report-${attempt}.json`);
        const fd = openSync(file, 'w');
        const r = spawnSync(process.execPath, [attwBin, '--pack', '.', '--format', 'json'], { cwd, encoding: 'utf8', stdio: ['ignore', fd, 'pipe'], timeout: 120_000 });
        closeSync(fd);
        const out = readFileSync(file, 'utf8');
        try {
          return JSON.parse(out.slice(out.indexOf('{')));
        } catch (e) {
          if (attempt >= 3) throw new Error(`attw --pack gave no JSON report in ${attempt} runs (exit ${r.status}, ${out.length} bytes; stderr: ${r.stderr.slice(-300)}): ${(e as Error).message}`);
          console.warn(`attw --pack in ${cwd}: unparseable report (${out.length} bytes, exit ${r.status}); running it again (attempt ${attempt + 1} of 3)`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const hasJs = typeof w.pkg.exports?.['.'] === 'object' || typeof w.pkg.exports?.['.'] === 'string';
  it.runIf(hasJs)('is attw clean, node10 included (ESM only by design: require() of it needs Node 20.19+)', () => {
    const report = attwReport(w.path);
    const problems = (Object.values(report.analysis?.problems ?? {}).flat() as Array<{ kind: string; resolutionKind?: string; entrypoint?: string }>)
      .filter((p) => !(p.kind === 'CJSResolvesToESM' && p.resolutionKind === 'node16-cjs'))
      // node10 cannot see subpath exports; @kallglot/stream/audio is also on the package root.
      .filter((p) => !(w.pkg.name === '@kallglot/stream' && p.resolutionKind === 'node10' && p.entrypoint === './audio'));
    expect(problems).toEqual([]);
  }, 120_000);
});
