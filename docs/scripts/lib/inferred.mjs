// Provenance made visible for readers: anything the contract marks as not confirmed by the public reference
// (`x-kallglot-source: inferred`, `x-kallglot-inferred: …`, or `source: inferred` in a stream extension) gets one
// small badge with a tooltip; the full list lives on assumptions.html.
export const BADGE_TEXT = 'Not confirmed by the public docs';
export const BADGE_TIP = 'Kallglot’s public reference does not state this. It is our design in the style of the rest of the API and may change. Listed on the Assumptions page.';
export const INFERRED_HTML = `<span class="kg-inferred-badge" tabindex="0" data-tip="${BADGE_TIP}" aria-label="${BADGE_TEXT}. ${BADGE_TIP}">${BADGE_TEXT}</span>`;

export function isInferred(node) {
  return !!node && typeof node === 'object' && (node['x-kallglot-source'] === 'inferred' || typeof node['x-kallglot-inferred'] === 'string' || node['x-kallglot-inferred'] === true || node.source === 'inferred');
}

/**
 * Walks the docs copy of an OpenAPI document: prefixes the description of each inferred node with a badge
 * (HTML that Redoc renders).
 * Returns the JSON pointers of everything it marked.
 */
export function markInferredOpenApi(doc) {
  const marked = [];
  const walk = (node, pointer) => {
    if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${pointer}/${i}`));
    if (!node || typeof node !== 'object') return;
    if (isInferred(node) && !pointer.includes('/x-')) {
      // One inline badge (with its tooltip) in the description; Redoc's x-badges would repeat it, title-cased.
      marked.push(pointer);
      node.description = node.description ? `${INFERRED_HTML} ${node.description}` : INFERRED_HTML;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === 'x-codeSamples' || key === 'examples' || key === 'example') continue;
      walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(doc, '#');
  return marked;
}
