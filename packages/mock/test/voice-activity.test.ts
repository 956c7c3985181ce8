// Voice activity on real audio: the bundled sample is espeak-ng speech (scripts/make-sample-wav.mjs), so the
// detector must find one segment per spoken phrase, none in the lead-in silence, and none in silence, constant
// bytes or very quiet speech. Time is audio time: no clock, no sleeps.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeMulaw, decodeMulaw, wavToMulaw8k } from '@kallglot/stream';
import { createFrameClassifier, loadVad, vadHeapBytes, vadLoaded } from '../src/audio/fvad.js';
import { VoiceActivity, frameLevelDbfs, type VoiceEvent } from '../src/audio/voice-activity.js';

const sample = wavToMulaw8k(readFileSync(fileURLToPath(new URL('../../stream/examples/call.wav', import.meta.url))));

function run(audio: Uint8Array, chunk = 800): VoiceEvent[] {
  const va = new VoiceActivity(createFrameClassifier());
  const events: VoiceEvent[] = [];
  for (let o = 0; o < audio.length; o += chunk) events.push(...va.push(audio.subarray(o, o + chunk)));
  events.push(...va.finish());
  va.dispose();
  return events;
}
const ends = (events: VoiceEvent[]) => events.filter((e) => e.type === 'end') as Extract<VoiceEvent, { type: 'end' }>[];

beforeAll(async () => {
  await loadVad();
});

describe('voice activity', () => {
  it('is loaded by loadVad()', () => {
    expect(vadLoaded()).toBe(true);
  });

  it('finds one segment per spoken phrase in the bundled sample, none in the lead-in silence', () => {
    const events = run(sample);
    const segments = ends(events);
    expect(segments).toHaveLength(3);
    expect(segments[0]!.startMs).toBeGreaterThanOrEqual(900); // 1 s of silence first
    for (const s of segments) {
      expect(s.endMs - s.startMs).toBeGreaterThan(1000);
      expect(s.atMs - s.endMs).toBe(500); // the segment closes after the hangover, not at the end of the audio
    }
    // starts and ends alternate
    expect(events.map((e) => e.type)).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
  });

  it('does not depend on how the audio is chunked (20 ms carrier frames, odd sizes)', () => {
    const reference = ends(run(sample)).map((e) => [e.startMs, e.endMs]);
    expect(ends(run(sample, 160)).map((e) => [e.startMs, e.endMs])).toEqual(reference);
    expect(ends(run(sample, 333)).map((e) => [e.startMs, e.endMs])).toEqual(reference);
  });

  it('gives no segment for 5 s of silence, constant bytes, or speech 60 dB down', () => {
    expect(run(new Uint8Array(40_000).fill(0xff))).toEqual([]);
    expect(run(new Uint8Array(40_000).fill(0x55))).toEqual([]);
    const quiet = encodeMulaw(decodeMulaw(sample).map((s) => Math.round(s / 1000)));
    expect(run(quiet)).toEqual([]);
  });

  it('measures level with the DC offset removed', () => {
    expect(frameLevelDbfs(new Int16Array(160).fill(12_000))).toBe(-Infinity);
    const tone = Int16Array.from({ length: 160 }, (_, i) => Math.round(16384 * Math.sin((2 * Math.PI * i) / 16)));
    expect(frameLevelDbfs(tone)).toBeCloseTo(-9.03, 1);
  });

  it('frees each detector: thousands of create/dispose cycles do not grow the heap', () => {
    for (let i = 0; i < 100; i++) createFrameClassifier().dispose();
    const heap = vadHeapBytes();
    expect(heap).toBeGreaterThan(0);
    for (let i = 0; i < 20_000; i++) createFrameClassifier().dispose();
    expect(vadHeapBytes()).toBe(heap);
    const a = new VoiceActivity(createFrameClassifier());
    a.dispose();
    a.dispose(); // idempotent
    // 1,000 live detectors at once fit (the capacity the stream mock promises)
    const live = Array.from({ length: 1000 }, () => createFrameClassifier());
    for (const c of live) c.dispose();
  });
});
