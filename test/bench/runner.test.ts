// The bench runner itself (not the benchmarks: speed goals are never CI tests). Checks that it runs every
// bench file in a fixture tree, renders one table, and turns crashes and bad output into error rows.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';

const fixture = mkdtempSync(join(tmpdir(), 'kallglot-bench-fixture-'));
afterAll(() => rmSync(fixture, { recursive: true, force: true }));

function write(rel: string, text: string) {
  const p = join(fixture, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
}

describe('bench/run.mjs', () => {
  it('runs every bench, one table, crashes become rows', () => {
    write(
      'packages/alpha/bench/fast.bench.mjs',
      `import { writeFileSync } from 'node:fs';
       writeFileSync(process.env.BENCH_OUT, JSON.stringify([
         { metric: 'alpha parse', ours: 2, reference: 4, unit: 'ms', ratio: 0.5, goal: '<= 1.05', holds: true },
         { metric: 'alpha size', ours: 30, reference: 10, unit: 'kB', ratio: 3, goal: '<= 2', holds: false },
       ]));`,
    );
    write('packages/beta/bench/crash.bench.mjs', `throw new Error('beta exploded on purpose');`);
    write('docs/bench/garbage.bench.mjs', `import { writeFileSync } from 'node:fs'; writeFileSync(process.env.BENCH_OUT, 'not json');`);
    write('packages/gamma/bench/not-a-bench.mjs', `throw new Error('must not run');`);

    const res = spawnSync(process.execPath, [join(repoRoot, 'bench', 'run.mjs'), '--no-build'], {
      env: { ...process.env, BENCH_ROOT: fixture },
      encoding: 'utf8',
    });
    expect(res.status).toBe(0);
    const md = readFileSync(join(fixture, 'bench', 'results.md'), 'utf8');
    const tableLines = md.split('\n').filter((l) => l.startsWith('|'));
    expect(tableLines[0]).toBe('| metric | ours | reference | ratio | goal | holds | bench |');
    expect(tableLines).toHaveLength(2 + 4);
    expect(md).toMatch(/\| alpha parse \| 2 ms \| 4 ms \| 0\.500 \| <= 1\.05 \| yes \| packages\/alpha\/bench\/fast\.bench\.mjs \|/);
    expect(md).toMatch(/\| alpha size \| 30 kB \| 10 kB \| 3 \| <= 2 \| NO \|/);
    expect(md).toMatch(/ERROR: exit 1: .*beta exploded on purpose.*\| error \| packages\/beta\/bench\/crash\.bench\.mjs/);
    expect(md).toMatch(/ERROR: BENCH_OUT is not JSON.*docs\/bench\/garbage\.bench\.mjs/);
    expect(md).not.toContain('must not run');
    expect(md).toContain('1 goals hold, 1 do not, 2 errors (3 bench files)');
    // The console shows the same single table.
    expect(res.stdout).toContain(tableLines[0]);
  });
});
