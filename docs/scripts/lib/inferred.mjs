// Marks every part of the contract tagged `x-kallglot-source: inferred` so readers can see it is our reading
// of the public docs rather than something they state.
export const INFERRED_TITLE = 'Inferred: not stated by the public Kallglot docs; our reading of them.';
export const INFERRED_HTML = `<span class="kg-inferred-badge" title="${INFERRED_TITLE}">Inferred</span>`;
const BADGE = { name: 'Inferred', color: '#f3c77a' };

function isInferred(node) {
  return node && typeof node === 'object' && node['x-kallglot-source'] === 'inferred';
}

/**
 * Walks the docs copy of an OpenAPI document: prefixes the description of each inferred node with a badge
 * (HTML that Redoc renders) and adds Redoc's `x-badges` to inferred operations and schemas.
 * Returns the JSON pointers of everything it marked.
 */
export function markInferredOpenApi(doc) {
  const marked = [];
  const walk = (node, pointer) => {
    if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${pointer}/${i}`));
    if (!node || typeof node !== 'object') return;
    if (isInferred(node)) {
      marked.push(pointer);
      node.description = node.description ? `${INFERRED_HTML} ${node.description}` : INFERRED_HTML;
      const isOperation = 'responses' in node;
      const isSchema = ['type', 'properties', 'enum', 'const', 'oneOf', 'anyOf', 'allOf', 'items', '$ref'].some((k) => k in node) && !('in' in node) && !('content' in node);
      if (isOperation || isSchema) node['x-badges'] = [...(node['x-badges'] ?? []), BADGE];
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === 'x-codeSamples' || key === 'examples' || key === 'example') continue;
      walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(doc, '#');
  return marked;
}
