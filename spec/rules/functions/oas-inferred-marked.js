// A description that admits something is inferred must sit on a piece marked `x-kallglot-source: inferred`
// (itself or an enclosing piece), or on one carrying an `x-kallglot-inferred` note that names the inferred
// part of an otherwise documented piece. Keeps the prose and the machine-readable marking in step.
const SAYS_INFERRED = /\binferred\b/i;

export default function oasInferredMarked(doc) {
  const results = [];
  const seen = new WeakSet();
  const walk = (node, path, marked) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, [...path, i], marked));
      return;
    }
    const here = marked || node['x-kallglot-source'] === 'inferred' || typeof node['x-kallglot-inferred'] === 'string';
    if (typeof node.description === 'string' && SAYS_INFERRED.test(node.description) && !here && !seen.has(node)) {
      seen.add(node);
      results.push({
        message: 'Description says "inferred" but neither this piece nor an enclosing one is marked `x-kallglot-source: inferred` (or has an `x-kallglot-inferred` note).',
        path: [...path, 'description'],
      });
    }
    for (const [key, value] of Object.entries(node)) {
      // Example values are data, not contract.
      if (key === 'examples' || key === 'example' || key === 'value') continue;
      walk(value, [...path, key], here);
    }
  };
  // The contract parts only: info explains the marking itself.
  for (const part of ['paths', 'webhooks', 'components']) walk(doc?.[part], [part], false);
  return results;
}
