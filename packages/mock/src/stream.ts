// Stream mock: a WebSocket server that speaks the AsyncAPI protocol.
// Client frames are validated against the spec's schemas; replies are shaped from the spec's own examples
// and schemas, and transcripts are paced by the μ-law audio actually received (8 bytes = 1 ms at 8 kHz mono).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { buildAsyncApiModel, CLIENT_TYPES, type AsyncApiModel } from './internal/asyncapi-model.js';
import { describeAjvError, paramFromAjvError, pickAjvError, readJson, resolveSpecPath, type JsonObject } from './internal/specs.js';
import { SessionRegistry, TOKEN_PATTERN, type IssuedToken, type MockSession, type RegistryEvent } from './registry.js';
import { BUILTIN_SCENARIOS_DIR, loadScenarios, resolveScenario, type FaultSpec, type Scenario, type Utterance } from './scenario.js';

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

const PATH = /^\/v1\/sessions\/([^/]+)\/connect\/?$/;
const SESSION_ID = /^sess_[A-Za-z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const OPEN = 1;
export const MAX_BUFFERED_BYTES = 1024 * 1024;
// Invalid client frames answered per connection: a burst, then a steady rate; past that the socket gets 4029.
export const INVALID_FRAME_BURST = 256;
export const INVALID_FRAME_RATE = 64;
// Largest fault value taken from a URL (ms or counts): ten minutes.
const MAX_FAULT_VALUE = 600_000;
// A socket over its outbound cap gets this long to take the 1013 close frame before it is cut.
const BACKPRESSURE_GRACE_MS = 5000;

/** Close codes a WebSocket endpoint may send (RFC 6455 §7.4; 1004–1006 and 1015 are reserved). */
export function isSendableCloseCode(c: unknown): c is number {
  return typeof c === 'number' && Number.isInteger(c) && ((c >= 1000 && c <= 1014 && c !== 1004 && c !== 1005 && c !== 1006) || (c >= 3000 && c <= 4999));
}

/** The fault fields holding close codes whose value is not sendable. */
export function badCloseCodes(f: FaultSpec): string[] {
  return (['close_code', 'refuse_with'] as const).filter((k) => f[k] !== undefined && !isSendableCloseCode(f[k]));
}
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

function words(text: string, upTo: number): string {
  return text.split(/\s+/).slice(0, upTo).join(' ');
}

function nowIso(): string {
  return new Date().toISOString();
}

function queryFaults(q: URLSearchParams): FaultSpec {
  const out: FaultSpec = {};
  const num = (k: string) => {
    const v = q.get(`mock_${k}`);
    // Bounded: a timer past 2^31-1 ms would fire at once, and a fault is a test aid, not a way to pin sockets.
    return v !== null && /^\d{1,10}$/.test(v) ? Math.min(Number(v), MAX_FAULT_VALUE) : undefined;
  };
  for (const k of ['latency_ms', 'drop_after_ms', 'drop_after_frames', 'close_code', 'close_after_ms', 'close_after_frames', 'malformed_every', 'refuse_with', 'idle_timeout_ms'] as const) {
    const v = num(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export async function startStreamMock(options: StreamMockOptions = {}): Promise<StreamMock> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((l: string) => process.stderr.write(`[kallglot-mock stream] ${l}\n`));
  const model = buildAsyncApiModel(readJson(resolveSpecPath('asyncapi.json', options.asyncapiPath)));
  const registry = options.registry ?? new SessionRegistry();
  const scenarios = loadScenarios([BUILTIN_SCENARIOS_DIR, ...(options.scenarioDirs ?? [])]);
  const defaultScenario = resolveScenario(options.scenario, scenarios);
  const acceptUnknown = options.acceptUnknownTokens ?? true;
  const allowQuery = options.allowQueryOverrides ?? true;
  const allowUrlFaults = options.allowUrlFaults ?? false;
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const badOptionCodes = badCloseCodes(options.faults ?? {});
  if (badOptionCodes.length) throw new Error(`fault ${badOptionCodes.join(', ')} must be a close code a WebSocket may send (1000-1003, 1007-1014, 3000-4999)`);
  const stats = { connections: 0, framesIn: 0, framesOut: 0, selfCheckFailures: 0 };
  const code = (name: string, fallback: number) => model.closeCodes.get(name) ?? fallback;

  const missing = ['session.ready', 'transcript.partial', 'transcript.final', 'pong', 'session.ended', 'session.error', ...CLIENT_TYPES].filter((t) => !model.messages.has(t));
  if (missing.length) log(`AsyncAPI document lacks message schemas for: ${missing.join(', ')}`);

  /** Shape a server frame: start from the spec's example, overlay the fields the schema declares. */
  const shape = (type: string, fields: Record<string, unknown>): JsonObject => {
    const spec = model.messages.get(type);
    const base: JsonObject = spec?.example ? structuredClone(spec.example) : {};
    const props = spec ? ((model.resolve(spec.schema).properties ?? {}) as JsonObject) : undefined;
    const allowAny = !spec || (Object.keys(props ?? {}).length === 0 && spec.schema.additionalProperties !== false);
    for (const [k, v] of Object.entries(fields)) {
      if (!allowAny && !(k in (props ?? {}))) continue;
      if (v === undefined) delete base[k];
      else if (v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object' && !Array.isArray(base[k])) {
        base[k] = { ...(base[k] as JsonObject), ...(v as JsonObject) } as JsonObject;
      } else base[k] = v as JsonObject[keyof JsonObject];
    }
    base.type = type;
    return base;
  };

  const selfCheck = (frame: JsonObject) => {
    const spec = model.messages.get(String(frame.type));
    if (spec && !(spec.validate as (d: unknown) => boolean)(frame)) {
      stats.selfCheckFailures++;
      log(`self-check: outgoing ${String(frame.type)} violates the spec: ${JSON.stringify(spec.validate.errors?.slice(0, 2))}`);
    }
  };

  const errorCode = (prefs: string[]) => prefs.find((c) => model.errorCodes.includes(c)) ?? (model.errorCodes.length ? (model.errorCodes.includes('invalid_message') ? 'invalid_message' : model.errorCodes[0]!) : prefs[0]!);

  // The byte-level ping shortcut is only taken when the spec itself accepts a bare ping; otherwise every ping
  // goes through the general path (and gets the same errors it always did).
  const pingSpec = model.messages.get('ping');
  const fastPing = !!pingSpec && pingSpec.validate({ type: 'ping' }) === true;

  const audioSchema = model.audioPayloadSchema;
  const audioMax = typeof audioSchema?.maxLength === 'number' ? audioSchema.maxLength : Infinity;
  const audioPattern = typeof audioSchema?.pattern === 'string' ? new RegExp(audioSchema.pattern) : undefined;
  const audioMin = typeof audioSchema?.minLength === 'number' ? audioSchema.minLength : 0;

  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', stream: true, connections: wss.clients.size }));
      return;
    }
    res.writeHead(426, { 'Content-Type': 'application/json', Upgrade: 'websocket' });
    res.end(JSON.stringify({ error: { type: 'invalid_request_error', code: 'upgrade_required', message: 'Connect with a WebSocket to /v1/sessions/{session_id}/connect?token=kst_…' } }));
  });
  // Never above 64 KiB, and never above what the document states.
  const maxPayload = Math.min(MAX_PAYLOAD, model.maxPayloadBytes ?? MAX_PAYLOAD);
  const idleDefault = options.idleTimeoutMs ?? model.serverIdleTimeoutMs ?? 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: true });

  wss.on('error', (e) => log(`WebSocket server error: ${e.message}`));
  server.on('clientError', (_e, socket) => socket.destroy());
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // Refusals complete the upgrade, then close with the taxonomy's code so browsers can read it.
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          onConnection(ws, req);
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

  function onConnection(ws: WebSocket, req: IncomingMessage) {
    stats.connections++;
    ws.on('error', () => ws.terminate());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://stream.local');
    } catch {
      return ws.close(code('session_not_found', 4004), 'session_not_found');
    }
    const m = PATH.exec(url.pathname);
    let sessionId = '';
    try {
      sessionId = m ? decodeURIComponent(m[1]!) : '';
    } catch {
      // A malformed escape names no session.
    }
    if (!m || !SESSION_ID.test(sessionId)) return ws.close(code('session_not_found', 4004), 'session_not_found');
    const token = url.searchParams.get('token');
    if (!token || !TOKEN_PATTERN.test(token)) return ws.close(code('token_invalid', 4001), 'token_invalid');
    const issued = registry.tokens.get(token);
    if (issued) {
      if (issued.sessionId !== sessionId) return ws.close(code('token_invalid', 4001), 'token_invalid');
      if (issued.expiresAt.getTime() <= Date.now()) return ws.close(code('token_expired', 4002), 'token_expired');
    } else if (!acceptUnknown) return ws.close(code('token_invalid', 4001), 'token_invalid');
    const session: MockSession | undefined = registry.sessions.get(sessionId);
    if (session?.status === 'ended') return ws.close(code('session_ended', 4009), 'session_ended');

    let scenario = defaultScenario;
    try {
      const pick = (allowQuery ? url.searchParams.get('mock_scenario') : null) ?? session?.scenario;
      if (pick) scenario = resolveScenario(pick, scenarios);
    } catch {
      // An unknown scenario name is a test-setup mistake; fall back to the default rather than fail the socket.
      log(`unknown scenario requested; using '${defaultScenario.name}'`);
    }
    const urlFaults = allowUrlFaults ? queryFaults(url.searchParams) : {};
    const badUrl = badCloseCodes(urlFaults);
    if (badUrl.length) return refuseFault(ws, sessionId, `mock_${badUrl[0]}`, urlFaults[badUrl[0] as 'close_code']!);
    const scenarioFaults = { ...(scenario.faults ?? {}) };
    for (const k of badCloseCodes(scenarioFaults)) {
      log(`scenario '${scenario.name}': ${k} ${scenarioFaults[k as 'close_code']} cannot be sent on the wire; ignored`);
      delete scenarioFaults[k as 'close_code'];
    }
    const faults: FaultSpec = { ...(idleDefault > 0 ? { idle_timeout_ms: idleDefault } : {}), ...(options.faults ?? {}), ...scenarioFaults, ...urlFaults };
    if (faults.refuse_with) return ws.close(faults.refuse_with, 'refused');
    new Connection(ws, sessionId, session, scenario, faults).start();
  }

  /** A fault close code no WebSocket may send: say so in a session.error, then close 1008 policy violation. */
  function refuseFault(ws: WebSocket, sessionId: string, param: string, value: number) {
    const message = `${param}=${value} is not a close code a WebSocket may send: use 1000-1003, 1007-1014 or 3000-4999.`;
    ws.send(JSON.stringify(shape('session.error', { session_id: sessionId, code: errorCode(['invalid_request', 'invalid_message']), message, param, error: { code: errorCode(['invalid_request', 'invalid_message']), message }, timestamp: nowIso() })));
    ws.close(1008, 'invalid_fault');
  }

  // Open connections per session, so a session ended over REST closes its sockets.
  const live = new Map<string, Set<Connection>>();
  const onRegistryEvent = (ev: RegistryEvent) => {
    if (ev.type !== 'session.ended' || ev.reason === 'explicit_end') return;
    for (const c of live.get(ev.session.id) ?? []) c.endedElsewhere(ev.reason);
  };
  registry.on('event', onRegistryEvent);

  class Connection {
    private framesOut = 0;
    private framesQueued = 0;
    private ended = false;
    private closed = false;
    private audioMs = 0;
    private uttIndex = 0;
    private uttStartMs = 0;
    private partialsSent = 0;
    private segment = 0;
    private lastSpeaker: string | undefined;
    /** Pending timers of this connection; each removes itself when it fires, all are cleared on close. */
    private readonly timers = new Set<NodeJS.Timeout>();
    private errorBudget = INVALID_FRAME_BURST;
    private limited = false;
    private errorAt = performance.now();
    private idleTimer?: NodeJS.Timeout;
    /** performance.now() of the last client frame: one timer checks it, instead of re-arming a timer per frame. */
    private lastIn = 0;
    private readonly idleMs: number;
    private readonly onIdleTimer = () => this.guard(() => this.checkIdle());
    private readonly pong: string;
    private readonly pongBytes: Buffer;
    private readonly connectedAt = Date.now();
    private readonly source: string | null;
    private readonly target: string | null;

    constructor(
      private readonly ws: WebSocket,
      private readonly sessionId: string,
      private readonly session: MockSession | undefined,
      private readonly scenario: Scenario,
      private readonly faults: FaultSpec,
    ) {
      // The pong never changes for a connection: serialise once (keeps the echo path as cheap as bare ws).
      const pong = shape('pong', { session_id: sessionId });
      if (options.selfCheck) selfCheck(pong);
      this.pong = JSON.stringify(pong);
      this.pongBytes = Buffer.from(this.pong);
      this.idleMs = faults.idle_timeout_ms ?? 0;
      // The session's languages win; a scenario's defaults apply when the session set none.
      const own = !!(session?.sourceLanguage || session?.targetLanguage);
      this.source = own ? (session!.sourceLanguage ?? null) : (scenario.default_languages?.source_language ?? null);
      this.target = own ? (session!.targetLanguage ?? null) : (scenario.default_languages?.target_language ?? null);
    }

    start() {
      const ws = this.ws;
      let set = live.get(this.sessionId);
      if (!set) live.set(this.sessionId, (set = new Set()));
      set.add(this);
      ws.on('message', (data, isBinary) => this.guard(() => this.onMessage(data, isBinary)));
      ws.on('close', () => this.cleanup());
      const f = this.faults;
      if (f.drop_after_ms !== undefined) this.later(f.drop_after_ms, () => this.drop());
      if (f.close_code !== undefined && f.close_after_frames === undefined) this.later(f.close_after_ms ?? 0, () => this.closeWith(f.close_code!, 'fault'));
      if (this.idleMs) {
        this.lastIn = performance.now();
        this.idleTimer = setTimeout(this.onIdleTimer, this.idleMs);
      }
      if (this.session) registry.markActive(this.sessionId);
      this.send(shape('session.ready', { session_id: this.sessionId, created_at: nowIso(), timestamp: nowIso() }));
    }

    private later(ms: number, fn: () => void) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.guard(fn);
      }, ms);
      this.timers.add(t);
    }

    /** Run a handler; a bug in it closes this socket with 1011 and is logged, never thrown into the event loop. */
    private guard(fn: () => void) {
      try {
        fn();
      } catch (e) {
        log(`session ${this.sessionId}: handler failed: ${(e as Error).stack ?? String(e)}`);
        if (this.closed) return;
        this.closed = true;
        try {
          this.ws.close(code('internal_error', 1011), 'internal_error');
        } catch {
          this.ws.terminate();
        }
      }
    }

    /**
     * Token bucket over the session.error replies: a client that keeps sending invalid frames faster than
     * INVALID_FRAME_RATE per second (after a burst) is closed with 4029 rate_limited instead of being answered.
     */
    private spendErrorBudget(): boolean {
      const now = performance.now();
      this.errorBudget = Math.min(INVALID_FRAME_BURST, this.errorBudget + ((now - this.errorAt) / 1000) * INVALID_FRAME_RATE);
      this.errorAt = now;
      if (this.errorBudget >= 1) {
        this.errorBudget--;
        return true;
      }
      if (!this.closed && !this.limited) {
        this.limited = true;
        log(`session ${this.sessionId}: over ${INVALID_FRAME_RATE} invalid frames/s; closing with ${code('rate_limited', 4029)}`);
        this.closeWith(code('rate_limited', 4029), 'rate_limited');
      }
      return false;
    }

    /** The client is not reading: stop sending, close with 1013, and cut the socket if even that is not read. */
    private overflow() {
      if (this.closed) return;
      this.closed = true;
      log(`session ${this.sessionId}: outbound buffer over ${maxBuffered} bytes (${this.ws.bufferedAmount} queued); closing with ${code('try_again_later', 1013)}`);
      this.ws.close(code('try_again_later', 1013), 'try_again_later');
      this.later(BACKPRESSURE_GRACE_MS, () => this.ws.terminate());
    }

    /** Close after idleMs of client silence; if a frame arrived meanwhile, sleep for the rest of the window. */
    private checkIdle() {
      this.idleTimer = undefined;
      if (this.closed) return;
      const left = this.idleMs - (performance.now() - this.lastIn);
      if (left > 0) this.idleTimer = setTimeout(this.onIdleTimer, Math.ceil(left));
      else this.closeWith(code('keepalive_timeout', 4008), 'keepalive_timeout');
    }

    /** The session ended elsewhere (REST `POST …/end`): tell the client, then close normally. */
    endedElsewhere(reason: string) {
      if (this.ended || this.closed) return;
      this.ended = true;
      this.send(shape('session.ended', { session_id: this.sessionId, reason, ended_at: nowIso(), timestamp: nowIso(), duration_seconds: Math.round((Date.now() - this.connectedAt) / 100) / 10 }));
      this.closeWith(code('normal_closure', 1000), 'normal_closure');
    }

    private cleanup() {
      live.get(this.sessionId)?.delete(this);
      if (live.get(this.sessionId)?.size === 0) live.delete(this.sessionId);
      this.closed = true;
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      if (this.idleTimer) clearTimeout(this.idleTimer);
    }

    private drop() {
      if (!this.closed) this.ws.terminate();
      this.closed = true;
    }

    private closeWith(c: number, reason: string) {
      if (this.closed) return;
      const doIt = () => {
        if (this.closed) return;
        this.closed = true;
        this.ws.close(c, reason);
      };
      if (this.faults.latency_ms) this.later(this.faults.latency_ms, doIt);
      else doIt();
    }

    private sendRaw(text: string, type: string) {
      const f = this.faults;
      this.framesQueued++;
      if (f.malformed_every && this.framesQueued % f.malformed_every === 0) {
        // Alternate between broken JSON and a frame that parses but violates its schema.
        text = (this.framesQueued / f.malformed_every) % 2 === 1 ? `{"type":"${type}",` : JSON.stringify({ ...(JSON.parse(text) as JsonObject), type: 42 });
      }
      if (f.latency_ms) this.later(f.latency_ms, () => this.transmit(text));
      else this.transmit(text);
    }

    private transmit(text: string | Buffer) {
      if (this.closed || this.ws.readyState !== OPEN) return;
      if (this.ws.bufferedAmount > maxBuffered) return this.overflow();
      this.ws.send(text, TEXT);
      stats.framesOut++;
      this.framesOut++;
      const f = this.faults;
      if (f.drop_after_frames !== undefined && this.framesOut >= f.drop_after_frames) this.drop();
      else if (f.close_code !== undefined && f.close_after_frames !== undefined && this.framesOut >= f.close_after_frames) {
        this.closed = true;
        this.ws.close(f.close_code, 'fault');
      }
    }

    private send(frame: JsonObject) {
      if (options.selfCheck) selfCheck(frame);
      this.sendRaw(JSON.stringify(frame), String(frame.type));
    }

    private pongReply() {
      if (this.faults.malformed_every || this.faults.latency_ms) this.sendRaw(this.pong, 'pong');
      else this.transmit(this.pongBytes);
    }

    private error(codeName: string, message: string, param?: string) {
      if (!this.spendErrorBudget()) return;
      this.send(
        shape('session.error', {
          session_id: this.sessionId,
          code: codeName,
          message,
          param,
          error: { code: codeName, message },
          timestamp: nowIso(),
        }),
      );
    }

    private onMessage(data: RawData, isBinary: boolean) {
      stats.framesIn++;
      if (this.idleMs) this.lastIn = performance.now();
      if (this.ended || this.closed) return;
      if (fastPing && !isBinary && isCanonicalPing(data)) return this.pongReply();
      if (isBinary) return this.error(errorCode(['unsupported_frame', 'invalid_message']), 'Binary frames are not supported: send JSON text frames.');
      const text = data.toString();
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        return this.error(errorCode(['invalid_json', 'invalid_message']), 'The frame is not valid JSON.');
      }
      if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return this.error(errorCode(['invalid_message']), 'A frame must be a JSON object with a `type`.', 'type');
      const type = (msg as JsonObject).type;
      if (typeof type !== 'string') return this.error(errorCode(['unknown_message_type', 'invalid_message']), 'A frame must carry a string `type`.', 'type');
      if (!(CLIENT_TYPES as readonly string[]).includes(type) || !model.messages.has(type)) {
        return this.error(errorCode(['unknown_message_type', 'unsupported_message_type', 'invalid_message']), `Unknown message type '${type.slice(0, 64)}'. Send audio.input, ping or session.end.`, 'type');
      }
      const spec = model.messages.get(type)!;
      if (type === 'audio.input') return this.onAudio(msg as JsonObject, spec.validate);
      if (!spec.validate(msg)) {
        const e = pickAjvError(spec.validate.errors);
        const param = paramFromAjvError(e);
        return this.error(errorCode(['invalid_message']), describeAjvError(e, param), param);
      }
      if (type === 'ping') return this.pongReply();
      if (type === 'session.end') {
        this.ended = true;
        this.send(
          shape('session.ended', {
            session_id: this.sessionId,
            reason: 'explicit_end',
            ended_at: nowIso(),
            timestamp: nowIso(),
            duration_seconds: Math.round((Date.now() - this.connectedAt) / 100) / 10,
          }),
        );
        registry.endSession(this.sessionId, 'explicit_end');
        this.closeWith(code('normal_closure', 1000), 'normal_closure');
      }
    }

    private onAudio(msg: JsonObject, validate: (d: unknown) => boolean) {
      const audio = msg.audio as JsonObject | undefined;
      const payload = audio && typeof audio === 'object' ? audio.payload : undefined;
      // Validate with a short stand-in payload (Ajv length checks on big base64 strings are slow), then check
      // the real payload's length, alphabet and pattern here.
      let candidate: JsonObject = msg;
      if (typeof payload === 'string') candidate = { ...msg, audio: { ...(audio as JsonObject), payload: 'AAAA' } };
      if (!validate(candidate)) {
        const errors = (validate as unknown as { errors: Parameters<typeof pickAjvError>[0] }).errors;
        const e = pickAjvError(errors);
        const param = paramFromAjvError(e);
        const audioField = param?.startsWith('audio.') ?? false;
        const c = audioField ? errorCode(['invalid_audio_format']) : errorCode(['invalid_message']);
        return this.error(c, audioField ? `Invalid audio: ${describeAjvError(e, param)} Audio must be base64 μ-law at 8000 Hz, mono.` : describeAjvError(e, param), param);
      }
      const p = payload as string;
      if (p.length > audioMax || p.length < audioMin || p.length % 4 !== 0 || !BASE64.test(p) || (audioPattern && p.length < 4096 && !audioPattern.test(p))) {
        return this.error(errorCode(['invalid_audio_format']), 'audio.payload must be base64-encoded μ-law bytes within the documented size.', 'audio.payload');
      }
      const bytes = (p.length / 4) * 3 - (p.endsWith('==') ? 2 : p.endsWith('=') ? 1 : 0);
      if (typeof msg.speaker === 'string') this.lastSpeaker = msg.speaker;
      // sandbox: the audio is kept for the session's recording.
      if (this.session) registry.audio(this.sessionId, p);
      this.audioMs += bytes / 8;
      this.advance();
    }

    private translationFor(u: Utterance): { language: string; text: string } | undefined {
      const spoken = u.language ?? 'en';
      const to = this.target && this.target !== spoken ? this.target : this.source && this.source !== spoken ? this.source : null;
      if (!to) return undefined;
      return { language: to, text: u.translations?.[to] ?? `[${to}] ${u.text}` };
    }

    private advance() {
      const utts = this.scenario.utterances;
      for (let guard = 0; guard < 1000; guard++) {
        if (this.uttIndex >= utts.length) {
          if (this.scenario.loop === false) return;
          this.uttIndex = 0;
        }
        const u = utts[this.uttIndex]!;
        const need = u.audio_ms ?? 1500;
        const partials = u.partials ?? 2;
        const speaker = u.speaker ?? this.lastSpeaker ?? 'customer';
        const lang = u.language ?? 'en';
        const total = u.text.split(/\s+/).length;
        if (this.partialsSent < partials) {
          const at = this.uttStartMs + (need * (this.partialsSent + 1)) / (partials + 1);
          if (this.audioMs < at) return;
          this.partialsSent++;
          const text = words(u.text, Math.max(1, Math.ceil((total * this.partialsSent) / (partials + 1))));
          this.send(shape('transcript.partial', { session_id: this.sessionId, speaker, text, language: lang, segment_id: `seg_${this.segment + 1}`, sequence: this.segment + 1, timestamp: nowIso() }));
          continue;
        }
        if (this.audioMs < this.uttStartMs + need) return;
        this.segment++;
        const translation = this.translationFor(u);
        const timestamp = nowIso();
        this.send(
          shape('transcript.final', {
            session_id: this.sessionId,
            speaker,
            text: u.text,
            language: lang,
            segment_id: `seg_${this.segment}`,
            sequence: this.segment,
            translation,
            timestamp,
          }),
        );
        // sandbox: every final the client received becomes a transcript turn.
        if (this.session) registry.final(this.sessionId, { sequence: this.segment, speaker, language: lang, text: u.text, translation, timestamp });
        this.uttStartMs += need;
        this.uttIndex++;
        this.partialsSent = 0;
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4011, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `ws://${urlHost}:${port}`;

  return {
    url,
    host,
    port,
    registry,
    model,
    scenarios,
    stats,
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
      registry.off('event', onRegistryEvent);
      // 1001 going_away tells clients the server is shutting down (reconnect with backoff).
      for (const c of wss.clients) c.close(code('going_away', 1001), 'going_away');
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
