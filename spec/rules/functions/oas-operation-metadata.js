// Every operation (paths and webhooks) carries what generated clients and docs rely on: an operationId, a
// summary, a description and at least one tag.
const FIELDS = ['operationId', 'summary', 'description'];

export default function oasOperationMetadata(operation, _options, context) {
  if (!operation || typeof operation !== 'object') return [];
  const results = [];
  for (const field of FIELDS) {
    if (typeof operation[field] !== 'string' || operation[field].trim() === '') {
      results.push({ message: `Operation is missing a non-empty \`${field}\`.`, path: [...context.path] });
    }
  }
  if (!Array.isArray(operation.tags) || operation.tags.length === 0) {
    results.push({ message: 'Operation is missing `tags` (at least one).', path: [...context.path] });
  }
  return results;
}
