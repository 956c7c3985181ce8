// Liberal on what the server sends: a schema the server produces (REST response bodies, webhook bodies,
// server → client stream messages) lists in `required` only fields the docs show. A field designed here
// (`x-kallglot-source: inferred`) must stay optional, so a payload shaped like the docs is never refused.
//
// Provenance of a property, in the resolved document:
// - an inline property schema: its own `x-kallglot-source`, else the enclosing schema's (inherited);
// - a shared component (it has a `title`): its mark describes the type, so it makes the field inferred only
//   when the enclosing schema is inferred as well.
// `x-kallglot-inferred: <detail>` marks a documented field with an inferred detail; it does not block `required`.
const COMBINERS = ['allOf', 'anyOf', 'oneOf'];

export default function serverRequiredDocumented(target, options, context) {
  const results = [];
  const seen = new Set();
  const roots = options?.asyncapi ? asyncapiRoots(target, context.path) : openapiRoots(target, context.path);
  for (const { schema, path, what } of roots) walk(schema, path, 'documented', what, seen, results);
  return results;
}

function openapiRoots(doc, base) {
  const roots = [];
  const ops = (group, key) =>
    Object.entries(group ?? {}).flatMap(([name, item]) =>
      Object.entries(item ?? {})
        .filter(([, op]) => op && typeof op === 'object')
        .map(([method, op]) => ({ op, path: [...base, key, name, method] })),
    );
  for (const { op, path } of ops(doc?.paths, 'paths')) {
    for (const [status, res] of Object.entries(op.responses ?? {})) {
      for (const [type, media] of Object.entries(res?.content ?? {})) {
        if (media?.schema) roots.push({ schema: media.schema, path: [...path, 'responses', status, 'content', type, 'schema'], what: `${op.operationId ?? path.join('.')} ${status} response` });
      }
    }
  }
  for (const { op, path } of ops(doc?.webhooks, 'webhooks')) {
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
      if (media?.schema) roots.push({ schema: media.schema, path: [...path, 'requestBody', 'content', type, 'schema'], what: `webhook ${path[path.length - 2]}` });
    }
  }
  return roots;
}

function asyncapiRoots(operation, base) {
  if (!operation || operation.action !== 'send' || !Array.isArray(operation.messages)) return [];
  return operation.messages.map((message, index) => ({
    schema: message?.payload && 'schemaFormat' in message.payload ? message.payload.schema : message?.payload,
    path: [...base, 'messages', index, 'payload'],
    what: `server message "${message?.name ?? index}"`,
  }));
}

function propertiesOf(schema) {
  // Own properties win over those pulled in with allOf (an own entry may only add a provenance mark).
  const merged = {};
  for (const part of schema.allOf ?? []) Object.assign(merged, part && typeof part === 'object' ? propertiesOf(part) : {});
  for (const [name, sub] of Object.entries(schema.properties ?? {})) merged[name] = merged[name] && isMarkOnly(sub) ? { ...merged[name], ...sub } : sub;
  return merged;
}

const isMarkOnly = (s) => s && typeof s === 'object' && Object.keys(s).every((k) => k.startsWith('x-') || k === 'description');

function isInferred(prop, enclosing) {
  if (!prop || typeof prop !== 'object') return false;
  const own = prop['x-kallglot-source'];
  if (typeof prop.title === 'string') return enclosing === 'inferred' && own === 'inferred';
  return own ? own === 'inferred' : enclosing === 'inferred';
}

function walk(schema, path, inherited, what, seen, results) {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema) || seen.has(schema)) return;
  seen.add(schema);
  const here = schema['x-kallglot-source'] ?? inherited;
  const props = propertiesOf(schema);
  (Array.isArray(schema.required) ? schema.required : []).forEach((name, i) => {
    if (isInferred(props[name], here)) {
      results.push({
        message: `${what}: "${name}" is marked inferred but listed in \`required\`; server-produced fields the docs do not show must be optional.`,
        path: [...path, 'required', i],
      });
    }
  });
  for (const [name, sub] of Object.entries(schema.properties ?? {})) walk(sub, [...path, 'properties', name], here, what, seen, results);
  for (const key of COMBINERS) (schema[key] ?? []).forEach((sub, i) => walk(sub, [...path, key, i], here, what, seen, results));
  if (schema.items) walk(schema.items, [...path, 'items'], here, what, seen, results);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, [...path, 'additionalProperties'], here, what, seen, results);
}
