// Each house rule in rules/openapi.spectral.yaml fires on the fixture made to break it (and only there), and
// none fires on the good fixture or on the real spec.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { spectral as runSpectral, specDir, type SpectralResult } from './helpers/spectral.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const RULESET = 'rules/openapi.spectral.yaml';

const spectral = (files: string[], ruleset: string) => runSpectral(files, ruleset).results;

const cases: Array<{ fixture: string; rule: string; says: RegExp[] }> = [
  { fixture: 'snake-case.yaml', rule: 'kallglot-snake-case-properties', says: [/"createdAt" is not snake_case/] },
  { fixture: 'operation-metadata.yaml', rule: 'kallglot-operation-metadata', says: [/`summary`/, /`tags`/] },
  { fixture: 'error-response-inline.yaml', rule: 'kallglot-error-response', says: [/404 must \$ref a shared response/] },
  { fixture: 'error-response-schema.yaml', rule: 'kallglot-error-response', says: [/404 must answer application\/json with the shared Error schema/] },
  {
    fixture: 'example-id-prefix.yaml',
    rule: 'kallglot-example-id-prefix',
    says: [/"agt_01HXYZ123456789" of a session must start with "sess_"/, /"sess_01HXYZ" of a webhook event must start with "evt_"/, /parameter session_id "rec_01HXYZ123456789" must start with "sess_"/],
  },
  { fixture: 'source-extension.yaml', rule: 'kallglot-source-extension', says: [/operation needs `x-kallglot-source/] },
  { fixture: 'source-extension.yaml', rule: 'kallglot-component-source-extension', says: [/schemas\/SessionCreatedEvent needs/] },
  { fixture: 'inferred-marked.yaml', rule: 'kallglot-inferred-marked', says: [/says "inferred"/] },
  { fixture: 'required-defined.yaml', rule: 'kallglot-required-defined', says: [/"created" is not declared/] },
  {
    fixture: 'server-required-documented.yaml',
    rule: 'kallglot-server-required-documented',
    says: [/retrieveSession 200 response: "call_id" is marked inferred/, /webhook session\.created: "direction" is marked inferred/],
  },
  // Split across files like the real spec: the rules must see where a resolved node was defined.
  { fixture: 'multi-file/openapi.yaml', rule: 'kallglot-error-response', says: [/404 must \$ref a shared response/] },
  { fixture: 'multi-file/openapi.yaml', rule: 'kallglot-component-source-extension', says: [/schemas\/Recording needs/] },
];
const fixtureOf = (source: string) => (source.includes('/multi-file/') ? 'multi-file/openapi.yaml' : basename(source));

describe('OpenAPI house rules (spec/rules/openapi.spectral.yaml)', () => {
  let byFixture: Map<string, SpectralResult[]>;

  beforeAll(() => {
    const fixtures = ['good.yaml', ...new Set(cases.map((c) => c.fixture))];
    const results = spectral(fixtures.map((f) => `test/fixtures/openapi/${f}`), RULESET);
    byFixture = new Map(fixtures.map((f) => [f, []]));
    for (const r of results) byFixture.get(fixtureOf(r.source))?.push(r);
  });

  it('covers every rule the ruleset defines with a bad fixture', () => {
    const defined = Object.keys(parse(readFileSync(join(specDir, RULESET), 'utf8')).rules);
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(defined));
  });

  it('reports nothing on the good fixture', () => {
    expect(byFixture.get('good.yaml')!.map((r) => `${r.code}: ${r.message}`)).toEqual([]);
  });

  it.each(cases.map((c) => [c.rule, c.fixture, c] as const))('%s fires on %s', (_rule, fixture, c) => {
    const results = byFixture.get(fixture)!;
    const mine = results.filter((r) => r.code === c.rule);
    expect(mine.length, JSON.stringify(results.map((r) => r.code))).toBeGreaterThan(0);
    for (const pattern of c.says) expect(mine.map((r) => r.message).join('\n')).toMatch(pattern);
    // A fixture breaks only the rules it is made for.
    const expected = new Set(cases.filter((k) => k.fixture === fixture).map((k) => k.rule));
    expect(results.filter((r) => !expected.has(r.code)).map((r) => `${r.code}: ${r.message}`)).toEqual([]);
  });

  it('reports nothing on the real spec', () => {
    const results = spectral(['openapi/openapi.yaml'], RULESET);
    expect(results.map((r) => `${r.code}: ${r.message} @ ${r.path.join('.')}`)).toEqual([]);
  });
});
