// Messages the server receives (client → server) have strict payloads: `additionalProperties: false` on
// every object level, so retired or misspelt client messages are refused instead of silently accepted.
export default function asyncapiReceiveStrict(operation, _options, context) {
  if (!operation || operation.action !== 'receive' || !Array.isArray(operation.messages)) return [];
  const results = [];
  operation.messages.forEach((message, index) => {
    const payload = message?.payload && 'schemaFormat' in message.payload ? message.payload.schema : message?.payload;
    for (const where of looseObjects(payload, [])) {
      results.push({
        message: `Client message "${message?.name ?? index}" allows unknown fields at ${where.length ? where.join('.') : '(root)'}; set additionalProperties: false.`,
        path: [...context.path, 'messages', index, 'payload', ...where],
      });
    }
  });
  return results;
}

function looseObjects(schema, path, seen = new Set()) {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return [];
  seen.add(schema);
  const found = [];
  if ((schema.type === 'object' || schema.properties) && schema.additionalProperties !== false) found.push(path);
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    found.push(...looseObjects(sub, [...path, 'properties', name], seen));
  }
  return found;
}
