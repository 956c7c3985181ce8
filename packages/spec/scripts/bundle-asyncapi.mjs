// Bundles spec/asyncapi (split files plus the shared schemas under spec/openapi/components/schemas) into one
// self-contained AsyncAPI 3 document with @asyncapi/bundler. Every external $ref is inlined; only the
// references AsyncAPI 3 requires to stay references (operation → channel/message) remain, as local `#/…`
// pointers. The result is checked with @asyncapi/parser: any error-severity diagnostic fails the bundle.
import { dirname, basename } from 'node:path';
import bundle from '@asyncapi/bundler';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

export async function bundleAsyncApi(path) {
  const document = await bundle(basename(path), { baseDir: dirname(path), xOrigin: false });
  const doc = JSON.parse(JSON.stringify(document.json()));
  const leftovers = externalRefs(doc);
  if (leftovers.length) throw new Error(`asyncapi bundle: unresolved external $ref ${leftovers.join(', ')}`);
  const errors = await parserErrors(doc);
  if (errors.length) {
    throw new Error(`asyncapi bundle: @asyncapi/parser reports ${errors.length} error(s):\n${errors.join('\n')}`);
  }
  return doc;
}

/** Error-severity diagnostics of @asyncapi/parser for a bundled document, as readable lines. */
export async function parserErrors(doc) {
  const { diagnostics } = await new Parser().parse(structuredClone(doc));
  return diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.Error)
    .map((d) => `${d.code}: ${d.message} at /${d.path.join('/')}`);
}

function externalRefs(node, found = []) {
  if (Array.isArray(node)) node.forEach((item) => externalRefs(item, found));
  else if (node && typeof node === 'object') {
    if (typeof node.$ref === 'string' && !node.$ref.startsWith('#')) found.push(node.$ref);
    for (const value of Object.values(node)) externalRefs(value, found);
  }
  return found;
}
