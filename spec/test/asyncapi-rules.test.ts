// Each house rule in rules/asyncapi.spectral.yaml fires on the fixture made to break it, and only there.
import { basename } from 'node:path';
import { spectral as runSpectral, type SpectralResult } from './helpers/spectral.ts';
import { beforeAll, describe, expect, it } from 'vitest';

const spectral = (files: string[], ruleset: string) => runSpectral(files, ruleset).results;

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
  { fixture: 'server-required-documented.yaml', rule: 'kallglot-asyncapi-server-required-documented', says: [/server message "hello": "at" is marked inferred/] },
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
