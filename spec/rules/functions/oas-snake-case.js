// JSON property names are snake_case, as on the wire. Walks `properties` maps of schemas; a property that is
// itself *named* "properties" (its parent key is `properties`) is a schema, not a map, and example values are
// data (tool JSON Schemas may use camelCase keywords), so both are skipped.
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

export default function oasSnakeCase(properties, _options, context) {
  const at = context.path;
  if (!properties || typeof properties !== 'object' || Array.isArray(properties)) return [];
  if (at[at.length - 2] === 'properties') return [];
  if (at.some((seg) => seg === 'examples' || seg === 'example' || seg === 'value')) return [];
  return Object.keys(properties)
    .filter((name) => !SNAKE.test(name))
    .map((name) => ({ message: `Property "${name}" is not snake_case.`, path: [...at, name] }));
}
