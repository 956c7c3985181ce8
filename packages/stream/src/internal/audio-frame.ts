// Serializes `audio.input` by concatenation: the payload is base64 (nothing to escape), so walking it again
// in JSON.stringify is wasted work on the hottest path. Produces exactly what JSON.stringify would.
const quoted = new Map<string, string>();

export function serializeAudioInput(sequence: number, timestampMs: number, speaker: string, payload: string): string {
  let q = quoted.get(speaker);
  if (q === undefined) {
    q = JSON.stringify(speaker);
    if (quoted.size < 16) quoted.set(speaker, q);
  }
  if (!Number.isSafeInteger(sequence) || !Number.isSafeInteger(timestampMs)) {
    return JSON.stringify({ type: 'audio.input', sequence, timestamp_ms: timestampMs, speaker, audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload } });
  }
  return (
    '{"type":"audio.input","sequence":' + sequence +
    ',"timestamp_ms":' + timestampMs +
    ',"speaker":' + q +
    ',"audio":{"encoding":"mulaw","sample_rate_hz":8000,"payload":"' + payload + '"}}'
  );
}
