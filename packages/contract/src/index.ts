// @kallglot/contract: contract testing for Kallglot v1 servers and webhook endpoints.
export { runContractTest, isMock, UsageError, type TestOptions } from './test-command.js';
export { runSuite, ConnectionError, type SuiteOptions } from './suite.js';
export { startProxy, VIOLATIONS_HEADER, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_BODY_TIMEOUT_MS } from './proxy.js';
export type { ProxyOptions, RunningProxy, ProxyObserver, ObservedHttpExchange, ObservedWebSocketOpen, ObservedWebSocketMessage, ObservedWebSocketClose } from './proxy.js';
export { runWebhookTests, formatWebhookTable, webhookJUnit, WebhookTargetError } from './webhooks.js';
export type { WebhookCase, WebhookReport, WebhookTestOptions, Verdict } from './webhooks.js';
export { formatText, formatJUnit, hasViolation, formatProxySummary, proxyFailed, proxyJUnit } from './report.js';
export type { Check, CheckStatus, Coverage, Skipped, SuiteReport, ProxySummary, Violation, ViolationKind } from './report.js';
export { loadContract, defaultSpecPaths, type Contract, type SpecPaths } from './internal/contract.js';
export { createMasker, type Masker } from './internal/mask.js';
export { main } from './cli.js';
