// The stream protocol's seams: what a transport gives it (StreamPort), what it gives back per connection
// (StreamConnection), its options, and the time source it runs on (real timers, or the virtual clock in tests).
import type { AsyncApiModel } from '../internal/asyncapi-model.js';
import type { SessionRegistry } from '../registry.js';
import type { FaultSpec, Scenario } from '../scenario.js';

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

/** Time as the protocol sees it: a monotonic `now` (ms) and one-shot timers. */
export interface StreamTimers {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
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
  /** Timers and monotonic time; default the real ones (setTimeout, performance.now). */
  timers?: StreamTimers;
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

/** One admitted connection: the adapter feeds it frames and tells it when the transport closed. */
export interface StreamConnection {
  /** True when the canonical `{"type":"ping"}` may skip JSON.parse and validation (the adapter checks the bytes). */
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
  /** The document's close code for `name` (the taxonomy), or `fallback`. */
  closeCode(name: string, fallback: number): number;
  dispose(): void;
}
