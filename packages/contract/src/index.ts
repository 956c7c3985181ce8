// @kallglot/contract: contract testing for Kallglot v1 servers and webhook endpoints.
export { runContractTest, isMock, UsageError, type TestOptions } from './test-command.js';
export { runSuite, ConnectionError, type SuiteOptions } from './suite.js';
export { startProxy, formatProxySummary, proxyFailed, proxyJUnit, VIOLATIONS_HEADER } from './proxy.js';
export type { ProxyOptions, ProxySummary, RunningProxy, Violation, ViolationKind } from './proxy.js';
export { runWebhookTests, formatWebhookTable, webhookJUnit, WebhookTargetError } from './webhooks.js';
export type { WebhookCase, WebhookReport, WebhookTestOptions, Verdict } from './webhooks.js';
export { formatText, formatJUnit, hasViolation } from './report.js';
export type { Check, CheckStatus, Coverage, Skipped, SuiteReport } from './report.js';
export { loadContract, defaultSpecPaths, type Contract, type SpecPaths } from './internal/contract.js';
export { createMasker, type Masker } from './internal/mask.js';
export { main } from './cli.js';
export * from './record/index.js';
