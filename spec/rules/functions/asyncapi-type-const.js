// Every AsyncAPI message payload is an object discriminated by a required string `type` const, and the
// message `name` equals that const, so generated unions and the wire names stay in step.
export default function asyncapiTypeConst(message, _options, context) {
  const at = context.path;
  if (!message || typeof message !== 'object') return [];
  const payload = unwrap(message.payload);
  if (!payload || typeof payload !== 'object') {
    return [{ message: 'Message has no payload schema; it needs a `type` const.', path: [...at] }];
  }
  const typeProp = payload.properties?.type;
  const results = [];
  if (!typeProp || typeof typeProp.const !== 'string' || typeProp.const === '') {
    results.push({
      message: 'Message payload must declare `properties.type.const` (a non-empty string discriminator).',
      path: [...at, 'payload', 'properties'],
    });
    return results;
  }
  if (!Array.isArray(payload.required) || !payload.required.includes('type')) {
    results.push({ message: 'Message payload must list `type` in `required`.', path: [...at, 'payload'] });
  }
  if (message.name !== undefined && message.name !== typeProp.const) {
    results.push({
      message: `Message name "${message.name}" must equal its payload type const "${typeProp.const}".`,
      path: [...at, 'name'],
    });
  }
  return results;
}

// A multi-format payload ({ schemaFormat, schema }) carries the schema one level down.
function unwrap(payload) {
  return payload && typeof payload === 'object' && 'schemaFormat' in payload ? payload.schema : payload;
}
