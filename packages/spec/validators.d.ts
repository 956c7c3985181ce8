// Types of @kallglot/spec/validators: @kallglot/spec/ajv plus the bundled documents as defaults (Node only).
import type { AsyncApiValidators, JsonDocument, OpenApiValidators } from './validators-core.js';

export * from './validators-core.js';

/** The bundled document shipped with @kallglot/spec, freshly parsed. */
export declare function loadBundled(name: 'openapi.json' | 'asyncapi.json'): JsonDocument;
/** Validators over an OpenAPI 3.1 document (default: the bundled one). Cached per document object. */
export declare function compileOpenApi(doc?: JsonDocument): OpenApiValidators;
/** Validators over an AsyncAPI 3 document (default: the bundled one). Cached per document object. */
export declare function compileAsyncApi(doc?: JsonDocument): AsyncApiValidators;
