// har-validator ships no types: the part the tests use.
declare module 'har-validator' {
  const validator: { har(data: unknown): Promise<unknown> };
  export default validator;
}
