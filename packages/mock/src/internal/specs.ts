// Loads the bundled contract (@kallglot/spec) at run time; the Ajv helpers that compile validators from it
// live in schema.ts (browser-safe) and are re-exported here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { JsonObject } from './schema.js';

export * from './schema.js';

const require = createRequire(import.meta.url);

export function resolveSpecPath(name: 'openapi.json' | 'asyncapi.json', override?: string): string {
  if (override) return override;
  return require.resolve(`@kallglot/spec/${name}`);
}

export function readJson(path: string): JsonObject {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
}
