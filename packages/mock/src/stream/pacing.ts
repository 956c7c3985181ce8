// Transcripts paced by the μ-law audio actually received (8 bytes = 1 ms at 8 kHz mono): each utterance of the
// scenario becomes its partials, then its final, once enough audio has arrived. No socket, no timer.
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

function words(text: string, upTo: number): string {
  return text.split(/\s+/).slice(0, upTo).join(' ');
}

export class TranscriptPacer {
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

  /** `bytes` of μ-law audio arrived from `speaker`: emit every partial and final now due, in order. */
  receive(bytes: number, speaker: string | undefined, emit: (frame: PacedPartial | PacedFinal) => void): void {
    if (speaker !== undefined) this.lastSpeaker = speaker;
    this.audioMs += bytes / 8;
    this.advance(emit);
  }

  private translationFor(u: Utterance): { language: string; text: string } | undefined {
    const spoken = u.language ?? 'en';
    const to = this.target && this.target !== spoken ? this.target : this.source && this.source !== spoken ? this.source : null;
    if (!to) return undefined;
    return { language: to, text: u.translations?.[to] ?? `[${to}] ${u.text}` };
  }

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
        const total = u.text.split(/\s+/).length;
        const text = words(u.text, Math.max(1, Math.ceil((total * this.partialsSent) / (partials + 1))));
        emit({ kind: 'partial', speaker, text, language, segment: this.segment + 1 });
        continue;
      }
      if (this.audioMs < this.uttStartMs + need) return;
      this.segment++;
      emit({ kind: 'final', speaker, text: u.text, language, segment: this.segment, translation: this.translationFor(u) });
      this.uttStartMs += need;
      this.uttIndex++;
      this.partialsSent = 0;
    }
  }
}
