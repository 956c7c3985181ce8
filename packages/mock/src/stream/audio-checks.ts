// A connection's audio checks: each audio.input payload goes through AudioDiagnostics (audio/diagnostics.ts);
// what it finds is logged and stored for the session (control plane, MSW `diagnostics(id)`). With strict audio,
// the first fatal finding is returned so the connection answers it with `session.error` `invalid_audio_format`.
import { AudioDiagnostics, type AudioDiagnostic } from '../audio/diagnostics.js';
import type { DiagnosticsStore } from '../audio/diagnostics-store.js';

export class AudioChecks {
  private readonly diagnostics: AudioDiagnostics;

  constructor(
    private readonly sessionId: string,
    private readonly store: DiagnosticsStore,
    private readonly strict: boolean,
    private readonly log: (line: string) => void,
    now: () => number,
  ) {
    this.diagnostics = new AudioDiagnostics(now);
  }

  /** Checks one payload; returns a fatal diagnostic strict mode must answer, else undefined. */
  inspect(payload: Uint8Array, sequence?: number): AudioDiagnostic | undefined {
    let fatal: AudioDiagnostic | undefined;
    for (const d of this.diagnostics.inspect(payload, sequence)) {
      this.store.add(this.sessionId, d);
      const answer = this.strict && d.fatal;
      this.log(`session ${this.sessionId}: audio ${d.code} at ${d.audio_ms} ms of audio${answer ? ' (strict audio: session.error invalid_audio_format)' : ''}: ${d.message}`);
      if (answer) fatal ??= d;
    }
    return fatal;
  }
}
