// Every payload the docs show is accepted by the right schema of the bundles (Ajv 2020), and every old or
// conflicting shape the fact sheet names (§16) is refused. Placeholders are listed but not counted.
import { describe, expect, it } from 'vitest';
import { compileAsyncApi } from '@kallglot/spec/validators';
import { corpus, counted, validatorFor } from './corpus.ts';

describe('docs-payload corpus', () => {
  it('covers the docs: all 45 examples, every direction, and old shapes to refuse', () => {
    const indexes = new Set(corpus.map((e) => e.source.examples_index).filter((i) => i !== undefined));
    expect(indexes.size).toBe(45);
    expect(new Set(counted.filter((e) => e.expect === 'accept').map((e) => e.direction))).toEqual(new Set(['request', 'response', 'webhook', 'server', 'client']));
    expect(counted.filter((e) => e.expect === 'refuse').length).toBeGreaterThanOrEqual(15);
    for (const e of corpus) expect(e.source.url, e.id).toMatch(/^https:\/\/developer\.kallglot\.com\//);
    for (const e of corpus.filter((x) => x.placeholder)) expect(e.placeholder, e.id).toMatch(/\S{10,}/);
  });

  it.each(counted.filter((e) => e.expect === 'accept').map((e) => [e.id, e.source.section, e] as const))('accepts %s (%s)', (_id, _section, e) => {
    const validate = validatorFor(e.target);
    expect(validate, `no schema for ${JSON.stringify(e.target)}`).toBeDefined();
    const ok = validate!(e.payload);
    expect(ok, JSON.stringify(validate!.errors)).toBe(true);
  });

  it.each(counted.filter((e) => e.expect === 'refuse').map((e) => [e.id, e.source.section, e] as const))('refuses %s (%s)', (_id, _section, e) => {
    const validate = validatorFor(e.target);
    if (e.refused_by) {
      // No body, or no such message: the contract has nothing that could accept it.
      expect(validate, e.refused_by).toBeUndefined();
      return;
    }
    if ('stream' in e.target && !validate) {
      // A retired message type is not part of the protocol at all, in that direction.
      expect(compileAsyncApi().message(e.target.stream, e.target.direction)).toBeUndefined();
      return;
    }
    expect(validate, `no schema for ${JSON.stringify(e.target)}`).toBeDefined();
    expect(validate!(e.payload)).toBe(false);
  });

  it('placeholders really are placeholders: the stand-in value is what the schema refuses', () => {
    for (const e of corpus.filter((x) => x.placeholder)) {
      const validate = validatorFor(e.target)!;
      expect(validate(e.payload), e.id).toBe(false);
      const fixed = JSON.parse(JSON.stringify(e.payload).replace('"sess_..."', '"sess_01HXYZ123456789"').replace('"..."', '"sess_01HXYZ123456789"').replace('"base64-encoded-audio-data"', '"f39/fw=="'));
      expect(validate(fixed), `${e.id} ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
