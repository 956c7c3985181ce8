// `kallglot-contract proxy`: a validating proxy for REST and the stream. Traffic is forwarded unchanged
// (one exception: with a stream upstream, the `stream.url` origin in responses points at the proxy so the
// stream flows through it too); requests, responses and every frame in both directions are validated.
// Bounded: request bodies (size and time), upstream responses (a cap, read aborted past it), the AsyncAPI
// frame cap, a pending-frame cap, upstream timeouts; sockets a peer abandons are closed. The parts live in
// internal/proxy/; this file wires them and owns the listening server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadContract, type SpecPaths } from './internal/contract.js';
import { wsWaiver } from './internal/errors.js';
import { createMasker } from './internal/mask.js';
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES } from './internal/proxy/body.js';
import type { ProxyContext } from './internal/proxy/context.js';
import { createHttpHandler } from './internal/proxy/http.js';
import type { ProxyObserver } from './internal/proxy/observer.js';
import { createStreamHalf } from './internal/proxy/stream.js';
import { createTally, type Tally } from './internal/proxy/violations.js';
import type { ProxySummary } from './report.js';

export { VIOLATIONS_HEADER } from './internal/proxy/http.js';
export type { ObservedHttpExchange, ObservedWebSocketClose, ObservedWebSocketMessage, ObservedWebSocketOpen, ProxyObserver } from './internal/proxy/observer.js';
export { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES };

export interface ProxyOptions {
  upstream: string;
  streamUpstream?: string;
  host?: string;
  port?: number;
  /** Turn a response violation into a 502 in the API's error envelope. */
  failOnViolation?: boolean;
  /** Count inferred-part deviations as violations for --fail-on-violation and the exit code. */
  strict?: boolean;
  /** Accept ws:// stream URLs from a local upstream without TLS. */
  allowWs?: boolean;
  /** Request bodies over this get 413 (declared: before a byte is read). Default 1 MiB. */
  maxRequestBytes?: number;
  /** Upstream responses over this get 502; the upstream read is aborted at the cap. Default 8 MiB. */
  maxResponseBytes?: number;
  /** A request body must be complete this long after its headers, else 408. Default 10 s. */
  bodyTimeoutMs?: number;
  timeoutMs?: number;
  /** Frames a side may send before the other side is connected. */
  maxPendingFrames?: number;
  /** Violations kept in the summary (all are counted). */
  maxViolations?: number;
  log?: (line: string) => void;
  specPaths?: SpecPaths;
  /** Sees every exchange and frame that goes through (for a recorder). Not masked. */
  observer?: ProxyObserver;
}

export interface RunningProxy {
  url: string;
  streamUrl: string | null;
  summary(): ProxySummary;
  /** Open connections: HTTP/stream sockets of clients, and upstream stream sockets. */
  openConnections(): Promise<{ clients: number; upstreamStreams: number }>;
  close(): Promise<ProxySummary>;
}

export async function startProxy(o: ProxyOptions): Promise<RunningProxy> {
  const started = Date.now();
  const mask = createMasker([]);
  const log = (line: string) => o.log?.(mask(line));
  const upstream = new URL(o.upstream);
  const ctx: ProxyContext = {
    contract: loadContract(o.specPaths),
    upstreamBase: upstream.toString().replace(/\/+$/, ''),
    streamUpstream: o.streamUpstream ? new URL(o.streamUpstream.replace(/^http/, 'ws')) : undefined,
    selfOrigin: '',
    maxRequestBytes: o.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    maxResponseBytes: o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    bodyTimeoutMs: o.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    timeoutMs: o.timeoutMs ?? 30_000,
    maxPendingFrames: o.maxPendingFrames ?? 64,
    failOnViolation: !!o.failOnViolation,
    strict: !!o.strict,
    waivers: o.allowWs ? [wsWaiver()] : [],
    tally: createTally(mask, o.maxViolations ?? 1000, log),
    observer: o.observer,
    log,
  };
  const handler = createHttpHandler(ctx);
  const server = createServer(handler);
  // `Expect: 100-continue`: a body declared too large is refused without inviting it (the handler answers 413).
  server.on('checkContinue', (req, res) => {
    if (!(Number(req.headers['content-length']) > ctx.maxRequestBytes)) res.writeContinue();
    handler(req, res);
  });
  server.requestTimeout = ctx.timeoutMs + ctx.bodyTimeoutMs + 5000;
  server.headersTimeout = 15_000;
  const stream = createStreamHalf(ctx);
  server.on('upgrade', stream.onUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  ctx.selfOrigin = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;

  const summary = () => summarize(ctx.tally, mask(upstream.toString()), ctx.streamUpstream ? mask(ctx.streamUpstream.toString()) : null, started);
  let closing: Promise<ProxySummary> | undefined;
  return {
    url: ctx.selfOrigin,
    streamUrl: ctx.streamUpstream ? ctx.selfOrigin.replace(/^http/, 'ws') : null,
    summary,
    openConnections: async () => ({
      clients: await new Promise<number>((r) => server.getConnections((_e, n) => r(n))),
      upstreamStreams: stream.upstreams.size,
    }),
    close: () =>
      (closing ??= new Promise<ProxySummary>((resolve) => {
        stream.close();
        server.close(() => resolve(summary()));
        server.closeAllConnections();
      })),
  };
}

function summarize(t: Tally, upstream: string, streamUpstream: string | null, started: number): ProxySummary {
  return {
    tool: 'kallglot-contract',
    command: 'proxy',
    upstream,
    streamUpstream,
    requests: t.counts.requests,
    frames: { client: t.counts.client, server: t.counts.server },
    connections: t.counts.connections,
    violations: { total: t.documented + t.inferred, documented: t.documented, inferred: t.inferred, byKind: { ...t.byKind } },
    list: [...t.list],
    durationMs: Date.now() - started,
  };
}
