// @kallglot/mock/engine: the sandbox's building blocks, for tests and tools that drive state without a server.
// Documented but lower level than `@kallglot/mock`; names here may change in a minor release.

/** The sandbox engine (pure state + virtual clock), its clock, its failure type and request/response types. */
export { Engine, Clock, ApiFailure, canonicalJson, IDEMPOTENT_OPS, type EngineOptions, type EngineEvent, type EngineRequest, type EngineResponse, type SeedFixture, type StateFile } from './engine/index.js';
/** What the stream mock sees of the engine: sessions by id, tokens, lifecycle events. */
export { SessionRegistry, TOKEN_PATTERN, STREAM_MOCK_TENANT, type MockSession, type IssuedToken, type RegistryEvent } from './registry.js';
/** Stream scenarios: load files, resolve names, the built-in directory. */
export { loadScenarios, loadScenarioFile, resolveScenario, BUILTIN_SCENARIOS_DIR } from './scenario.js';
/** The webhook dispatcher startMock uses, and the event builder `sendWebhook` uses. */
export { WebhookDispatcher, type WebhookRecord, type Delivery } from './webhooks/dispatcher.js';
export { buildWebhookEvent } from './webhooks/events.js';
export { loadOpenApiModel } from './internal/load-openapi-model.js';
/** Largest stream frame the mock accepts. */
export { MAX_PAYLOAD } from './stream.js';
/** The REST request pipeline over plain objects (what the node and MSW adapters call). */
export { createPipeline, type Pipeline, type PipelineOptions } from './pipeline/pipeline.js';
export { BodyTooLarge, type PlainRequest, type PlainResponse, type HeaderBag } from './pipeline/types.js';
