// MSW adapter, stream half: a `ws.link` handler for /v1/sessions/{session_id}/connect. Each intercepted socket
// becomes a StreamPort for the shared protocol (stream/protocol.ts); frames and close codes come from there.
// Every connection runs the voice-activity detector: the first connection waits for loadVad() (once per page or
// process), holding the client's frames meanwhile (bounded).
import { ws, type WebSocketHandler } from 'msw';
import { loadVad, vadLoaded } from '../audio/fvad.js';
import type { ConnectOverrides, StreamConnection, StreamPort, StreamProtocol } from '../stream/types.js';

const PING = '{"type":"ping"}';
// Client frames held while the detector loads; past this the socket is closed 1013 try_again_later.
const MAX_HELD_FRAMES = 256;
const utf8 = new TextDecoder();

type ClientData = string | Blob | ArrayBuffer | ArrayBufferView;

function onMessage(c: StreamConnection, protocol: StreamProtocol, port: StreamPort, data: ClientData): void {
  c.guard(() => {
    const size = typeof data === 'string' ? data.length : data instanceof Blob ? data.size : data.byteLength;
    // ws enforces this for the node adapter; here the limit is checked per intercepted frame.
    if (size > protocol.maxPayload) return port.close(protocol.tooBigCode, 'message_too_big');
    if (typeof data !== 'string') return c.onBinary();
    if (c.fastPing && data === PING) return c.onPing();
    c.onText(data);
  });
}

export function streamHandler(streamUrl: string, protocol: StreamProtocol, overrides: () => ConnectOverrides): WebSocketHandler {
  const link = ws.link(`${streamUrl.replace(/\/$/, '')}/v1/sessions/*`);
  return link.addEventListener('connection', ({ client }) => {
    let open = true;
    const port: StreamPort = {
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
    let c: StreamConnection | undefined;
    const held: ClientData[] = [];
    const start = () => {
      if (!open) return;
      c = protocol.connect(new URL(client.url), port, overrides());
      for (const data of held.splice(0)) if (c) onMessage(c, protocol, port, data);
    };
    client.addEventListener('message', (event) => {
      if (c) return onMessage(c, protocol, port, event.data as ClientData);
      if (held.length >= MAX_HELD_FRAMES) return port.close(protocol.closeCode('try_again_later', 1013), 'try_again_later');
      held.push(event.data as ClientData);
    });
    client.addEventListener('close', () => {
      open = false;
      held.length = 0;
      c?.onClose();
    });
    if (vadLoaded()) start();
    else loadVad().then(start, () => port.close(protocol.closeCode('internal_error', 1011), 'internal_error'));
  });
}
