// The shared Ajv 2020 helper (validators-core.js) with the bundled contract as the default document.
// Node only (reads dist/ with node:fs); browser code imports @kallglot/spec/ajv and passes the document.
import { readFileSync } from 'node:fs';
import { compileAsyncApi as compileAsyncApiDoc, compileOpenApi as compileOpenApiDoc } from './validators-core.js';

export * from './validators-core.js';

let bundledOpenApi;
let bundledAsyncApi;

/** The bundled document shipped with this package, parsed once per call. */
export function loadBundled(name) {
  if (name !== 'openapi.json' && name !== 'asyncapi.json') throw new TypeError(`unknown bundled document ${name}`);
  return JSON.parse(readFileSync(new URL(`./dist/${name}`, import.meta.url), 'utf8'));
}

/** Validators over an OpenAPI 3.1 document (default: the bundled one). */
export function compileOpenApi(doc) {
  return compileOpenApiDoc(doc ?? (bundledOpenApi ??= loadBundled('openapi.json')));
}

/** Validators over an AsyncAPI 3 document (default: the bundled one), by wire `type`. */
export function compileAsyncApi(doc) {
  return compileAsyncApiDoc(doc ?? (bundledAsyncApi ??= loadBundled('asyncapi.json')));
}
