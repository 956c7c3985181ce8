// A validating stream client for the suite: every server frame is checked against the AsyncAPI document and
// counted; `next` waits for a matching frame (bounded), `closed` resolves with the close code.
import WebSocket from 'ws';
import type { Json } from '../contract.js';
import { checkFrame } from '../validate.js';
import type { SuiteContext } from './context.js';

export interface Socket {
  ws?: WebSocket;
  error?: string;
  next?: (pred: (m: Json) => boolean, waitMs?: number) => Promise<Json>;
  closed?: Promise<{ code: number; reason: string }>;
  first?: () => string | undefined;
}

export function send(ws: WebSocket, msg: Json) {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

export function openSocket(ctx: SuiteContext, url: string): Promise<Socket> {
  const { contract, stream } = ctx;
  return new Promise((resolveOpen) => {
    const ws = new WebSocket(url, { handshakeTimeout: ctx.s.timeoutMs, maxPayload: contract.maxFrameBytes * 4 });
    const queue: Json[] = [];
    let waiter: (() => void) | undefined;
    let closeInfo: { code: number; reason: string } | undefined;
    let resolveClosed!: (v: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => (resolveClosed = r));
    let firstType: string | undefined;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      stream.frames++;
      const { findings, msg } = checkFrame(contract, 'server', data, isBinary);
      for (const f of findings) ctx.record('Stream', f);
      if (msg === undefined) return;
      firstType ??= msg?.type;
      if (typeof msg?.type === 'string') stream.types[msg.type] = (stream.types[msg.type] ?? 0) + 1;
      if (queue.length < 1000) queue.push(msg);
      waiter?.();
    });
    ws.on('close', (code: number, reason: Buffer) => {
      closeInfo = { code, reason: reason.toString() };
      resolveClosed(closeInfo);
      waiter?.();
    });
    ws.on('open', () => resolveOpen({ ws, next, closed, first: () => firstType }));
    ws.on('error', (e: Error) => {
      if (ws.readyState !== WebSocket.OPEN) resolveOpen({ error: e.message });
    });
    async function next(pred: (m: Json) => boolean, waitMs = ctx.s.timeoutMs): Promise<Json> {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const i = queue.findIndex(pred);
        if (i >= 0) return queue.splice(i, 1)[0];
        if (closeInfo || Date.now() > deadline) return undefined;
        // The wait timer is cleared as soon as a frame or the close arrives: a leftover timer would keep
        // the process alive for the whole --timeout after the report is written.
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((r) => {
          waiter = r;
          timer = setTimeout(r, Math.max(0, deadline - Date.now()));
        });
        clearTimeout(timer);
        waiter = undefined;
      }
    }
  });
}
