// Node entry (export condition "node"): the same API, with `ws` as the default WebSocket.
import WebSocket from 'ws';
import { connectStream as connectWith, type ConnectStreamOptions, type StreamClient, type WebSocketConstructor } from './client.js';

export * from './index.js';

/** Connects to a session's stream. Returns at once; await `ready` for `session.ready`. */
export function connectStream(options: ConnectStreamOptions): StreamClient {
  return connectWith({ ...options, WebSocket: options.WebSocket ?? (WebSocket as unknown as WebSocketConstructor) });
}
