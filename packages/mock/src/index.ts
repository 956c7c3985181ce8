export { startMock, DEFAULT_DOCS_DIR, type MockOptions, type RunningMock } from './mock.js';
export { startRestMock, type RestMock, type RestMockOptions } from './rest.js';
export { startStreamMock, MAX_PAYLOAD, type StreamMock, type StreamMockOptions } from './stream.js';
export { sendWebhook, buildWebhookEvent, webhookEventTypes, loadOpenApiModel, RETRY_SCHEDULE_MS, type SendWebhookOptions, type WebhookResult, type WebhookAttempt } from './webhook.js';
export { startDocsServer, type DocsServer } from './docs.js';
export { SessionRegistry, TOKEN_PATTERN, type MockSession, type IssuedToken, type RegistryEvent } from './registry.js';
export { loadScenarios, loadScenarioFile, resolveScenario, BUILTIN_SCENARIOS_DIR, type Scenario, type Utterance, type FaultSpec } from './scenario.js';
