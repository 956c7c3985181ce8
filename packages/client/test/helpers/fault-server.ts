// A node:http server whose answers are scripted per request: status/headers/body, delays,
// dropped connections. Every request is recorded so tests can count attempts and read headers.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Step =
  | { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number; bodyDelayMs?: number }
  | { drop: true; delayMs?: number };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FaultServer {
  url: string;
  requests: RecordedRequest[];
  /** Queue answers for the next requests; when the queue is empty `fallback` answers. */
  script(...steps: Step[]): void;
  fallback: Step;
  reset(): void;
  close(): Promise<void>;
}

export async function startFaultServer(): Promise<FaultServer> {
  const queue: Step[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const state = { fallback: { status: 200, body: { ok: true } } as Step };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const step = queue.shift() ?? state.fallback;
      const act = () => {
        if ('drop' in step) {
          req.socket.destroy();
          return;
        }
        const isText = typeof step.body === 'string' || step.body instanceof Uint8Array;
        const payload = step.body === undefined ? '' : isText ? (step.body as string | Uint8Array) : JSON.stringify(step.body);
        const headers: Record<string, string> = {
          'content-type': isText ? 'text/plain' : 'application/json',
          'x-request-id': `req_test_${requests.length}`,
          ...step.headers,
        };
        if (step.bodyDelayMs) {
          res.writeHead(step.status, headers);
          res.flushHeaders();
          setTimeout(() => res.end(payload), step.bodyDelayMs).unref();
        } else {
          res.writeHead(step.status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
          res.end(payload);
        }
      };
      if (step.delayMs) setTimeout(act, step.delayMs).unref();
      else act();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...steps) => queue.push(...steps),
    get fallback() {
      return state.fallback;
    },
    set fallback(step: Step) {
      state.fallback = step;
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      state.fallback = { status: 200, body: { ok: true } };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago and is closed now: connecting to it is refused. */
export async function refusedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
