// A schema that declares both `properties` and `required` lists only declared names in `required` (catches
// typos). Conditional subschemas without their own `properties` (then, not.anyOf) are left alone on purpose.
export default function oasRequiredDefined(schema, _options, context) {
  if (!schema || typeof schema !== 'object' || !Array.isArray(schema.required)) return [];
  if (!schema.properties || typeof schema.properties !== 'object' || Array.isArray(schema.properties)) return [];
  return schema.required
    .map((name, i) => [name, i])
    .filter(([name]) => typeof name === 'string' && !(name in schema.properties))
    .map(([name, i]) => ({ message: `Required property "${name}" is not declared in properties.`, path: [...context.path, 'required', i] }));
}
