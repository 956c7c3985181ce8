// HAR 1.2 validation with the `har-schema` package's JSON Schemas (draft-06; the keywords they use mean the same
// in 2020-12), compiled once with the project's one Ajv helper.
import { createAjv } from '@kallglot/spec/ajv';
import harSchemas from 'har-schema';

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
let validate: Validate | undefined;

function compile(): Validate {
  const ajv = createAjv({ allErrors: false });
  for (const schema of Object.values(harSchemas as Record<string, Record<string, unknown>>)) {
    const { $schema: _dialect, ...rest } = schema;
    ajv.addSchema(rest);
  }
  const v = ajv.getSchema('har.json#');
  if (!v) throw new Error('har-schema: har.json is missing');
  return v as Validate;
}

/** The first HAR 1.2 violation as `<json pointer>: <message>`, or undefined when the document is valid HAR. */
export function harViolation(data: unknown): string | undefined {
  validate ??= compile();
  if (validate(data)) return undefined;
  const e = validate.errors?.[0];
  return `${e?.instancePath || '/'}: ${e?.message ?? 'is invalid'}`;
}
