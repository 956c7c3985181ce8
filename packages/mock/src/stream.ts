// Stream mock: a WebSocket server that speaks the AsyncAPI protocol.
// Client frames are validated against the spec's schemas; replies are shaped from the spec's own examples
// and schemas, and transcripts are paced by the μ-law audio actually received (8 bytes = 1 ms at 8 kHz mono).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { buildAsyncApiModel, CLIENT_TYPES, type AsyncApiModel } from './internal/asyncapi-model.js';
import { readJson, resolveSpecPath } from './internal/specs.js';
import { SessionRegistry, type IssuedToken } from './registry.js';
import { BUILTIN_SCENARIOS_DIR, loadScenarios, resolveScenario, type FaultSpec, type Scenario } from './scenario.js';
import { badCloseCodes } from './stream/faults.js';
import { createStreamProtocol } from './stream/protocol.js';
import type { StreamPort, StreamProtocol } from './stream/types.js';

export { badCloseCodes, isSendableCloseCode } from './stream/faults.js';
export { INVALID_FRAME_BURST, INVALID_FRAME_RATE, MAX_BUFFERED_BYTES } from './stream/backpressure.js';

export const MAX_PAYLOAD = 64 * 1024;

export interface StreamMockOptions {
  host?: string;
  /** 0 picks a free port. Default 4011. */
  port?: number;
  asyncapiPath?: string;
  registry?: SessionRegistry;
  /** Scenario name (from the scenario dirs), path to a JSON file, or an object. Default `default`. */
  scenario?: Scenario | string;
  /** Extra directories with scenario files (the built-in ones are always loaded). */
  scenarioDirs?: string[];
  /** Faults applied to every connection (a scenario's or the URL's faults override them). */
  faults?: FaultSpec;
  /**
   * Accept any well-formed `kst_` token the mock did not issue (default true), so the stream mock is usable
   * on its own. With false, unknown tokens are refused with 4001 token_invalid.
   */
  acceptUnknownTokens?: boolean;
  /** Allow `mock_scenario` on the connect URL to pick a scenario per connection. Default true. */
  allowQueryOverrides?: boolean;
  /**
   * Allow fault parameters (`mock_close_code`, `mock_latency_ms`, …) on the connect URL. Default false: any client
   * could otherwise inject faults into a shared mock. CLI: `--allow-url-faults`.
   */
  allowUrlFaults?: boolean;
  /** Per-socket outbound buffer cap in bytes; past it the socket is closed with 1013 try_again_later. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * Close silent clients with 4008 keepalive_timeout after this many ms. Default: the document's
   * `x-kallglot-keepalive.server_idle_timeout_ms`; 0 disables.
   */
  idleTimeoutMs?: number;
  /** Validate every outgoing frame against the spec and log violations (cost: one Ajv call per frame). */
  selfCheck?: boolean;
  log?: (line: string) => void;
}

export interface StreamMock {
  url: string;
  host: string;
  port: number;
  registry: SessionRegistry;
  model: AsyncApiModel;
  scenarios: Map<string, Scenario>;
  stats: { connections: number; framesIn: number; framesOut: number; selfCheckFailures: number };
  /** Create a session in the registry and issue a token for it (negative TTL = already expired). */
  issueToken(opts?: { sessionId?: string; ttlSeconds?: number; sourceLanguage?: string | null; targetLanguage?: string | null; scenario?: string }): IssuedToken & { url: string };
  close(): Promise<void>;
}

const OPEN = 1;
// Reused send options: pre-encoded frames still go out as text frames.
const TEXT = { binary: false } as const;
// The canonical keepalive frame, recognised byte for byte so the ping path skips JSON.parse and Ajv.
const PING_BYTES = Buffer.from('{"type":"ping"}');
const PING_LEN = PING_BYTES.length;

function isCanonicalPing(data: RawData): boolean {
  if (!Buffer.isBuffer(data) || data.length !== PING_LEN) return false;
  for (let i = 0; i < PING_LEN; i++) if (data[i] !== PING_BYTES[i]) return false;
  return true;
}

/** The protocol for the stand-alone server: the document, scenarios and faults from the options. */
function protocolFor(options: StreamMockOptions, model: AsyncApiModel, registry: SessionRegistry, scenarios: Map<string, Scenario>, log: (l: string) => void): StreamProtocol {
  const missing = ['session.ready', 'transcript.partial', 'transcript.final', 'pong', 'session.ended', 'session.error', ...CLIENT_TYPES].filter((t) => !model.messages.has(t));
  if (missing.length) log(`AsyncAPI document lacks message schemas for: ${missing.join(', ')}`);
  const badOptionCodes = badCloseCodes(options.faults ?? {});
  if (badOptionCodes.length) throw new Error(`fault ${badOptionCodes.join(', ')} must be a close code a WebSocket may send (1000-1003, 1007-1014, 3000-4999)`);
  return createStreamProtocol({
    model,
    registry,
    resolveScenario: (name) => resolveScenario(name, scenarios),
    defaultScenario: resolveScenario(options.scenario, scenarios),
    acceptUnknownTokens: options.acceptUnknownTokens,
    allowQueryOverrides: options.allowQueryOverrides,
    // Opt-in: any client could otherwise inject faults into a shared mock.
    allowUrlFaults: options.allowUrlFaults ?? false,
    maxBufferedBytes: options.maxBufferedBytes,
    faults: options.faults,
    idleTimeoutMs: options.idleTimeoutMs,
    selfCheck: options.selfCheck,
    log,
  });
}

function wsPort(ws: WebSocket): StreamPort {
  return {
    send: (data) => ws.send(data, TEXT),
    close: (c, reason) => ws.close(c, reason),
    terminate: () => ws.terminate(),
    get open() {
      return ws.readyState === OPEN;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}

/** ws ↔ the protocol: frames in, frames out, close codes; the protocol decides everything else. */
function onConnection(protocol: StreamProtocol, ws: WebSocket, req: IncomingMessage): void {
  ws.on('error', () => ws.terminate());
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://stream.local');
  } catch {
    protocol.stats.connections++;
    return ws.close(protocol.closeCode('session_not_found', 4004), 'session_not_found');
  }
  const c = protocol.connect(url, wsPort(ws));
  if (!c) return;
  ws.on('message', (data, isBinary) =>
    c.guard(() => {
      if (isBinary) return c.onBinary();
      if (c.fastPing && isCanonicalPing(data)) return c.onPing();
      c.onText(data.toString());
    }),
  );
  ws.on('close', () => c.onClose());
}

/** node:http with /health, 426 for plain requests, and every upgrade handed to `wss`. */
function httpServer(wss: WebSocketServer, protocol: StreamProtocol, log: (l: string) => void): Server {
  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', stream: true, connections: wss.clients.size }));
      return;
    }
    res.writeHead(426, { 'Content-Type': 'application/json', Upgrade: 'websocket' });
    res.end(JSON.stringify({ error: { type: 'invalid_request_error', code: 'upgrade_required', message: 'Connect with a WebSocket to /v1/sessions/{session_id}/connect?token=kst_…' } }));
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // Refusals complete the upgrade, then close with the taxonomy's code so browsers can read it.
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          onConnection(protocol, ws, req);
        } catch (e) {
          // Nothing a client sends may take the process down: log, close this socket only.
          log(`connection handler failed: ${(e as Error).stack ?? String(e)}`);
          ws.terminate();
        }
      });
    } catch (e) {
      log(`upgrade failed: ${(e as Error).message}`);
      socket.destroy();
    }
  });
  return server;
}

export async function startStreamMock(options: StreamMockOptions = {}): Promise<StreamMock> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((l: string) => process.stderr.write(`[kallglot-mock stream] ${l}\n`));
  const model = buildAsyncApiModel(readJson(resolveSpecPath('asyncapi.json', options.asyncapiPath)));
  const registry = options.registry ?? new SessionRegistry();
  const scenarios = loadScenarios([BUILTIN_SCENARIOS_DIR, ...(options.scenarioDirs ?? [])]);
  const protocol = protocolFor(options, model, registry, scenarios, log);
  // Never above 64 KiB, and never above what the document states.
  const maxPayload = Math.min(MAX_PAYLOAD, model.maxPayloadBytes ?? MAX_PAYLOAD);
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: true });
  wss.on('error', (e) => log(`WebSocket server error: ${e.message}`));
  const server = httpServer(wss, protocol, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4011, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    host,
    port,
    registry,
    model,
    scenarios,
    stats: protocol.stats,
    issueToken(opts = {}) {
      const existing = opts.sessionId ? registry.sessions.get(opts.sessionId) : undefined;
      const s =
        existing ??
        registry.createSession({
          ...(opts.sessionId ? { id: opts.sessionId } : {}),
          sourceLanguage: opts.sourceLanguage ?? null,
          targetLanguage: opts.targetLanguage ?? null,
          scenario: opts.scenario,
        });
      const t = registry.issueToken(s.id, opts.ttlSeconds);
      return { ...t, url: `${url}/v1/sessions/${s.id}/connect` };
    },
    async close() {
      protocol.dispose();
      // 1001 going_away tells clients the server is shutting down (reconnect with backoff).
      for (const c of wss.clients) c.close(protocol.closeCode('going_away', 1001), 'going_away');
      await new Promise<void>((r) => setTimeout(r, 20));
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
