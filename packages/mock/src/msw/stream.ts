// MSW adapter, stream half: a `ws.link` handler for /v1/sessions/{session_id}/connect. Each intercepted socket
// becomes a StreamPort for the shared protocol (stream/protocol.ts); frames and close codes come from there.
import { ws, type WebSocketHandler } from 'msw';
import type { ConnectOverrides, StreamProtocol } from '../stream/types.js';

const PING = '{"type":"ping"}';
const utf8 = new TextDecoder();

export function streamHandler(streamUrl: string, protocol: StreamProtocol, overrides: () => ConnectOverrides): WebSocketHandler {
  const link = ws.link(`${streamUrl.replace(/\/$/, '')}/v1/sessions/*`);
  return link.addEventListener('connection', ({ client }) => {
    let open = true;
    const port = {
      send: (data: string | Uint8Array) => client.send(typeof data === 'string' ? data : utf8.decode(data)),
      // MSW delivers sends in microtasks (after the client's open event) and closes at once: close on the next
      // task, after every frame queued before it (session.ended before its 1000, session.error before a refusal).
      close: (code: number, reason: string) => {
        open = false;
        setTimeout(() => client.close(code, reason), 0);
      },
      // MSW can close with 1006 (abnormal closure), which is what a dropped TCP connection looks like.
      terminate: () => {
        open = false;
        setTimeout(() => client.close(1006), 0);
      },
      get open() {
        return open;
      },
    };
    const c = protocol.connect(new URL(client.url), port, overrides());
    if (!c) return;
    client.addEventListener('message', (event) => c.guard(() => {
      const data = event.data;
      const size = typeof data === 'string' ? data.length : data instanceof Blob ? data.size : data.byteLength;
      // ws enforces this for the node adapter; here the limit is checked per intercepted frame.
      if (size > protocol.maxPayload) return port.close(protocol.tooBigCode, 'message_too_big');
      if (typeof data !== 'string') return c.onBinary();
      if (c.fastPing && data === PING) return c.onPing();
      c.onText(data);
    }));
    client.addEventListener('close', () => {
      open = false;
      c.onClose();
    });
  });
}
