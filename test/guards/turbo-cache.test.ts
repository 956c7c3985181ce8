// Drift and cache guards for the turbo task graph, run in a throw-away copy of the repo (see helpers/sandbox.ts):
// - `turbo run build --dry=json` declares every generated and built output;
// - a real build produces files only inside those declared outputs;
// - a second build is FULL TURBO, and restores every output byte for byte after the outputs are deleted;
// - `generate` (and `bundle`) are deterministic: forcing them again gives identical files (generated code is
//   git-ignored here, so this stands in for "generate, then git diff --exit-code");
// - editing a docs-only file re-runs the docs build and nothing else (no bundle, no codegen).
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, makeSandbox, type Sandbox } from '../helpers/sandbox.ts';

// [taskId, workspace dir, output dir that must be declared and produced]
const EXPECTED: [string, string, string][] = [
  ['@kallglot/spec#bundle', 'packages/spec', 'dist'],
  ['@kallglot/client#generate', 'packages/client', 'src/generated'],
  ['@kallglot/stream#generate', 'packages/stream', 'src/generated'],
  ['@kallglot/mock#generate', 'packages/mock', 'src/generated'],
  ['@kallglot/client#build', 'packages/client', 'dist'],
  ['@kallglot/stream#build', 'packages/stream', 'dist'],
  ['@kallglot/mock#build', 'packages/mock', 'dist'],
  ['@kallglot/docs#build', 'docs', 'dist'],
];
const CODEGEN = /#(bundle|generate|lint)$/;

interface DryTask {
  taskId: string;
  command: string;
  directory: string;
  outputs: string[] | null;
  excludedOutputs: string[] | null;
  cache: { status: 'HIT' | 'MISS'; local: boolean };
}

let sb: Sandbox;
beforeAll(() => {
  sb = makeSandbox({ seedCache: true });
});
afterAll(() => sb?.cleanup());

function dryRun(task = 'build'): DryTask[] {
  const res = sb.turbo(['run', task, '--dry=json']);
  if (res.status !== 0) throw new Error(`turbo --dry=json failed:\n${res.stderr}`);
  const json = JSON.parse(res.stdout.slice(res.stdout.indexOf('{')));
  return (json.tasks as DryTask[]).filter((t) => t.command !== '<NONEXISTENT>');
}

function build(extra: string[] = []) {
  const res = sb.turbo(['run', 'build', '--summarize', '--output-logs=errors-only', ...extra]);
  if (res.status !== 0) throw new Error(`turbo run build failed:\n${res.stdout.slice(-4000)}\n${res.stderr.slice(-4000)}`);
  // --summarize writes .turbo/runs/<id>.json; the newest one is this run.
  const runsDir = join(sb.dir, '.turbo', 'runs');
  const newest = readdirSync(runsDir)
    .map((f) => join(runsDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
  const summary = JSON.parse(readFileSync(newest, 'utf8'));
  const tasks = (summary.tasks as DryTask[]).filter((t) => t.command !== '<NONEXISTENT>');
  return { stdout: res.stdout, tasks };
}

function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\/?/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
    .replace(/\u0000/g, '.*');
  return new RegExp(`^${re}$`);
}

/** sha256 of every output file, keyed by repo-relative path. */
function snapshot(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [, ws, sub] of EXPECTED) {
    const base = join(sb.dir, ws, sub);
    for (const f of listFiles(base)) {
      out.set(`${ws}/${sub}/${f}`, createHash('sha256').update(readFileSync(join(base, f))).digest('hex'));
    }
  }
  return out;
}

function diffSnapshots(a: Map<string, string>, b: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [k, v] of a) {
    if (!b.has(k)) problems.push(`missing: ${k}`);
    else if (b.get(k) !== v) problems.push(`changed: ${k}`);
  }
  for (const k of b.keys()) if (!a.has(k)) problems.push(`extra: ${k}`);
  return problems;
}

describe('turbo task graph', { timeout: 600_000 }, () => {
  it('--dry=json declares every generated and built output', () => {
    const tasks = dryRun();
    const missing: string[] = [];
    for (const [taskId, ws, sub] of EXPECTED) {
      const t = tasks.find((x) => x.taskId === taskId);
      if (!t) {
        missing.push(`${taskId}: not in the build graph`);
        continue;
      }
      expect(t.directory).toBe(ws);
      const covers = (t.outputs ?? []).some((g) => globToRegExp(g).test(`${sub}/x/y.js`) && globToRegExp(g).test(`${sub}/z.json`));
      if (!covers) missing.push(`${taskId}: outputs ${JSON.stringify(t.outputs)} do not cover ${sub}/**`);
    }
    expect(missing).toEqual([]);
  });

  let first: Map<string, string>;
  let firstTasks: (DryTask & { hash: string; inputs: Record<string, string> })[] = [];
  it('a build writes only inside the declared outputs', () => {
    const { tasks } = build();
    firstTasks = tasks as typeof firstTasks;
    first = snapshot();
    const outside: string[] = [];
    for (const [taskId, ws, sub] of EXPECTED) {
      const files = listFiles(join(sb.dir, ws, sub));
      expect(files.length, `${ws}/${sub} is empty after the build`).toBeGreaterThan(0);
      // A file in this dir must be declared by the task that makes it (or by a sibling task of the same workspace).
      const globs = tasks.filter((t) => t.directory === ws).flatMap((t) => t.outputs ?? []);
      for (const f of files) if (!globs.some((g) => globToRegExp(g).test(`${sub}/${f}`))) outside.push(`${taskId}: ${sub}/${f}`);
    }
    expect(outside).toEqual([]);
  });

  it('a second build is FULL TURBO', () => {
    const { stdout, tasks } = build();
    // For each miss, name the input files whose hash differs from the first run: usually a git-ignored
    // output (dist/, src/generated/) that an `inputs` glob picks up once it exists. Turbo hashes inputs
    // before the run, so such a task misses once more after every fresh build; exclude it with "!glob"
    // (the producing task's hash already flows in through dependsOn).
    const misses = tasks
      .filter((t) => t.cache.status !== 'HIT')
      .map((t) => {
        const cur = (t as unknown as { inputs: Record<string, string> }).inputs ?? {};
        const prev = firstTasks.find((x) => x.taskId === t.taskId)?.inputs ?? {};
        const changed = [...new Set([...Object.keys(cur), ...Object.keys(prev)])].filter((k) => cur[k] !== prev[k]);
        return `${t.taskId}${changed.length ? ` (inputs changed: ${changed.join(', ')})` : ' (a dependency changed)'}`;
      });
    expect(misses, `not cached on the second build:\n${misses.join('\n')}`).toEqual([]);
    expect(stdout).toContain('FULL TURBO');
  });

  it('deleted outputs are restored from the cache, byte for byte', () => {
    for (const [, ws, sub] of EXPECTED) rmSync(join(sb.dir, ws, sub), { recursive: true, force: true });
    expect(snapshot().size).toBe(0);
    const { tasks } = build();
    expect(tasks.filter((t) => t.cache.status !== 'HIT').map((t) => t.taskId)).toEqual([]);
    expect(diffSnapshots(first, snapshot())).toEqual([]);
  });

  it('bundle and generate are deterministic (forced re-run gives identical files)', () => {
    const res = sb.turbo(['run', 'bundle', 'generate', '--force', '--output-logs=errors-only']);
    expect(res.status, res.stderr).toBe(0);
    const again = snapshot();
    const codegen = (m: Map<string, string>) =>
      new Map([...m].filter(([k]) => k.startsWith('packages/spec/dist/') || k.includes('/src/generated/')));
    expect(codegen(first).size).toBeGreaterThan(0);
    expect(diffSnapshots(codegen(first), codegen(again))).toEqual([]);
  });

  it('editing a docs-only file re-runs the docs build and no codegen task', () => {
    const guides = join(sb.dir, 'docs', 'guides');
    const md = existsSync(guides) ? listFiles(guides).find((f) => f.endsWith('.md')) : undefined;
    if (md) appendFileSync(join(guides, md), '\n<!-- guard edit -->\n');
    else writeFileSync(join(guides, 'guard-edit.md'), '# Guard edit\n');
    const tasks = dryRun();
    const rerun = tasks.filter((t) => t.cache.status !== 'HIT').map((t) => t.taskId);
    expect(rerun.filter((id) => CODEGEN.test(id))).toEqual([]);
    // Only the docs site may rebuild; if it does not, the guide is not an input and the site would go stale.
    expect(rerun).toEqual(['@kallglot/docs#build']);
  });
});
