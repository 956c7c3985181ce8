// Turns provenance into a short JSDoc tag. Descriptions speak to API users; whether a piece is confirmed by
// the public docs lives only in `x-kallglot-source` / `x-kallglot-inferred`. openapi-typescript prints a
// node's `summary` and `description` into its JSDoc, so a copy of the document gets a `@remarks` line there.
export const REMARK_INFERRED = '@remarks Not confirmed by the public docs.';
export const REMARK_PARTLY = '@remarks Some details are not confirmed by the public docs.';

/** A deep copy of `doc` whose marked nodes carry the remark; example values are left alone. */
export function withProvenanceRemarks(doc) {
  const walk = (node) => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out = {};
    for (const [key, value] of Object.entries(node)) out[key] = key === 'examples' || key === 'example' || key.startsWith('x-') ? value : walk(value);
    const remark = node['x-kallglot-source'] === 'inferred' ? REMARK_INFERRED : typeof node['x-kallglot-inferred'] === 'string' ? REMARK_PARTLY : undefined;
    if (!remark || typeof node.$ref === 'string' && Object.keys(node).every((k) => k === '$ref' || k.startsWith('x-'))) return out;
    if (typeof out.description === 'string') out.description = `${out.description.trim()}\n${remark}`;
    else if (typeof out.summary === 'string') out.summary = `${out.summary.trim()}\n${remark}`;
    else out.description = remark;
    return out;
  };
  return walk(doc);
}
