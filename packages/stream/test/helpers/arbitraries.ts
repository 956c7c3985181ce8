// fast-check arbitraries built from the generated JSON Schemas (the same ones the validators compile).
import fc from 'fast-check';

type Schema = Record<string, any>;

export function arbitraryFor(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if (Array.isArray(schema.oneOf)) return fc.oneof(...schema.oneOf.map(arbitraryFor));
  if (Array.isArray(schema.anyOf)) return fc.oneof(...schema.anyOf.map(arbitraryFor));
  if (Array.isArray(schema.allOf)) {
    const merged = schema.allOf.reduce((a: Schema, b: Schema) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties }, required: [...(a.required ?? []), ...(b.required ?? [])] }), {});
    return arbitraryFor(merged);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 2_000_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(schema.items ? arbitraryFor(schema.items) : fc.anything(), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object': {
      const props = schema.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) model[k] = arbitraryFor(v as Schema);
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k: string) => k in props) });
    }
    default:
      throw new Error(`arbitraryFor: unsupported schema ${JSON.stringify(schema).slice(0, 200)}`);
  }
}

function stringArb(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  let arb: fc.Arbitrary<string>;
  if (schema.format === 'date-time') arb = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  else if (schema.format === 'uri') arb = fc.webUrl();
  else if (schema.contentEncoding === 'base64') arb = fc.uint8Array({ minLength: 1, maxLength: 400 }).map((b) => Buffer.from(b).toString('base64'));
  else if (schema.pattern) arb = fc.stringMatching(new RegExp(schema.pattern));
  else arb = fc.string({ minLength: min, maxLength: Math.min(max, 200), unit: 'grapheme' });
  // Lengths here count code points, as Ajv does.
  return arb.filter((s) => [...s].length >= min && [...s].length <= max && (!schema.pattern || new RegExp(schema.pattern, 'u').test(s)));
}
