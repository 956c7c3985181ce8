// Scripted pacing (a scenario with `"timing": "scripted"`): transcripts paced by the amount of μ-law audio received
// (8 bytes = 1 ms at 8 kHz mono), whatever it holds: each utterance becomes its partials, then its final, once its
// `audio_ms` has arrived. No socket, no timer. The default, voice-activity pacing is voice-pacing.ts.
import type { Scenario, Utterance } from '../scenario.js';

export interface PacedPartial {
  kind: 'partial';
  speaker: string;
  text: string;
  language: string;
  segment: number;
}

export interface PacedFinal {
  kind: 'final';
  speaker: string;
  text: string;
  language: string;
  segment: number;
  translation?: { language: string; text: string };
}

/** What a connection's transcript source does with the audio it is given. */
export interface Pacer {
  /** μ-law audio arrived from `speaker`: emit every partial and final now due, in order. */
  receive(mulaw: Uint8Array, speaker: string | undefined, emit: (frame: PacedPartial | PacedFinal) => void): void;
  /** The client ended the stream: emit what the audio so far completes. */
  finish(emit: (frame: PacedPartial | PacedFinal) => void): void;
  /** Free what the pacer holds (the voice detector's WASM heap); idempotent. */
  dispose(): void;
}

// The first `upTo` words of `text`.
function words(text: string, upTo: number): string {
  return text.split(/\s+/).slice(0, upTo).join(' ');
}

/** The partial's text after `sent` of `partials` partials: a growing prefix of the utterance's words. */
export function partialText(text: string, sent: number, partials: number): string {
  const total = text.split(/\s+/).length;
  return words(text, Math.max(1, Math.ceil((total * sent) / (partials + 1))));
}

/** The translation a final carries: into the target language, or back into the source when the speaker used the target. */
export function translationFor(u: Utterance, source: string | null, target: string | null): { language: string; text: string } | undefined {
  const spoken = u.language ?? 'en';
  const to = target && target !== spoken ? target : source && source !== spoken ? source : null;
  if (!to) return undefined;
  return { language: to, text: u.translations?.[to] ?? `[${to}] ${u.text}` };
}

export class TranscriptPacer implements Pacer {
  private audioMs = 0;
  private uttIndex = 0;
  private uttStartMs = 0;
  private partialsSent = 0;
  private segment = 0;
  private lastSpeaker: string | undefined;

  constructor(
    private readonly scenario: Scenario,
    private readonly source: string | null,
    private readonly target: string | null,
  ) {}

  receive(mulaw: Uint8Array, speaker: string | undefined, emit: (frame: PacedPartial | PacedFinal) => void): void {
    if (speaker !== undefined) this.lastSpeaker = speaker;
    this.audioMs += mulaw.length / 8;
    this.advance(emit);
  }

  finish(): void {}

  dispose(): void {}

  private advance(emit: (frame: PacedPartial | PacedFinal) => void): void {
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
      const language = u.language ?? 'en';
      if (this.partialsSent < partials) {
        const at = this.uttStartMs + (need * (this.partialsSent + 1)) / (partials + 1);
        if (this.audioMs < at) return;
        this.partialsSent++;
        emit({ kind: 'partial', speaker, text: partialText(u.text, this.partialsSent, partials), language, segment: this.segment + 1 });
        continue;
      }
      if (this.audioMs < this.uttStartMs + need) return;
      this.segment++;
      emit({ kind: 'final', speaker, text: u.text, language, segment: this.segment, translation: translationFor(u, this.source, this.target) });
      this.uttStartMs += need;
      this.uttIndex++;
      this.partialsSent = 0;
    }
  }
}
