// The scenario's utterances, spoken in order as transcript turns: which utterance the open turn speaks, its growing
// partials, its final (with the translation). Both pacers use it; they differ only in WHEN a partial or final is
// due (scripted audio amounts in pacing.ts, voiced segments in voice-pacing.ts).
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

export type Emit = (frame: PacedPartial | PacedFinal) => void;

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

export class TurnScript {
  private uttIndex = 0;
  private segment = 0;
  private sent = 0;
  private lastSpeaker: string | undefined;

  constructor(
    private readonly scenario: Scenario,
    private readonly source: string | null,
    private readonly target: string | null,
  ) {}

  /** Partials already sent for the open turn. */
  get partialsSent(): number {
    return this.sent;
  }

  /** Audio arrived from `speaker` (when the frame names one): utterances without a speaker take it. */
  heard(speaker: string | undefined): void {
    if (speaker !== undefined) this.lastSpeaker = speaker;
  }

  /** The utterance the open (or next) turn speaks; undefined once a non-looping script is used up. */
  utterance(): Utterance | undefined {
    const utts = this.scenario.utterances;
    if (this.uttIndex >= utts.length) {
      if (this.scenario.loop === false) return undefined;
      this.uttIndex = 0;
    }
    return utts[this.uttIndex];
  }

  /** Emits the open turn's next partial of `u`. */
  partial(u: Utterance, emit: Emit): void {
    this.sent++;
    emit({ kind: 'partial', speaker: this.speaker(u), text: partialText(u.text, this.sent, u.partials ?? 2), language: u.language ?? 'en', segment: this.segment + 1 });
  }

  /** Emits the final of `u` and moves on to the next utterance. */
  final(u: Utterance, emit: Emit): void {
    this.segment++;
    this.uttIndex++;
    this.sent = 0;
    emit({ kind: 'final', speaker: this.speaker(u), text: u.text, language: u.language ?? 'en', segment: this.segment, translation: translationFor(u, this.source, this.target) });
  }

  private speaker(u: Utterance): string {
    return u.speaker ?? this.lastSpeaker ?? 'customer';
  }
}
