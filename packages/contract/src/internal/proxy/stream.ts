// The proxy's stream half: one upstream WebSocket per client upgrade, frames validated both ways and
// forwarded. Nothing is left behind: a client that aborts its handshake, a client that closes, an upstream
// that closes or never answers each end the other side, forcibly after CLOSE_GRACE_MS.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { checkFrame } from '../validate.js';
import type { ProxyContext } from './context.js';
import { flatHeaders, notify } from './observer.js';

/** How long a side may take to finish its closing handshake before its socket is destroyed. */
export const CLOSE_GRACE_MS = 1000;

interface Pending {
  data: Buffer;
  isBinary: boolean;
}

export interface StreamHalf {
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Upstream WebSockets not yet closed (connecting, open or closing). */
  readonly upstreams: Set<WebSocket>;
  close(): void;
}

export function createStreamHalf(ctx: ProxyContext): StreamHalf {
  const wss = new WebSocketServer({ noServer: true, maxPayload: ctx.contract.maxFrameBytes });
  // Client-side and upstream WebSockets until they close; `upstreams` is the upstream subset.
  const sockets = new Set<WebSocket>();
  const upstreams = new Set<WebSocket>();
  let connection = 0;
  return {
    upstreams,
    onUpgrade(req, socket, head) {
      if (!ctx.streamUpstream) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      ctx.tally.counts.connections++;
      bridge(ctx, wss, { sockets, upstreams }, ++connection, req, socket, head);
    },
    close() {
      for (const s of sockets) s.terminate();
      wss.close();
    },
  };
}

interface Open {
  sockets: Set<WebSocket>;
  upstreams: Set<WebSocket>;
}

function bridge(ctx: ProxyContext, wss: WebSocketServer, open: Open, id: number, req: IncomingMessage, socket: Duplex, head: Buffer) {
  const { sockets } = open;
  const path = new URL(req.url ?? '/', 'http://proxy.invalid');
  const where = `stream ${path.pathname}`;
  const target = new URL(`${path.pathname}${path.search}`, ctx.streamUpstream);
  const up = new WebSocket(target, { handshakeTimeout: ctx.timeoutMs, maxPayload: ctx.contract.maxFrameBytes });
  sockets.add(up);
  open.upstreams.add(up);
  let client: WebSocket | undefined;
  const pendingToClient: Pending[] = [];
  let upClose: { code: number; reason: Buffer } | undefined;
  ctx.log(`⇄ ${where} connecting`);
  // The client gave up before its handshake finished: the upstream goes too.
  const onAbort = () => {
    if (!client) endSocket(up);
  };
  socket.once('close', onAbort);
  socket.once('error', () => socket.destroy());

  const frame = (direction: 'server' | 'client', data: Buffer, isBinary: boolean) => {
    ctx.tally.counts[direction]++;
    for (const f of checkFrame(ctx.contract, direction, data, isBinary).findings) if (!f.ok) ctx.tally.violate(direction === 'server' ? 'server-frame' : 'client-frame', where, f);
    notify(ctx.observer, 'onWebSocketMessage', { connection: id, direction: direction === 'client' ? 'send' : 'receive', opcode: isBinary ? 2 : 1, data, time: Date.now() / 1000 }, ctx.log);
  };
  up.on('unexpected-response', (_r, upRes) => {
    ctx.tally.violate('close', where, { name: `${where}: upgrade`, ok: false, message: `upstream refused the upgrade with HTTP ${upRes.statusCode}` });
    socket.end(`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    upRes.resume();
    sockets.delete(up);
    open.upstreams.delete(up);
  });
  up.on('error', (e) => {
    ctx.log(`⇄ ${where} upstream error: ${e.message}`);
    if (!client) socket.destroy();
    else closeWith(client, 1011, Buffer.from('upstream error'));
  });
  up.on('message', (data: Buffer, isBinary: boolean) => {
    frame('server', data, isBinary);
    if (client?.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    else if (pendingToClient.length < ctx.maxPendingFrames) pendingToClient.push({ data, isBinary });
  });
  up.on('close', (code: number, reason: Buffer) => {
    sockets.delete(up);
    open.upstreams.delete(up);
    if (code !== 1005 && code !== 1006 && !ctx.contract.closeCodes.has(code) && ctx.contract.closeCodes.size > 0) {
      ctx.tally.violate('close', where, { name: `${where}: close code`, ok: false, message: `close code ${code} is not in x-kallglot-close-codes` });
    }
    ctx.log(`⇄ ${where} upstream closed ${code}`);
    upClose = { code, reason };
    if (client) closeWith(client, code, reason);
    else socket.destroy();
  });
  up.on('open', () => {
    if (socket.destroyed || !socket.writable) return endSocket(up);
    wss.handleUpgrade(req, socket, head, (ws) => {
      client = ws;
      socket.off('close', onAbort);
      sockets.add(ws);
      notify(ctx.observer, 'onWebSocketOpen', { connection: id, url: target.toString(), headers: flatHeaders(req.headers) }, ctx.log);
      for (const m of pendingToClient.splice(0)) ws.send(m.data, { binary: m.isBinary });
      if (upClose) closeWith(ws, upClose.code, upClose.reason);
      clientSide(ctx, ws, up, id, frame, sockets);
    });
  });
}

function clientSide(ctx: ProxyContext, ws: WebSocket, up: WebSocket, id: number, frame: (d: 'client', data: Buffer, isBinary: boolean) => void, sockets: Set<WebSocket>) {
  const pendingToUp: Pending[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    frame('client', data, isBinary);
    if (up.readyState === WebSocket.OPEN) up.send(data, { binary: isBinary });
    else if (pendingToUp.length < ctx.maxPendingFrames) pendingToUp.push({ data, isBinary });
    else ws.close(1013, 'too many pending frames');
  });
  ws.on('error', () => ws.terminate());
  ws.on('close', (code: number, reason: Buffer) => {
    sockets.delete(ws);
    notify(ctx.observer, 'onWebSocketClose', { connection: id, code, reason: reason.toString() }, ctx.log);
    closeWith(up, code, reason);
  });
}

/** Ends a socket in any state: a connecting one is dropped, an open one closed with a grace period. */
function endSocket(ws: WebSocket) {
  if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  else closeWith(ws, 1001, Buffer.from('peer gone'));
}

/** Forwards a close (a code the wire may not carry becomes a plain drop), then destroys it after the grace. */
function closeWith(ws: WebSocket, code: number, reason: Buffer) {
  if (ws.readyState === WebSocket.CONNECTING) return ws.terminate();
  if (ws.readyState !== WebSocket.OPEN) return;
  const sendable = code === 1000 || (code >= 1001 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);
  if (!sendable) return ws.terminate();
  ws.close(code, reason.subarray(0, 123));
  const t = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
  t.unref();
  ws.once('close', () => clearTimeout(t));
}
