// @kallglot/mock: the public API. Engine internals (Engine, Clock, SessionRegistry, canonicalJson, …) live on
// the documented subpath `@kallglot/mock/engine`; the in-process MSW handlers on `@kallglot/mock/msw`.

/** Start the whole sandbox: REST + stream mocks over one engine, signed webhooks, control plane, docs site. */
export { startMock, type MockOptions, type RunningMock } from './compose.js';
/** Start only the REST mock (node:http adapter over the request pipeline; Prism for stateless mode). */
export { startRestMock, type RestMock, type RestMockOptions } from './node/server.js';
/** Start only the stream mock (WebSocket server speaking the AsyncAPI protocol). */
export { startStreamMock, type StreamMock, type StreamMockOptions } from './stream.js';
/** Send one signed webhook (with the documented retry schedule) to a receiver you are testing. */
export { sendWebhook, WebhookDeadlineError, type SendWebhookOptions, type WebhookResult, type WebhookAttempt } from './webhooks/send.js';
/** The documented webhook event types, and the retry schedule the sandbox follows. */
export { webhookEventTypes } from './webhooks/events.js';
export { RETRY_SCHEDULE_MS } from './webhooks/retry.js';
/** Serve a built docs site (the playground talks to the local mock). */
export { startDocsServer, type DocsServer } from './docs.js';
/** A typed client for a running mock's control plane (`/_mock/`: reset, state, seed, clock, webhooks). */
export { createMockControl, type MockControl, type MockClockState, type MockWebhookRecord, type MockStateSnapshot, type MockSeedFixture } from './control-client.js';
/** Stream scenarios and faults (the types `startMock`'s options take). */
export type { Scenario, Utterance, FaultSpec } from './scenario.js';
