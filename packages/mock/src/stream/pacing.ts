// Scripted pacing (a scenario with `"timing": "scripted"`): transcripts paced by the amount of μ-law audio received
// (8 bytes = 1 ms at 8 kHz mono), whatever it holds: each utterance becomes its partials, then its final, once its
// `audio_ms` has arrived. No socket, no timer. The default, voice-activity pacing is voice-pacing.ts; what the turns
// say is turn-script.ts.
import type { Scenario } from '../scenario.js';
import { TurnScript, type Emit } from './turn-script.js';

export type { PacedFinal, PacedPartial } from './turn-script.js';

/** What a connection's transcript source does with the audio it is given. */
export interface Pacer {
  /** μ-law audio arrived from `speaker`: emit every partial and final now due, in order. */
  receive(mulaw: Uint8Array, speaker: string | undefined, emit: Emit): void;
  /** The client ended the stream: emit what the audio so far completes. */
  finish(emit: Emit): void;
  /** Free what the pacer holds (the voice detector's WASM heap); idempotent. */
  dispose(): void;
}

export class TranscriptPacer implements Pacer {
  private readonly script: TurnScript;
  private audioMs = 0;
  private uttStartMs = 0;

  constructor(scenario: Scenario, source: string | null, target: string | null) {
    this.script = new TurnScript(scenario, source, target);
  }

  receive(mulaw: Uint8Array, speaker: string | undefined, emit: Emit): void {
    this.script.heard(speaker);
    this.audioMs += mulaw.length / 8;
    this.advance(emit);
  }

  finish(): void {}

  dispose(): void {}

  private advance(emit: Emit): void {
    for (let guard = 0; guard < 1000; guard++) {
      const u = this.script.utterance();
      if (!u) return;
      const need = u.audio_ms ?? 1500;
      const partials = u.partials ?? 2;
      if (this.script.partialsSent < partials) {
        const at = this.uttStartMs + (need * (this.script.partialsSent + 1)) / (partials + 1);
        if (this.audioMs < at) return;
        this.script.partial(u, emit);
        continue;
      }
      if (this.audioMs < this.uttStartMs + need) return;
      this.script.final(u, emit);
      this.uttStartMs += need;
    }
  }
}
