// Each house rule in rules/asyncapi.spectral.yaml fires on the fixture made to break it, and only there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const specDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const spectralBin = join(dirname(createRequire(import.meta.url).resolve('@stoplight/spectral-cli/package.json')), 'dist/index.js');

interface SpectralResult { code: string; message: string; path: string[]; severity: number; source: string }

function spectral(files: string[], ruleset: string): SpectralResult[] {
  // JSON goes to a file: on stdout Spectral appends a "No results" line to it.
  const dir = mkdtempSync(join(tmpdir(), 'kallglot-spectral-'));
  try {
    const out = join(dir, 'results.json');
    const run = spawnSync(process.execPath, [spectralBin, 'lint', ...files, '--ruleset', ruleset, '-f', 'json', '-o', out], {
      cwd: specDir,
      encoding: 'utf8',
    });
    if (run.status !== 0 && run.status !== 1) throw new Error(`spectral failed (status ${run.status}): ${run.stderr}${run.stdout}`);
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: Array<{ fixture: string; rule: string; says: RegExp[] }> = [
  { fixture: 'type-const-missing.yaml', rule: 'kallglot-asyncapi-message-type-const', says: [/properties\.type\.const/] },
  { fixture: 'type-const-name-mismatch.yaml', rule: 'kallglot-asyncapi-message-type-const', says: [/name "greeting" must equal .* "hello"/] },
  { fixture: 'type-not-required.yaml', rule: 'kallglot-asyncapi-message-type-const', says: [/`type` in `required`/] },
  { fixture: 'example-missing.yaml', rule: 'kallglot-asyncapi-message-examples', says: [/examples/] },
  { fixture: 'channel-inline-no-example.yaml', rule: 'kallglot-asyncapi-message-examples', says: [/examples/] },
  {
    fixture: 'example-invalid.yaml',
    rule: 'kallglot-asyncapi-example-valid',
    says: [/additional properties: extra/, /\/n must be >= 0/, /\/at must match format "date-time"/],
  },
  { fixture: 'schema-typo.yaml', rule: 'kallglot-asyncapi-example-valid', says: [/does not compile.*minimun/] },
  {
    fixture: 'metadata-missing.yaml',
    rule: 'kallglot-asyncapi-message-metadata',
    says: [/required property "title"/, /required property "summary"/, /"guessed" must be equal to one of/],
  },
  { fixture: 'type-duplicate.yaml', rule: 'kallglot-asyncapi-message-type-unique', says: [/"hello" and "hello2" share the type const "hello"/] },
  { fixture: 'receive-not-strict.yaml', rule: 'kallglot-asyncapi-receive-strict', says: [/"hello" allows unknown fields at \(root\)/] },
];

describe('AsyncAPI house rules (spec/rules/asyncapi.spectral.yaml)', () => {
  let byFixture: Map<string, SpectralResult[]>;

  beforeAll(() => {
    const fixtures = ['good.yaml', ...cases.map((c) => c.fixture)];
    const results = spectral(fixtures.map((f) => `test/fixtures/asyncapi/${f}`), 'rules/asyncapi.spectral.yaml');
    byFixture = new Map(fixtures.map((f) => [f, []]));
    for (const r of results) byFixture.get(basename(r.source))?.push(r);
  });

  it('reports nothing on the good fixture', () => {
    expect(byFixture.get('good.yaml')).toEqual([]);
  });

  it.each(cases)('$rule fires on $fixture', ({ fixture, rule, says }) => {
    const results = byFixture.get(fixture)!;
    expect(results.length).toBeGreaterThan(0);
    // Only the rule the fixture was made to break fires, as an error.
    expect(new Set(results.map((r) => r.code))).toEqual(new Set([rule]));
    expect(results.every((r) => r.severity === 0)).toBe(true);
    for (const pattern of says) expect(results.map((r) => r.message)).toContainEqual(expect.stringMatching(pattern));
  });

  it('points at the offending example field', () => {
    const paths = byFixture.get('example-invalid.yaml')!.map((r) => r.path.join('.'));
    expect(paths).toContain('components.messages.hello.examples.0.payload.n');
  });

  it('the root .spectral.yaml applies the house rules too', () => {
    const results = spectral(['test/fixtures/asyncapi/example-invalid.yaml'], '../.spectral.yaml');
    expect(results.map((r) => r.code)).toContain('kallglot-asyncapi-example-valid');
  });
});
