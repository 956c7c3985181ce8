// Provenance marking: every operation and every shared component (schema, parameter, response, header,
// security scheme) says `x-kallglot-source: documented` (stated in the Kallglot docs) or `inferred` (designed
// here where the docs are silent). Named examples are illustrations, not contract, and are exempt.
import { componentName, originOf } from './oas-origin.js';

const KINDS = ['schemas', 'parameters', 'responses', 'headers', 'securitySchemes'];
const VALUES = ['documented', 'inferred'];

export default function oasSourceExtension(node, options, context) {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  // Spectral leaves some repeated $refs unresolved; the target is checked where it is resolved.
  if (typeof node.$ref === 'string') return [];
  let what = options?.what;
  if (what !== 'operation') {
    const origin = originOf(context, context.path);
    const kind = KINDS.find((k) => componentName(origin, k));
    if (!kind) return [];
    what = `component ${kind}/${componentName(origin, kind)}`;
  }
  const value = node['x-kallglot-source'];
  if (!VALUES.includes(value)) {
    return [{ message: `The ${what} needs \`x-kallglot-source: documented\` or \`inferred\`.`, path: [...context.path] }];
  }
  return [];
}
