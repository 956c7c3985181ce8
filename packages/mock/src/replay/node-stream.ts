// The node ws adapter's replay half: one upgraded socket ↔ one replayed connection. A refusal closes with the
// sandbox's code (4004 session_not_found, 4001 token_invalid) after a session.error frame naming the fix.
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import type { StreamReplayer } from './stream.js';

const OPEN = 1;

export function onReplayConnection(replayer: StreamReplayer, ws: WebSocket, req: IncomingMessage): void {
  ws.on('error', () => ws.terminate());
  const url = new URL(req.url ?? '/', 'http://stream.local');
  const port = {
    send: (data: string | Uint8Array) => {
      if (ws.readyState === OPEN) ws.send(data, { binary: typeof data !== 'string' });
    },
    close: (code: number, reason: string) => ws.close(code, reason),
  };
  const c = replayer.connect({ path: url.pathname, token: url.searchParams.get('token') }, port);
  if ('refused' in c) {
    ws.send(JSON.stringify({ type: 'session.error', code: c.reason, message: c.message }));
    ws.close(c.code, c.reason);
    return;
  }
  // Nothing a client sends may take the process down: a failure closes this socket only (1011).
  const guard = (run: () => void) => {
    try {
      run();
    } catch {
      ws.close(1011, 'internal_error');
    }
  };
  ws.on('message', (data: RawData, isBinary: boolean) => guard(() => c.onClientFrame(isBinary ? toBytes(data) : data.toString())));
  ws.on('close', () => guard(() => c.onClientClose()));
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
