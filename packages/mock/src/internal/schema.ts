// Ajv helpers over an already-parsed contract document. No Node built-ins: the MSW adapter runs this in browsers.
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Escape one JSON-pointer segment. */
export function ptr(seg: string): string {
  return seg.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Follow local `$ref`s (`#/…`) until a non-ref node is reached. */
export function deref<T = JsonObject>(doc: JsonObject, node: unknown, depth = 0): T {
  let cur = node as JsonObject | undefined;
  while (cur && typeof cur === 'object' && typeof cur.$ref === 'string' && depth < 32) {
    cur = getPointer(doc, cur.$ref) as JsonObject | undefined;
    depth++;
  }
  return cur as T;
}

export function getPointer(doc: JsonObject, ref: string): Json | undefined {
  if (!ref.startsWith('#')) return undefined;
  const parts = ref.slice(1).split('/').filter((p, i) => i > 0 || p !== '');
  let cur: Json | undefined = doc;
  for (const raw of parts) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur && typeof cur === 'object' && !Array.isArray(cur)) cur = (cur as JsonObject)[key];
    else if (Array.isArray(cur)) cur = cur[Number(key)];
    else return undefined;
  }
  return cur;
}

/** An Ajv 2020 instance holding the whole document under `docId`, so validators are JSON pointers into it. */
export function createAjv(doc: JsonObject, docId: string): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, allowUnionTypes: true });
  addFormats(ajv);
  // OpenAPI-only formats Ajv does not know: accept them rather than fail compilation.
  for (const f of ['binary', 'byte', 'int32', 'int64', 'float', 'double', 'password']) {
    if (!ajv.formats[f]) ajv.addFormat(f, true);
  }
  ajv.addSchema(doc as object, docId);
  return ajv;
}

export function compileAt(ajv: Ajv2020, docId: string, pointer: string): ValidateFunction {
  return ajv.compile({ $ref: `${docId}${pointer}` });
}

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
