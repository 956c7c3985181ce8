// No two messages share a `type` const: the stream validators dispatch on it.
export default function asyncapiUniqueType(messages, _options, context) {
  if (!messages || typeof messages !== 'object') return [];
  const seen = new Map();
  const results = [];
  for (const [key, message] of Object.entries(messages)) {
    const payload = message?.payload && 'schemaFormat' in message.payload ? message.payload.schema : message?.payload;
    const type = payload?.properties?.type?.const;
    if (typeof type !== 'string') continue; // kallglot-asyncapi-message-type-const reports it
    if (seen.has(type)) {
      results.push({
        message: `Messages "${seen.get(type)}" and "${key}" share the type const "${type}".`,
        path: [...context.path, key, 'payload', 'properties', 'type', 'const'],
      });
    } else seen.set(type, key);
  }
  return results;
}
