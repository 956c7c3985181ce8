// A small scripted WebSocket server for the client tests (real `ws`, 127.0.0.1, port 0).
// Each test decides what the server does per connection; nothing here is the project's mock.
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Conn {
  ws: WebSocket;
  url: URL;
  token: string | null;
  sessionId: string;
  /** Every JSON frame received, in order. */
  received: Array<Record<string, unknown>>;
  /** Resolves with the next received frame matching `type` (or any frame). */
  next(type?: string): Promise<Record<string, unknown>>;
  send(msg: unknown): void;
  sendRaw(data: string | Buffer): void;
  close(code?: number, reason?: string): void;
  closed: Promise<{ code: number; reason: string }>;
}

export interface ScriptedServer {
  url: string;
  port: number;
  connections: Conn[];
  /** Resolves with the n-th connection (0-based) once it exists. */
  connection(n: number): Promise<Conn>;
  close(): Promise<void>;
}

export type ConnHandler = (conn: Conn, req: IncomingMessage) => void;

export async function startScriptedServer(
  handler: ConnHandler,
  opts: { verifyClient?: (info: { req: IncomingMessage }, cb: (ok: boolean, code?: number, message?: string) => void) => void } = {},
): Promise<ScriptedServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...(opts.verifyClient ? { verifyClient: opts.verifyClient } : {}) });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as AddressInfo).port;
  const connections: Conn[] = [];
  const waiters: Array<{ n: number; resolve: (c: Conn) => void }> = [];
  wss.on('connection', (ws, req) => {
    const url = new URL(req.url ?? '/', `ws://127.0.0.1:${port}`);
    const m = /\/v1\/sessions\/([^/]+)\/connect/.exec(url.pathname);
    const received: Array<Record<string, unknown>> = [];
    const pending: Array<{ type?: string; resolve: (m: Record<string, unknown>) => void }> = [];
    let cursor = 0;
    const conn: Conn = {
      ws,
      url,
      token: url.searchParams.get('token'),
      sessionId: m?.[1] ?? 'sess_test',
      received,
      next(type) {
        return new Promise((resolve) => {
          // Frames already received but not yet consumed by next() count too.
          while (cursor < received.length) {
            const msg = received[cursor++]!;
            if (!type || msg.type === type) return resolve(msg);
          }
          pending.push({ type, resolve });
        });
      },
      send: (msg) => ws.send(JSON.stringify(msg)),
      sendRaw: (data) => ws.send(data),
      close: (code, reason) => ws.close(code, reason),
      closed: new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    };
    ws.on('message', (data, isBinary) => {
      const msg = JSON.parse(isBinary ? '{}' : data.toString()) as Record<string, unknown>;
      received.push(msg);
      if (pending.length) {
        const i = pending.findIndex((p) => !p.type || p.type === msg.type);
        cursor = received.length;
        if (i >= 0) pending.splice(i, 1)[0]!.resolve(msg);
      }
    });
    connections.push(conn);
    for (const w of waiters.filter((w) => w.n === connections.length - 1)) w.resolve(conn);
    handler(conn, req);
  });
  return {
    url: `ws://127.0.0.1:${port}/v1/sessions/sess_test123/connect`,
    port,
    connections,
    connection: (n) => (connections[n] ? Promise.resolve(connections[n]!) : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** The usual server side: session.ready on connect, pong for ping, session.ended + close on session.end. */
export function behaveNormally(conn: Conn, opts: { answerPing?: boolean; ready?: boolean } = {}): void {
  const sessionId = conn.sessionId;
  if (opts.ready !== false) conn.send({ type: 'session.ready', session_id: sessionId });
  conn.ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { type?: string };
    if (msg.type === 'ping' && opts.answerPing !== false) conn.send({ type: 'pong', session_id: sessionId });
    if (msg.type === 'session.end') {
      conn.send({ type: 'session.ended', session_id: sessionId, reason: 'explicit_end' });
      conn.close(1000, 'session ended');
    }
  });
}
