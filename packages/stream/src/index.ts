// @kallglot/stream — browser-safe entry (uses globalThis.WebSocket). Node resolves to ./node.js, which supplies `ws`.
export {
  connectStream,
  type ConnectStreamOptions,
  type StreamClient,
  type StreamEventMap,
  type StreamState,
  type StateChange,
  type CloseInfo,
  type UnknownMessage,
  type KeepaliveTimeout,
  type KeepaliveOptions,
  type ReconnectOptions,
  type ReconnectContext,
  type SendAudioOptions,
  type StreamTarget,
  type WebSocketLike,
  type WebSocketConstructor,
} from './client.js';
export { StreamError, StreamClosedError, StreamConnectError, describeClose, type StreamErrorKind, type StreamWarning } from './errors.js';
export { fetchSessionStream, sessionStreamProvider, SessionStreamError, type SessionsClientLike } from './session-stream.js';
export { decodeClientFrame, type DecodedClientFrame, type ClientFrameErrorCode } from './inbound.js';
export * from './generated/messages.js';
export * from './generated/validators.js';
export * from './audio/index.js';
