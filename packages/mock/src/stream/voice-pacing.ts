// Voice-activity pacing (the default): the voiced segments the WebRTC detector finds in the caller's audio
// (audio/voice-activity.ts) become the transcript's turns. Each segment takes the scenario's next utterance: its
// partials while the segment lasts (one per `audio_ms / (partials + 1)` of segment audio, at most `partials`), its
// final when the segment ends (after the 500 ms hangover). Silence, constant bytes and quiet audio give no turn.
// The words are scripted; how many turns there are and when they come is what the audio says.
import type { FrameClassifier } from '../audio/fvad.js';
import { VoiceActivity, type VoiceEvent } from '../audio/voice-activity.js';
import type { Scenario, Utterance } from '../scenario.js';
import { partialText, translationFor, type PacedFinal, type PacedPartial, type Pacer } from './pacing.js';

type Emit = (frame: PacedPartial | PacedFinal) => void;

export class VoicePacer implements Pacer {
  private readonly activity: VoiceActivity;
  private uttIndex = 0;
  private segment = 0;
  private partialsSent = 0;
  private lastSpeaker: string | undefined;

  constructor(
    private readonly scenario: Scenario,
    classifier: FrameClassifier,
    private readonly source: string | null,
    private readonly target: string | null,
  ) {
    this.activity = new VoiceActivity(classifier);
  }

  receive(mulaw: Uint8Array, speaker: string | undefined, emit: Emit): void {
    if (speaker !== undefined) this.lastSpeaker = speaker;
    for (const event of this.activity.push(mulaw)) this.onEvent(event, emit);
    this.partials(emit);
  }

  /** The stream ended inside a segment: it ends at its last voiced frame, and gets its final. */
  finish(emit: Emit): void {
    for (const event of this.activity.finish()) this.onEvent(event, emit);
  }

  dispose(): void {
    this.activity.dispose();
  }

  /** The utterance the next (or open) segment speaks; undefined once a non-looping script is used up. */
  private utterance(): Utterance | undefined {
    const utts = this.scenario.utterances;
    if (this.uttIndex >= utts.length) {
      if (this.scenario.loop === false) return undefined;
      this.uttIndex = 0;
    }
    return utts[this.uttIndex];
  }

  private speaker(u: Utterance): string {
    return u.speaker ?? this.lastSpeaker ?? 'customer';
  }

  /** Partials due in the open segment, by the audio it has lasted so far. */
  private partials(emit: Emit): void {
    const start = this.activity.openSegmentStartMs;
    const u = start === undefined ? undefined : this.utterance();
    if (start === undefined || !u) return;
    const partials = u.partials ?? 2;
    const step = (u.audio_ms ?? 1500) / (partials + 1);
    while (this.partialsSent < partials && this.activity.audioMs - start >= step * (this.partialsSent + 1)) {
      this.partialsSent++;
      const text = partialText(u.text, this.partialsSent, partials);
      emit({ kind: 'partial', speaker: this.speaker(u), text, language: u.language ?? 'en', segment: this.segment + 1 });
    }
  }

  private onEvent(event: VoiceEvent, emit: Emit): void {
    if (event.type === 'start') return; // its partials follow the audio (partials())
    this.partialsSent = 0;
    const u = this.utterance();
    if (!u) return;
    this.segment++;
    this.uttIndex++;
    emit({ kind: 'final', speaker: this.speaker(u), text: u.text, language: u.language ?? 'en', segment: this.segment, translation: translationFor(u, this.source, this.target) });
  }
}
