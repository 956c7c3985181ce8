// Runs the TypeScript compiler on test/types/client.typecheck.ts: it must compile, and with its
// `@ts-expect-error` directives removed it must fail exactly once per directive (so none is vacuous).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = new URL('.', import.meta.url).pathname;
const typesDir = join(here, 'types');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function runTsc(project: string) {
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('type-level contract', () => {
  it('the sources and every test file type-check (tsconfig.json)', () => {
    const r = runTsc(join(here, '..', 'tsconfig.json'));
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it('client.typecheck.ts compiles (every expected error occurs)', () => {
    const r = runTsc(join(typesDir, 'tsconfig.json'));
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  for (const [file, min] of [['client.typecheck.ts', 12], ['facade.typecheck.ts', 19]] as const) {
    it(`without the @ts-expect-error lines of ${file}, each one is a real compile error`, () => {
      const source = readFileSync(join(typesDir, file), 'utf8');
      const directives = source.split('\n').filter((l) => l.trim().startsWith('// @ts-expect-error')).length;
      expect(directives).toBeGreaterThanOrEqual(min);
      const dir = mkdtempSync(join(typesDir, '.tmp-'));
      try {
        writeFileSync(join(dir, 'stripped.ts'), source.replaceAll('// @ts-expect-error', '// (expected error)').replaceAll("'../../src/", "'../../../src/"));
        writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['./*.ts'] }));
        const r = runTsc(join(dir, 'tsconfig.json'));
        expect(r.status).not.toBe(0);
        const errorLines = new Set([...r.out.matchAll(/stripped\.ts\((\d+),\d+\): error/g)].map((m) => m[1]));
        expect(errorLines.size).toBe(directives);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
