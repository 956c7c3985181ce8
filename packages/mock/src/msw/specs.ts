// The bundled contract and the built-in default scenario, imported as modules (bundlers inline them), so the
// MSW adapter reads no file at run time. The models are built once, on first use.
import openapiDoc from '@kallglot/spec/openapi.json' with { type: 'json' };
import asyncapiDoc from '@kallglot/spec/asyncapi.json' with { type: 'json' };
import bilingual from '@kallglot/mock/scenarios/bilingual.json' with { type: 'json' };
import defaultScenario from '@kallglot/mock/scenarios/default.json' with { type: 'json' };
import dropConnection from '@kallglot/mock/scenarios/drop-connection.json' with { type: 'json' };
import malformedFrames from '@kallglot/mock/scenarios/malformed-frames.json' with { type: 'json' };
import serverRestart from '@kallglot/mock/scenarios/server-restart.json' with { type: 'json' };
import slowNetwork from '@kallglot/mock/scenarios/slow-network.json' with { type: 'json' };
import { buildAsyncApiModel, type AsyncApiModel } from '../internal/asyncapi-model.js';
import { ErrorVocabulary } from '../internal/errors.js';
import { buildOpenApiModel, type OpenApiModel } from '../internal/openapi-model.js';
import type { JsonObject } from '../internal/schema.js';
import type { Scenario } from '../scenario.js';

let models: { openapi: OpenApiModel; asyncapi: AsyncApiModel; vocab: ErrorVocabulary } | undefined;

export function contractModels() {
  if (!models) {
    const openapi = buildOpenApiModel(openapiDoc as unknown as JsonObject);
    models = { openapi, asyncapi: buildAsyncApiModel(asyncapiDoc as unknown as JsonObject), vocab: new ErrorVocabulary(openapi.errorTypes) };
  }
  return models;
}

export const DEFAULT_SCENARIO = defaultScenario as unknown as Scenario;

/** The scenarios shipped in `scenarios/` (the ones kallglot-mock loads from disk), by name. */
export const BUILTIN_SCENARIOS: ReadonlyMap<string, Scenario> = new Map(
  [defaultScenario, bilingual, dropConnection, malformedFrames, serverRestart, slowNetwork].map((s) => [(s as unknown as Scenario).name, s as unknown as Scenario]),
);
