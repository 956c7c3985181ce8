// Cassettes: record the proxy's REST exchanges, stream frames and webhook deliveries as one redacted HAR 1.2 file.
export { createRecorder } from './recorder.js';
export type {
  Recorder, RecorderObserver, RecorderOptions, HttpExchangeEvent, WebSocketOpenEvent, WebSocketMessageEvent,
  WebSocketCloseEvent, WebhookDeliveryEvent,
} from './recorder.js';
export { createRedactor, API_KEY_PLACEHOLDER, WEBHOOK_SECRET_PLACEHOLDER, STREAM_TOKEN_PREFIX } from './redact.js';
export type { RedactionOptions, Redactor } from './redact.js';
export { hashAudioFrame } from './audio.js';
export type { Har, HarEntry, HarLog, HarRequest, HarResponse, HarWebSocketMessage, KallglotEntryMark } from './har.js';
export { recordingObserver } from './observer.js';
