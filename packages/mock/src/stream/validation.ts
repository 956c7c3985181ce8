// Client frames, decoded by @kallglot/stream's own decoder (one definition of what a client may send), then
// phrased as the mock's `session.error`: the taxonomy code preferences, a message that names the fix, the `param`.
import { decodeClientFrame, type ValidationError } from '@kallglot/stream/protocol';
import { describeAjvError, paramFromAjvError, pickAjvError } from '../internal/schema.js';

export type ClientFrame =
  | { ok: true; type: 'ping' }
  | { ok: true; type: 'session.end' }
  | { ok: true; type: 'audio.input'; /** base64 μ-law */ payload: string; /** μ-law bytes = samples */ bytes: number; speaker: string }
  | { ok: false; /** error codes in order of preference (the document's taxonomy picks) */ prefs: string[]; message: string; param?: string };

// Decoded audio is not kept: one scratch buffer, big enough for the largest frame a transport lets through (64 KiB).
const scratch = new Int16Array(64 * 1024);

const BAD_PAYLOAD: ClientFrame = { ok: false, prefs: ['invalid_audio_format'], message: 'audio.payload must be base64-encoded μ-law bytes within the documented size.', param: 'audio.payload' };

function schemaError(errors: ValidationError[]): ClientFrame {
  const e = pickAjvError(errors);
  const param = paramFromAjvError(e);
  if (param?.startsWith('audio.')) {
    return { ok: false, prefs: ['invalid_audio_format'], message: `Invalid audio: ${describeAjvError(e, param)} Audio must be base64 μ-law at 8000 Hz, mono.`, param };
  }
  return { ok: false, prefs: ['invalid_message'], message: describeAjvError(e, param), param };
}

/** One client text frame → what it asks for, or why it is refused. Never throws on bad input. */
export function readClientFrame(text: string): ClientFrame {
  const d = decodeClientFrame(text, scratch);
  if (d.ok) {
    const m = d.message;
    if (m.type !== 'audio.input') return { ok: true, type: m.type };
    // Stricter than the decoder, which (like Node's) also takes unpadded base64: the sandbox must not flatter.
    if ((m.audio.payload.length & 3) !== 0) return BAD_PAYLOAD;
    return { ok: true, type: 'audio.input', payload: m.audio.payload, bytes: d.pcm!.length, speaker: m.speaker };
  }
  if (d.errors?.length) return schemaError(d.errors);
  switch (d.code) {
    case 'invalid_json':
      return { ok: false, prefs: ['invalid_json', 'invalid_message'], message: d.detail };
    case 'unknown_message_type':
      return { ok: false, prefs: ['unknown_message_type', 'unsupported_message_type', 'invalid_message'], message: d.detail, param: 'type' };
    case 'invalid_audio_format':
      return BAD_PAYLOAD;
    default:
      return { ok: false, prefs: ['invalid_message'], message: d.detail, param: 'type' };
  }
}
