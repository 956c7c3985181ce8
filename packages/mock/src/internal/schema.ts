// Mock-specific Ajv error reporting (the API's `param` and message) and the JSON types. Compiling validators and
// walking pointers is @kallglot/spec/ajv's job. No Node built-ins: the MSW adapter runs this in browsers.
import type { ErrorObject } from 'ajv';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Offending field of the first Ajv error as a dotted path (`routing.phone_number`, `include[1]`). */
export function paramFromAjvError(e: ErrorObject | undefined): string | undefined {
  if (!e) return undefined;
  const segs = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required' && typeof p.missingProperty === 'string') segs.push(p.missingProperty);
  if (e.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') segs.push(p.additionalProperty);
  if (e.keyword === 'unevaluatedProperties' && typeof p.unevaluatedProperty === 'string') segs.push(p.unevaluatedProperty);
  if (e.keyword === 'dependentRequired' && typeof p.missingProperty === 'string') segs.push(p.missingProperty);
  let out = '';
  for (const s of segs) out += /^\d+$/.test(s) ? `[${s}]` : out ? `.${s}` : s;
  return out || undefined;
}

/** Choose the most useful Ajv error: the deepest one, preferring concrete keywords over combinators. */
export function pickAjvError(errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  if (!errors?.length) return undefined;
  const weak = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'not', 'false schema', '$ref']);
  const ranked = [...errors].sort((a, b) => {
    const wa = weak.has(a.keyword) ? 1 : 0;
    const wb = weak.has(b.keyword) ? 1 : 0;
    if (wa !== wb) return wa - wb;
    return b.instancePath.split('/').length - a.instancePath.split('/').length;
  });
  return ranked[0];
}

export function describeAjvError(e: ErrorObject | undefined, param?: string): string {
  if (!e) return 'The request is invalid.';
  const p = e.params as Record<string, unknown>;
  const where = param ? `'${param}'` : 'The request body';
  switch (e.keyword) {
    case 'required':
      return `The '${param ?? String(p.missingProperty)}' field is required.`;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return `The '${param}' field is not allowed here.`;
    case 'enum':
      return `${where} must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}.`;
    case 'const':
      return `${where} must be ${JSON.stringify(p.allowedValue)}.`;
    case 'type':
      return `${where} must be of type ${String(p.type)}.`;
    case 'not':
      return `${where} is not allowed.`;
    default:
      return `${where} ${e.message ?? 'is invalid'}.`;
  }
}
