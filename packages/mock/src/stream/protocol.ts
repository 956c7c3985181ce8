// The stream protocol with no socket: who may connect (admission.ts), with which scenario and faults
// (faults.ts), and one Connection per admitted socket (connection.ts). The ws adapter (node/stream.ts) and the MSW
// adapter (msw/stream.ts) each wrap their socket in a StreamPort and feed frames in; nothing here is repeated there.
import type { RegistryEvent } from '../registry.js';
import type { Scenario } from '../scenario.js';
import { MAX_BUFFERED_BYTES } from './backpressure.js';
import { admit } from './admission.js';
import { Connection, type ConnectionContext } from './connection.js';
import { badCloseCodes, mergeFaults, queryFaults } from './faults.js';
import { createFrameShaper, nowIso, type FrameShaper } from './frames.js';
import { realTimers } from './timers.js';
import type { ConnectOverrides, StreamPort, StreamProtocol, StreamProtocolOptions, StreamStats } from './types.js';

const MAX_FRAME = 64 * 1024;
const REFUSAL_CODES = { session_not_found: 4004, token_invalid: 4001, token_expired: 4002, session_ended: 4009 } as const;

/** A fault close code no WebSocket may send: say so in a session.error, then close 1008 policy violation. */
function refuseFault(frames: FrameShaper, port: StreamPort, sessionId: string, param: string, value: number): void {
  const message = `${param}=${value} is not a close code a WebSocket may send: use 1000-1003, 1007-1014 or 3000-4999.`;
  const c = frames.errorCode(['invalid_request', 'invalid_message']);
  port.send(JSON.stringify(frames.shape('session.error', { session_id: sessionId, code: c, message, param, error: { code: c, message }, timestamp: nowIso() })));
  port.close(1008, 'invalid_fault');
}

function pickScenario(options: StreamProtocolOptions, url: URL, sessionScenario: string | undefined, override: Scenario | undefined): Scenario {
  if (override) return override;
  try {
    const pick = ((options.allowQueryOverrides ?? true) ? url.searchParams.get('mock_scenario') : null) ?? sessionScenario;
    if (pick) return options.resolveScenario(pick);
  } catch {
    // An unknown scenario name is a test-setup mistake; fall back to the default rather than fail the socket.
    options.log(`unknown scenario requested; using '${options.defaultScenario.name}'`);
  }
  return options.defaultScenario;
}

export function createStreamProtocol(options: StreamProtocolOptions): StreamProtocol {
  const { model, registry, log } = options;
  const acceptUnknown = options.acceptUnknownTokens ?? true;
  const allowUrlFaults = options.allowUrlFaults ?? options.allowQueryOverrides ?? true;
  const idleDefault = options.idleTimeoutMs ?? model.serverIdleTimeoutMs ?? 0;
  const stats: StreamStats = { connections: 0, framesIn: 0, framesOut: 0, selfCheckFailures: 0 };
  const frames = createFrameShaper(model, stats, log, options.selfCheck);
  // The byte-level ping shortcut is only taken when the spec itself accepts a bare ping.
  const pingSpec = model.messages.get('ping');
  const ctx: ConnectionContext = {
    registry,
    frames,
    stats,
    live: new Map(),
    timers: options.timers ?? realTimers,
    maxBuffered: options.maxBufferedBytes ?? MAX_BUFFERED_BYTES,
    fastPing: !!pingSpec && pingSpec.validate({ type: 'ping' }) === true,
    log,
  };
  const onRegistryEvent = (ev: RegistryEvent) => {
    if (ev.type !== 'session.ended' || ev.reason === 'explicit_end') return;
    for (const c of ctx.live.get(ev.session.id) ?? []) c.endedElsewhere(ev.reason);
  };
  registry.on('event', onRegistryEvent);

  /** Admit or refuse a connection to `url` (path + query). Refusals close the port with the taxonomy's code. */
  function connect(url: URL, port: StreamPort, overrides: ConnectOverrides = {}): Connection | undefined {
    stats.connections++;
    const a = admit(registry, url, acceptUnknown);
    if (!a.ok) return void port.close(frames.closeCode(a.refusal, REFUSAL_CODES[a.refusal]), a.refusal);
    const scenario = pickScenario(options, url, a.session?.scenario, overrides.scenario);
    const urlFaults = allowUrlFaults ? queryFaults(url.searchParams) : {};
    const badUrl = badCloseCodes(urlFaults);
    if (badUrl.length) return void refuseFault(frames, port, a.sessionId, `mock_${badUrl[0]}`, urlFaults[badUrl[0] as 'close_code']!);
    const faults = mergeFaults({ idleDefault, options: options.faults, scenario, url: urlFaults, override: overrides.faults, log });
    if (faults.refuse_with) return void port.close(faults.refuse_with, 'refused');
    const c = new Connection(ctx, port, a.sessionId, a.session, scenario, faults);
    c.start();
    return c;
  }

  return {
    connect,
    stats,
    /** Largest client frame accepted (bytes): never above 64 KiB, never above what the document states. */
    maxPayload: Math.min(MAX_FRAME, model.maxPayloadBytes ?? MAX_FRAME),
    /** Close code for a frame over `maxPayload`. */
    tooBigCode: frames.closeCode('message_too_big', 1009),
    live: ctx.live,
    closeCode: frames.closeCode,
    /** Stop following the registry (the adapter is closing). */
    dispose() {
      registry.off('event', onRegistryEvent);
    },
  };
}
