// A throw-away copy of the repo for tests that build, delete outputs or edit files: the real checkout is
// shared with other work in progress, so nothing here ever writes to it. The copy looks like a fresh clone
// (no dist/, src/generated/ or caches, a fresh .git); node_modules is a shim of symlinks into the real one, except
// the @kallglot/* workspace links, which point at the copy's own packages.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { repoRoot } from './paths.ts';

const SKIP = new Set(['node_modules', '.git', '.turbo', 'dist', '.test-results', 'test-output', '.tmp']);

export interface Sandbox {
  dir: string;
  cacheDir: string;
  workspaces: { name: string; dir: string }[];
  run(cmd: string, args: string[], opts?: { cwd?: string }): SpawnSyncReturns<string>;
  turbo(args: string[]): SpawnSyncReturns<string>;
  cleanup(): void;
}

export function makeSandbox(opts: { seedCache?: boolean } = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'kallglot-sandbox-'));
  cpSync(repoRoot, dir, {
    recursive: true,
    filter: (src) => {
      const name = basename(src);
      if (SKIP.has(name)) return false;
      // Generated code is git-ignored: a fresh clone has none.
      if (name === 'generated' && src.split(sep).slice(-2)[0] === 'src') return false;
      return true;
    },
  });
  const rootPkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const workspaces = (rootPkg.workspaces as string[]).map((ws) => ({
    name: JSON.parse(readFileSync(join(repoRoot, ws, 'package.json'), 'utf8')).name as string,
    dir: ws,
  }));

  // node_modules shim
  const realNm = join(repoRoot, 'node_modules');
  const nm = join(dir, 'node_modules');
  mkdirSync(nm);
  for (const entry of readdirSync(realNm)) {
    if (entry === '@kallglot') continue;
    symlinkSync(join(realNm, entry), join(nm, entry));
  }
  mkdirSync(join(nm, '@kallglot'));
  for (const ws of workspaces) {
    if (ws.name.startsWith('@kallglot/')) {
      symlinkSync(join(dir, ws.dir), join(nm, ws.name));
    }
    const wsNm = join(repoRoot, ws.dir, 'node_modules');
    if (existsSync(wsNm) && lstatSync(wsNm).isDirectory()) symlinkSync(wsNm, join(dir, ws.dir, 'node_modules'));
  }

  // A fresh clone has git: turbo then hashes tracked + untracked-but-not-ignored files, so git-ignored
  // outputs (dist/, src/generated/) are not inputs. Without .git it would hash them too. `git init` in the
  // copy (no commit needed) gives the clone's behaviour without touching the real repository.
  const git = spawnSync('git', ['init', '-q'], { cwd: dir, encoding: 'utf8' });
  if (git.status !== 0) throw new Error(`git init in the sandbox failed: ${git.stderr}`);

  // Seeding the cache from the real checkout only saves time: a hit still means identical inputs.
  const cacheDir = join(dir, '.turbo', 'cache');
  mkdirSync(cacheDir, { recursive: true });
  const realCache = join(repoRoot, '.turbo', 'cache');
  if (opts.seedCache && existsSync(realCache)) {
    try {
      cpSync(realCache, cacheDir, { recursive: true });
    } catch {
      // another process may be writing the real cache right now; an empty cache is merely slower
    }
  }

  // Drop the TURBO_* variables of an enclosing `turbo run test` so the nested turbo behaves like a fresh one.
  const outer = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TURBO_')));
  const env = {
    ...outer,
    TURBO_TELEMETRY_DISABLED: '1',
    REDOCLY_TELEMETRY: 'off',
    TURBO_NO_UPDATE_NOTIFIER: '1',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
  const run = (cmd: string, args: string[], o: { cwd?: string } = {}) =>
    spawnSync(cmd, args, { cwd: o.cwd ?? dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return {
    dir,
    cacheDir,
    workspaces,
    run,
    turbo: (args) =>
      run(join(realNm, '.bin', 'turbo'), [...args, `--cache-dir=${relative(dir, cacheDir)}`, '--concurrency=2']),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every file under `dir` (relative paths), or [] when it does not exist. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
