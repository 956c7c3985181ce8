// Generated-types compatibility: gates/consumer.ts was written against the baseline client types; it must
// still type-check against the freshly generated ones. Control runs regenerate types from mutated baselines
// (same openapi-typescript options as packages/client/scripts/generate.mjs) to show that the check fails on
// a type-breaking change and passes on an additive one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, testRoot } from '../helpers/paths.ts';
import { loadBaseline } from './gate.ts';
import { BREAKING, NON_BREAKING, type Mutation } from './mutations.ts';

const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
const tmp = mkdtempSync(join(tmpdir(), 'kallglot-consumer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function typecheck(project: string) {
  const r = spawnSync(tsc, ['-p', project, '--pretty', 'false'], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

async function typecheckAgainstMutation(m: Mutation) {
  const docs = structuredClone(loadBaseline());
  m.apply(docs);
  const dir = mkdtempSync(join(tmp, 'm-'));
  const spec = join(dir, 'openapi.json');
  writeFileSync(spec, JSON.stringify(docs.openapi));
  const ast = await openapiTS(pathToFileURL(spec), { readWriteMarkers: true, defaultNonNullable: false, alphabetize: false, silent: true });
  writeFileSync(join(dir, 'types.ts'), astToString(ast));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(testRoot, 'gates', 'tsconfig.consumer-baseline.json'),
      compilerOptions: { paths: { 'kallglot-client-types': [join(dir, 'types')] } },
      files: [join(testRoot, 'gates', 'consumer.ts')],
    }),
  );
  return typecheck(join(dir, 'tsconfig.json'));
}

const byName = (list: Mutation[], start: string) => {
  const m = list.find((x) => x.name.startsWith(start));
  if (!m) throw new Error(`no mutation named ${start}`);
  return m;
};

describe('generated client types stay compatible', () => {
  it('the consumer compiles against the baseline types (it is itself correct)', () => {
    const r = typecheck(join(testRoot, 'gates', 'tsconfig.consumer-baseline.json'));
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });

  it('the consumer compiles against the current generated types', () => {
    expect(existsSync(join(repoRoot, 'packages/client/src/generated/openapi.ts')), 'run the client generate first').toBe(true);
    const r = typecheck(join(testRoot, 'gates', 'tsconfig.consumer-current.json'));
    expect(r.output, 'a spec change broke code written against the previous generated types').toBe('');
    expect(r.ok).toBe(true);
  });

  for (const start of ['widen a response enum', 'remove a response field', 'add a required request body field', 'change a success status']) {
    it(`control: fails on "${start}"`, async () => {
      const r = await typecheckAgainstMutation(byName(BREAKING, start));
      expect(r.ok, r.output).toBe(false);
      expect(r.output).toMatch(/consumer\.ts\(\d+,\d+\): error TS\d+/);
    });
  }

  for (const start of ['add an optional response field', 'add a value to a request enum', 'add a new path']) {
    it(`control: passes on "${start}"`, async () => {
      const r = await typecheckAgainstMutation(byName(NON_BREAKING, start));
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    });
  }
});
