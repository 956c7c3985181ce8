// The bundled (or a given) OpenAPI document as an OpenApiModel, read once per path. Node only (reads a file).
import { buildOpenApiModel, type OpenApiModel } from './openapi-model.js';
import { readJson, resolveSpecPath } from './specs.js';

let cachedModel: { path: string; model: OpenApiModel } | undefined;

export function loadOpenApiModel(path?: string): OpenApiModel {
  const p = resolveSpecPath('openapi.json', path);
  if (cachedModel?.path !== p) cachedModel = { path: p, model: buildOpenApiModel(readJson(p)) };
  return cachedModel.model;
}
