// The proxy's observer → the recorder: connection numbers become socket ids, HAR's seconds become ms, and the
// relayed webhook deliveries become webhook entries. Everything the recorder stores is redacted there.
// A server frame can reach the proxy before the client's handshake completes: such frames wait (bounded) for
// their connection's open event.
import type { ObservedWebSocketMessage, ProxyObserver } from '../internal/proxy/observer.js';
import type { Recorder } from './recorder.js';

/** Frames kept per connection that has not opened yet (the proxy's own pending cap is smaller). */
const MAX_EARLY = 256;
/** Connections with early frames at most. */
const MAX_EARLY_CONNECTIONS = 64;

export function recordingObserver(recorder: Recorder, now: () => number = Date.now): ProxyObserver {
  const id = (connection: number) => `c${connection}`;
  const opened = new Set<number>();
  const early = new Map<number, ObservedWebSocketMessage[]>();
  const message = (e: ObservedWebSocketMessage) =>
    recorder.onWebSocketMessage({ direction: e.direction, opcode: e.opcode, data: e.opcode === 1 ? e.data.toString('utf8') : e.data, time: e.time * 1000, id: id(e.connection) });
  return {
    onHttpExchange: (e) => recorder.onHttpExchange(e),
    onWebSocketOpen(e) {
      const waiting = early.get(e.connection) ?? [];
      early.delete(e.connection);
      recorder.onWebSocketOpen({ url: e.url, headers: e.headers, id: id(e.connection), time: Math.min(now(), ...waiting.map((m) => m.time * 1000)) });
      opened.add(e.connection);
      for (const m of waiting) message(m);
    },
    onWebSocketMessage(e) {
      if (opened.has(e.connection)) return message(e);
      const list = early.get(e.connection) ?? [];
      if (!early.has(e.connection) && early.size >= MAX_EARLY_CONNECTIONS) early.delete(early.keys().next().value!);
      if (list.length < MAX_EARLY) list.push(e);
      early.set(e.connection, list);
    },
    onWebSocketClose(e) {
      recorder.onWebSocketClose({ code: e.code, reason: e.reason, id: id(e.connection), time: now() });
      opened.delete(e.connection);
      early.delete(e.connection);
    },
    onWebhook: (e) => recorder.onWebhook({ url: e.url, headers: e.headers, body: e.body, status: e.status, time: e.time }),
  };
}
