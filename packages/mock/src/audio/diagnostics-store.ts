// The audio diagnostics of each session, for the control plane (`GET /_mock/sessions/{id}/diagnostics`) and the
// MSW handlers' `diagnostics(id)`. Bounded: one entry per code per session (AudioDiagnostics reports each code
// once per stream; a reconnect cannot add a second), at most MAX_DIAGNOSED_SESSIONS sessions, the oldest
// forgotten first. One store per engine, so the stream (through its registry) and the control plane (through the
// engine) reach the same one with no extra wiring.
import type { AudioDiagnostic } from './diagnostics.js';

export const MAX_DIAGNOSED_SESSIONS = 1000;

export interface StoredDiagnostic extends AudioDiagnostic {
  session_id: string;
  /** When the mock saw it (ISO 8601, wall clock). */
  at: string;
}

export class DiagnosticsStore {
  private readonly bySession = new Map<string, StoredDiagnostic[]>();

  add(sessionId: string, d: AudioDiagnostic): void {
    let list = this.bySession.get(sessionId);
    if (!list) {
      if (this.bySession.size >= MAX_DIAGNOSED_SESSIONS) this.bySession.delete(this.bySession.keys().next().value!);
      this.bySession.set(sessionId, (list = []));
    }
    if (list.some((x) => x.code === d.code)) return;
    list.push({ ...d, session_id: sessionId, at: new Date().toISOString() });
  }

  /** The session's diagnostics, oldest first (empty when it has none). */
  list(sessionId: string): StoredDiagnostic[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  get size(): number {
    return this.bySession.size;
  }

  clear(): void {
    this.bySession.clear();
  }
}

const stores = new WeakMap<object, DiagnosticsStore>();

/** The diagnostics store of one sandbox (keyed by its engine). */
export function diagnosticsStoreFor(engine: object): DiagnosticsStore {
  let s = stores.get(engine);
  if (!s) stores.set(engine, (s = new DiagnosticsStore()));
  return s;
}
