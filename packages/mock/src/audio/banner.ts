// What the `kallglot-mock` banner says about the stream's simulation: the words are scripted, their timing follows
// the caller's audio, and broken audio is checked (strictly with --strict-audio).
import { AUDIO_CHECKS } from './diagnostics.js';

export function simulationBanner(strictAudio: boolean): string {
  return [
    'Stream transcripts are simulated: the words come from the scenario script; the turns and their timing follow',
    '  the voice activity of the audio you send (8 kHz mono μ-law; silence gives no transcript).',
    `Audio checks: a WAV header, audio over ${AUDIO_CHECKS.tooFastFactor}× real time, 16-bit PCM bytes sent as μ-law.`,
    strictAudio
      ? '  Strict audio is on: the first broken frame gets session.error invalid_audio_format.'
      : '  Logged here and listed at GET /_mock/sessions/{id}/diagnostics; --strict-audio answers them with session.error.',
  ].join('\n');
}
