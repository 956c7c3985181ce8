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
