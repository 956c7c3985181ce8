// Faults a connection runs with: the server's options, the scenario's, the connect URL's (`mock_*`, opt-in) and
// an adapter's override, merged in that order. Close codes a WebSocket may not send are refused or dropped here.
import type { FaultSpec, Scenario } from '../scenario.js';

// Largest fault value taken from a URL (ms or counts): ten minutes.
const MAX_FAULT_VALUE = 600_000;
const QUERY_FAULTS = ['latency_ms', 'drop_after_ms', 'drop_after_frames', 'close_code', 'close_after_ms', 'close_after_frames', 'malformed_every', 'refuse_with', 'idle_timeout_ms'] as const;

/** Close codes a WebSocket endpoint may send (RFC 6455 §7.4; 1004–1006 and 1015 are reserved). */
export function isSendableCloseCode(c: unknown): c is number {
  return typeof c === 'number' && Number.isInteger(c) && ((c >= 1000 && c <= 1014 && c !== 1004 && c !== 1005 && c !== 1006) || (c >= 3000 && c <= 4999));
}

/** The fault fields holding close codes whose value is not sendable. */
export function badCloseCodes(f: FaultSpec): string[] {
  return (['close_code', 'refuse_with'] as const).filter((k) => f[k] !== undefined && !isSendableCloseCode(f[k]));
}

/** The `mock_*` fault parameters of a connect URL, bounded. */
export function queryFaults(q: URLSearchParams): FaultSpec {
  const out: FaultSpec = {};
  for (const k of QUERY_FAULTS) {
    const v = q.get(`mock_${k}`);
    // Bounded: a timer past 2^31-1 ms would fire at once, and a fault is a test aid, not a way to pin sockets.
    if (v !== null && /^\d{1,10}$/.test(v)) out[k] = Math.min(Number(v), MAX_FAULT_VALUE);
  }
  return out;
}

export interface FaultSources {
  idleDefault: number;
  options?: FaultSpec;
  scenario: Scenario;
  url: FaultSpec;
  override?: FaultSpec;
  log(line: string): void;
}

/** The merged faults; a scenario's unsendable close codes are logged and ignored. */
export function mergeFaults(src: FaultSources): FaultSpec {
  const scenarioFaults = { ...(src.scenario.faults ?? {}) };
  for (const k of badCloseCodes(scenarioFaults)) {
    src.log(`scenario '${src.scenario.name}': ${k} ${scenarioFaults[k as 'close_code']} cannot be sent on the wire; ignored`);
    delete scenarioFaults[k as 'close_code'];
  }
  return {
    ...(src.idleDefault > 0 ? { idle_timeout_ms: src.idleDefault } : {}),
    ...(src.options ?? {}),
    ...scenarioFaults,
    ...src.url,
    ...(src.override ?? {}),
  };
}
