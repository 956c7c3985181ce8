// The stream protocol with no socket: who may connect, frame in → frames out, faults, and transcripts paced by
// the μ-law audio actually received (8 bytes = 1 ms at 8 kHz mono). The ws adapter (stream.ts) and the MSW
// adapter (msw/stream.ts) each wrap their socket in a StreamPort and feed frames in; nothing here is repeated there.
import { CLIENT_TYPES, type AsyncApiModel } from '../internal/asyncapi-model.js';
import { describeAjvError, paramFromAjvError, pickAjvError, type JsonObject } from '../internal/schema.js';
import { TOKEN_PATTERN, type MockSession, type RegistryEvent, type SessionRegistry } from '../registry.js';
import type { FaultSpec, Scenario, Utterance } from '../scenario.js';

/** What a transport gives the protocol: send a text frame, close with a code, or drop the connection. */
export interface StreamPort {
  /** A text frame (a Uint8Array holds UTF-8 text, pre-encoded for the hot path). */
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
  /** Drop the connection without a close frame (1006 on the client). */
  terminate(): void;
  readonly open: boolean;
  /** Bytes queued for the client and not yet sent (ws); absent when the transport does not buffer. */
  readonly bufferedAmount?: number;
}

export interface StreamProtocolOptions {
  model: AsyncApiModel;
  registry: SessionRegistry;
  /** The scenario for a connection (`mock_scenario` or the session's); throws on an unknown name. */
  resolveScenario(name: string): Scenario;
  defaultScenario: Scenario;
  acceptUnknownTokens?: boolean;
  /** `mock_scenario` on the connect URL picks the scenario. Default true. */
  allowQueryOverrides?: boolean;
  /** Fault parameters (`mock_close_code`, …) on the connect URL are honoured. Default: as allowQueryOverrides. */
  allowUrlFaults?: boolean;
  /** Per-connection outbound buffer cap (bytes); past it the connection closes with 1013. Default 1 MiB. */
  maxBufferedBytes?: number;
  faults?: FaultSpec;
  idleTimeoutMs?: number;
  selfCheck?: boolean;
  log(line: string): void;
}

export interface StreamStats {
  connections: number;
  framesIn: number;
  framesOut: number;
  selfCheckFailures: number;
}

/** Per-connection overrides an adapter may add (the MSW adapter's per-test scenario or fault). */
export interface ConnectOverrides {
  scenario?: Scenario;
  faults?: FaultSpec;
}

const MAX_FRAME = 64 * 1024;
const PATH = /^\/v1\/sessions\/([^/]+)\/connect\/?$/;
const SESSION_ID = /^sess_[A-Za-z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export const MAX_BUFFERED_BYTES = 1024 * 1024;
// Invalid client frames answered per connection: a burst, then a steady rate; past that the socket gets 4029.
export const INVALID_FRAME_BURST = 256;
export const INVALID_FRAME_RATE = 64;
// Largest fault value taken from a URL (ms or counts): ten minutes.
const MAX_FAULT_VALUE = 600_000;
// A socket over its outbound cap gets this long to take the 1013 close frame before it is cut.
const BACKPRESSURE_GRACE_MS = 5000;
const QUERY_FAULTS = ['latency_ms', 'drop_after_ms', 'drop_after_frames', 'close_code', 'close_after_ms', 'close_after_frames', 'malformed_every', 'refuse_with', 'idle_timeout_ms'] as const;

function words(text: string, upTo: number): string {
  return text.split(/\s+/).slice(0, upTo).join(' ');
}

function nowIso(): string {
  return new Date().toISOString();
}

/** Close codes a WebSocket endpoint may send (RFC 6455 §7.4; 1004–1006 and 1015 are reserved). */
export function isSendableCloseCode(c: unknown): c is number {
  return typeof c === 'number' && Number.isInteger(c) && ((c >= 1000 && c <= 1014 && c !== 1004 && c !== 1005 && c !== 1006) || (c >= 3000 && c <= 4999));
}

/** The fault fields holding close codes whose value is not sendable. */
export function badCloseCodes(f: FaultSpec): string[] {
  return (['close_code', 'refuse_with'] as const).filter((k) => f[k] !== undefined && !isSendableCloseCode(f[k]));
}

function queryFaults(q: URLSearchParams): FaultSpec {
  const out: FaultSpec = {};
  for (const k of QUERY_FAULTS) {
    const v = q.get(`mock_${k}`);
    // Bounded: a timer past 2^31-1 ms would fire at once, and a fault is a test aid, not a way to pin sockets.
    if (v !== null && /^\d{1,10}$/.test(v)) out[k] = Math.min(Number(v), MAX_FAULT_VALUE);
  }
  return out;
}

/** One admitted connection: the adapter feeds it frames and tells it when the transport closed. */
export interface StreamConnection {
  /** True when the canonical `{"type":"ping"}` may skip JSON.parse and Ajv (the adapter checks the bytes). */
  readonly fastPing: boolean;
  onText(text: string): void;
  onBinary(): void;
  onPing(): void;
  onClose(): void;
  /** Server shutdown: 1001 going_away. */
  goAway(): void;
  /** Run a transport callback; a throw closes this connection with 1011 instead of escaping. */
  guard(fn: () => void): void;
  endedElsewhere(reason: string): void;
}

export interface StreamProtocol {
  connect(url: URL, port: StreamPort, overrides?: ConnectOverrides): StreamConnection | undefined;
  readonly stats: StreamStats;
  readonly live: Map<string, Set<StreamConnection>>;
  readonly maxPayload: number;
  readonly tooBigCode: number;
  dispose(): void;
}

export function createStreamProtocol(options: StreamProtocolOptions): StreamProtocol {
  const { model, registry, log } = options;
  const acceptUnknown = options.acceptUnknownTokens ?? false;
  const allowQuery = options.allowQueryOverrides ?? true;
  const allowUrlFaults = options.allowUrlFaults ?? allowQuery;
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const idleDefault = options.idleTimeoutMs ?? model.serverIdleTimeoutMs ?? 0;
  const stats: StreamStats = { connections: 0, framesIn: 0, framesOut: 0, selfCheckFailures: 0 };
  const code = (name: string, fallback: number) => model.closeCodes.get(name) ?? fallback;
  const encoder = new TextEncoder();

  const propsByType = new Map<string, JsonObject>();

  /** Shape a server frame: start from the spec's example, overlay the fields the schema declares. */
  const shape = (type: string, fields: Record<string, unknown>): JsonObject => {
    const spec = model.messages.get(type);
    const base: JsonObject = spec?.example ? structuredClone(spec.example) : {};
    let props = propsByType.get(type);
    if (spec && !props) propsByType.set(type, (props = model.properties(spec.schema)));
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

  // The byte-level ping shortcut is only taken when the spec itself accepts a bare ping.
  const pingSpec = model.messages.get('ping');
  const fastPing = !!pingSpec && pingSpec.validate({ type: 'ping' }) === true;

  const audioSchema = model.audioPayloadSchema;
  const audioMax = typeof audioSchema?.maxLength === 'number' ? audioSchema.maxLength : Infinity;
  const audioPattern = typeof audioSchema?.pattern === 'string' ? new RegExp(audioSchema.pattern) : undefined;
  const audioMin = typeof audioSchema?.minLength === 'number' ? audioSchema.minLength : 0;

  // Open connections per session, so a session ended over REST closes its sockets.
  const live = new Map<string, Set<Connection>>();
  const onRegistryEvent = (ev: RegistryEvent) => {
    if (ev.type !== 'session.ended' || ev.reason === 'explicit_end') return;
    for (const c of live.get(ev.session.id) ?? []) c.endedElsewhere(ev.reason);
  };
  registry.on('event', onRegistryEvent);

  /** Admit or refuse a connection to `url` (path + query). Refusals close the port with the taxonomy's code. */
  function connect(url: URL, port: StreamPort, overrides: ConnectOverrides = {}): Connection | undefined {
    stats.connections++;
    const m = PATH.exec(url.pathname);
    const sessionId = m ? safeDecode(m[1]!) : '';
    if (!m || !SESSION_ID.test(sessionId)) return void port.close(code('session_not_found', 4004), 'session_not_found');
    const token = url.searchParams.get('token');
    if (!token || !TOKEN_PATTERN.test(token)) return void port.close(code('token_invalid', 4001), 'token_invalid');
    const refused = registry.refuseToken(token, sessionId, acceptUnknown);
    if (refused) return void port.close(code(refused.code, refused.fallback), refused.reason);
    const session: MockSession | undefined = registry.sessions.get(sessionId);
    if (session?.status === 'ended') return void port.close(code('session_ended', 4009), 'session_ended');

    let scenario = overrides.scenario ?? options.defaultScenario;
    if (!overrides.scenario) {
      try {
        const pick = (allowQuery ? url.searchParams.get('mock_scenario') : null) ?? session?.scenario;
        if (pick) scenario = options.resolveScenario(pick);
      } catch {
        // An unknown scenario name is a test-setup mistake; fall back to the default rather than fail the socket.
        log(`unknown scenario requested; using '${options.defaultScenario.name}'`);
      }
    }
    const urlFaults = allowUrlFaults ? queryFaults(url.searchParams) : {};
    const badUrl = badCloseCodes(urlFaults);
    if (badUrl.length) return void refuseFault(port, sessionId, `mock_${badUrl[0]}`, urlFaults[badUrl[0] as 'close_code']!);
    const scenarioFaults = { ...(scenario.faults ?? {}) };
    for (const k of badCloseCodes(scenarioFaults)) {
      log(`scenario '${scenario.name}': ${k} ${scenarioFaults[k as 'close_code']} cannot be sent on the wire; ignored`);
      delete scenarioFaults[k as 'close_code'];
    }
    const faults: FaultSpec = {
      ...(idleDefault > 0 ? { idle_timeout_ms: idleDefault } : {}),
      ...(options.faults ?? {}),
      ...scenarioFaults,
      ...urlFaults,
      ...(overrides.faults ?? {}),
    };
    if (faults.refuse_with) return void port.close(faults.refuse_with, 'refused');
    const c = new Connection(port, sessionId, session, scenario, faults);
    c.start();
    return c;
  }

  /** A fault close code no WebSocket may send: say so in a session.error, then close 1008 policy violation. */
  function refuseFault(port: StreamPort, sessionId: string, param: string, value: number) {
    const message = `${param}=${value} is not a close code a WebSocket may send: use 1000-1003, 1007-1014 or 3000-4999.`;
    const c = errorCode(['invalid_request', 'invalid_message']);
    port.send(JSON.stringify(shape('session.error', { session_id: sessionId, code: c, message, param, error: { code: c, message }, timestamp: nowIso() })));
    port.close(1008, 'invalid_fault');
  }

  function safeDecode(s: string): string {
    try {
      return decodeURIComponent(s);
    } catch {
      return '';
    }
  }

  class Connection implements StreamConnection {
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
    private readonly timers = new Set<ReturnType<typeof setTimeout>>();
    private errorBudget = INVALID_FRAME_BURST;
    private limited = false;
    private errorAt = performance.now();
    private idleTimer?: ReturnType<typeof setTimeout>;
    /** performance.now() of the last client frame: one timer checks it, instead of re-arming a timer per frame. */
    private lastIn = 0;
    private readonly idleMs: number;
    private readonly onIdleTimer = () => this.guard(() => this.checkIdle());
    private readonly pong: string;
    private readonly pongBytes: Uint8Array;
    private readonly connectedAt = Date.now();
    private readonly source: string | null;
    private readonly target: string | null;
    /** True when the canonical `{"type":"ping"}` may skip JSON.parse and Ajv (the adapter checks the bytes). */
    readonly fastPing = fastPing;

    constructor(
      private readonly port: StreamPort,
      private readonly sessionId: string,
      private readonly session: MockSession | undefined,
      private readonly scenario: Scenario,
      private readonly faults: FaultSpec,
    ) {
      // The pong never changes for a connection: serialise once (keeps the echo path as cheap as bare ws).
      const pong = shape('pong', { session_id: sessionId });
      if (options.selfCheck) selfCheck(pong);
      this.pong = JSON.stringify(pong);
      this.pongBytes = encoder.encode(this.pong);
      this.idleMs = faults.idle_timeout_ms ?? 0;
      // The session's languages win; a scenario's defaults apply when the session set none.
      const own = !!(session?.sourceLanguage || session?.targetLanguage);
      this.source = own ? (session!.sourceLanguage ?? null) : (scenario.default_languages?.source_language ?? null);
      this.target = own ? (session!.targetLanguage ?? null) : (scenario.default_languages?.target_language ?? null);
    }

    start() {
      let set = live.get(this.sessionId);
      if (!set) live.set(this.sessionId, (set = new Set()));
      set.add(this);
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

    /** Run a handler; a bug in it closes this connection with 1011 and is logged, never thrown at the transport. */
    guard(fn: () => void) {
      try {
        fn();
      } catch (e) {
        log(`session ${this.sessionId}: handler failed: ${(e as Error).stack ?? String(e)}`);
        if (this.closed) return;
        this.closed = true;
        try {
          this.port.close(code('internal_error', 1011), 'internal_error');
        } catch {
          this.port.terminate();
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
      log(`session ${this.sessionId}: outbound buffer over ${maxBuffered} bytes (${this.port.bufferedAmount} queued); closing with ${code('try_again_later', 1013)}`);
      this.port.close(code('try_again_later', 1013), 'try_again_later');
      this.later(BACKPRESSURE_GRACE_MS, () => this.port.terminate());
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
      this.send(shape('session.ended', { session_id: this.sessionId, reason, ended_at: nowIso(), timestamp: nowIso(), duration_seconds: this.duration() }));
      this.closeWith(code('normal_closure', 1000), 'normal_closure');
    }

    /** The transport closed (either side): forget the connection and its timers. */
    onClose() {
      live.get(this.sessionId)?.delete(this);
      if (live.get(this.sessionId)?.size === 0) live.delete(this.sessionId);
      this.closed = true;
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      if (this.idleTimer) clearTimeout(this.idleTimer);
    }

    /** Server shutdown: 1001 going_away tells clients to reconnect with backoff. */
    goAway() {
      this.closeWith(code('going_away', 1001), 'going_away');
    }

    private duration(): number {
      return Math.round((Date.now() - this.connectedAt) / 100) / 10;
    }

    private drop() {
      if (!this.closed) this.port.terminate();
      this.closed = true;
    }

    private closeWith(c: number, reason: string) {
      if (this.closed) return;
      const doIt = () => {
        if (this.closed) return;
        this.closed = true;
        this.port.close(c, reason);
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

    private transmit(data: string | Uint8Array) {
      if (this.closed || !this.port.open) return;
      if ((this.port.bufferedAmount ?? 0) > maxBuffered) return this.overflow();
      this.port.send(data);
      stats.framesOut++;
      this.framesOut++;
      const f = this.faults;
      if (f.drop_after_frames !== undefined && this.framesOut >= f.drop_after_frames) this.drop();
      else if (f.close_code !== undefined && f.close_after_frames !== undefined && this.framesOut >= f.close_after_frames) {
        this.closed = true;
        this.port.close(f.close_code, 'fault');
      }
    }

    private send(frame: JsonObject) {
      if (options.selfCheck) selfCheck(frame);
      this.sendRaw(JSON.stringify(frame), String(frame.type));
    }

    /** A frame arrived (the adapter counts it before any parsing). */
    private arrived(): boolean {
      stats.framesIn++;
      if (this.idleMs) this.lastIn = performance.now();
      return !(this.ended || this.closed);
    }

    /** The canonical ping, recognised by the adapter byte for byte. */
    onPing() {
      this.guard(() => this.ping());
    }

    private ping() {
      if (!this.arrived()) return;
      if (this.faults.malformed_every || this.faults.latency_ms) this.sendRaw(this.pong, 'pong');
      else this.transmit(this.pongBytes);
    }

    onBinary() {
      if (!this.arrived()) return;
      this.error(errorCode(['unsupported_frame', 'invalid_message']), 'Binary frames are not supported: send JSON text frames.');
    }

    private error(codeName: string, message: string, param?: string) {
      if (!this.spendErrorBudget()) return;
      this.send(shape('session.error', { session_id: this.sessionId, code: codeName, message, param, error: { code: codeName, message }, timestamp: nowIso() }));
    }

    onText(text: string) {
      this.guard(() => this.text(text));
    }

    private text(text: string) {
      if (!this.arrived()) return;
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
      if (type === 'ping') {
        if (this.faults.malformed_every || this.faults.latency_ms) return this.sendRaw(this.pong, 'pong');
        return this.transmit(this.pongBytes);
      }
      if (type === 'session.end') {
        this.ended = true;
        this.send(shape('session.ended', { session_id: this.sessionId, reason: 'explicit_end', ended_at: nowIso(), timestamp: nowIso(), duration_seconds: this.duration() }));
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
      // The audio is kept for the session's recording.
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
        this.send(shape('transcript.final', { session_id: this.sessionId, speaker, text: u.text, language: lang, segment_id: `seg_${this.segment}`, sequence: this.segment, translation, timestamp }));
        // Every final the client received becomes a transcript turn.
        if (this.session) registry.final(this.sessionId, { sequence: this.segment, speaker, language: lang, text: u.text, translation, timestamp });
        this.uttStartMs += need;
        this.uttIndex++;
        this.partialsSent = 0;
      }
    }
  }

  return {
    connect,
    stats,
    /** Largest client frame accepted (bytes): never above 64 KiB, never above what the document states. */
    maxPayload: Math.min(MAX_FRAME, model.maxPayloadBytes ?? MAX_FRAME),
    /** Close code for a frame over `maxPayload`. */
    tooBigCode: code('message_too_big', 1009),
    live,
    /** Stop following the registry (the adapter is closing). */
    dispose() {
      registry.off('event', onRegistryEvent);
    },
  };
}

