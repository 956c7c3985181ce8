// Public API of @kallglot/client. Browser-safe: no Node built-ins are imported anywhere under src/.
export {
  createKallglotClient,
  unwrap,
  apiErrorFromResult,
  readResponseMeta,
  retryPolicyFor,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  VERSION,
} from './client.js';
export type {
  KallglotClient,
  KallglotClientOptions,
  KallglotMethod,
  KallglotResult,
  RequestOverrides,
  ResponseMeta,
  ListPath,
  ListItem,
  RecordingAudio,
  FetchLike,
  RetryInfo,
} from './client.js';
export {
  KallglotError,
  KallglotConfigError,
  KallglotApiError,
  KallglotTimeoutError,
  KallglotConnectionError,
  KallglotResponseTooLargeError,
  KallglotInvalidResponseError,
} from './errors.js';
export type { KallglotErrorBody, KallglotErrorCode, KallglotErrorType } from './errors.js';
export { signWebhook, verifyWebhook, WebhookVerificationError, SIGNATURE_HEADER, DEFAULT_TOLERANCE_SECONDS } from './webhooks.js';
export type { SignWebhookOptions, VerifyWebhookOptions, WebhookPayload, WebhookVerificationReason } from './webhooks.js';
export { webhookDeliveryHeaders, type WebhookDeliveryHeadersOptions } from './webhooks.js';
export type { paths, components, webhooks, operations, Schema, WebhookEvent, WebhookEventType, WebhookEventOf } from './types.js';
export { idempotentOperations } from './generated/idempotent.js';
export { DEFAULT_BACKOFF } from './internal/retry.js';
export type { BackoffSettings } from './internal/retry.js';
export { Kallglot } from './kallglot.js';
export type { KallglotOptions } from './kallglot.js';
export { APIPromise } from './internal/api-promise.js';
export type { WithResponse } from './internal/api-promise.js';
export { PagePromise } from './internal/page.js';
export type { Page, PageMethods } from './internal/page.js';
export type { RequestOptions, DownloadOptions, Download } from './internal/facade-types.js';
export { KallglotPollError, DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_MAX_WAIT_MS, MIN_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS } from './internal/poll.js';
export type { PollOptions } from './internal/poll.js';
export type { AnalysesHelpers, RecordingsHelpers, SessionsHelpers, Webhooks, WebhookHeaders, KallglotResources } from './internal/helpers.js';
export type { SessionConnectOptions } from './internal/connect.js';
export type { Agents, Sessions, SessionsTranscript, SessionsRecordings, SessionsAnalysis, Recordings, Analyses, GeneratedResources } from "./generated/resources.js";
