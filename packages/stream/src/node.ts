// Node entry (export condition "node"): the same API, with `ws` as the default WebSocket.
import WebSocket from 'ws';
import { connectStream as connectWith, type ConnectStreamOptions, type StreamClient, type WebSocketConstructor } from './client.js';
import { MAX_PAYLOAD_BYTES } from './generated/messages.js';

/** `ws` with the spec's frame limit: a bigger server frame fails in the parser, before it is buffered. */
class BoundedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url, { maxPayload: MAX_PAYLOAD_BYTES });
  }
}

export * from './index.js';

/** Connects to a session's stream. Returns at once; await `ready` for `session.ready`. */
export function connectStream(options: ConnectStreamOptions): StreamClient {
  return connectWith({ ...options, WebSocket: options.WebSocket ?? (BoundedWebSocket as unknown as WebSocketConstructor) });
}
