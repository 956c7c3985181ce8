// Voice-activity pacing (the default): the voiced segments the WebRTC detector finds in the caller's audio
// (audio/voice-activity.ts) become the transcript's turns. Each segment takes the scenario's next utterance: its
// partials while the segment lasts (one per `audio_ms / (partials + 1)` of segment audio, at most `partials`), its
// final when the segment ends (after the 500 ms hangover). Silence, constant bytes and quiet audio give no turn.
// The words are scripted (turn-script.ts); how many turns there are and when they come is what the audio says.
import type { FrameClassifier } from '../audio/fvad.js';
import { VoiceActivity, type VoiceEvent } from '../audio/voice-activity.js';
import type { Scenario } from '../scenario.js';
import type { Pacer } from './pacing.js';
import { TurnScript, type Emit } from './turn-script.js';

export class VoicePacer implements Pacer {
  private readonly activity: VoiceActivity;
  private readonly script: TurnScript;

  constructor(scenario: Scenario, classifier: FrameClassifier, source: string | null, target: string | null) {
    this.activity = new VoiceActivity(classifier);
    this.script = new TurnScript(scenario, source, target);
  }

  receive(mulaw: Uint8Array, speaker: string | undefined, emit: Emit): void {
    this.script.heard(speaker);
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

  /** Partials due in the open segment, by the audio it has lasted so far. */
  private partials(emit: Emit): void {
    const start = this.activity.openSegmentStartMs;
    const u = start === undefined ? undefined : this.script.utterance();
    if (start === undefined || !u) return;
    const partials = u.partials ?? 2;
    const step = (u.audio_ms ?? 1500) / (partials + 1);
    while (this.script.partialsSent < partials && this.activity.audioMs - start >= step * (this.script.partialsSent + 1)) this.script.partial(u, emit);
  }

  private onEvent(event: VoiceEvent, emit: Emit): void {
    if (event.type === 'start') return; // its partials follow the audio (partials())
    const u = this.script.utterance();
    if (u) this.script.final(u, emit);
  }
}
