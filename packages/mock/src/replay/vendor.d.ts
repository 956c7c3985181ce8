// `har-schema` ships no types: a map of its JSON Schemas (har.json, log.json, entry.json …) by name.
declare module 'har-schema' {
  const schemas: Record<string, Record<string, unknown>>;
  export default schemas;
}
