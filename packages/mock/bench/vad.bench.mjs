// Voice activity on the stream's hot path: what the WebRTC detector (WASM) costs per 20 ms frame of 8 kHz μ-law,
// alone and with the audio checks, over the bundled speech sample. The 1,000-stream capacity row with the detector
// on is in sandbox.bench.mjs (its streams send the speech sample). Needs `npm run build` (imports dist/).
// With BENCH_OUT set, writes the JSON rows described in CONTRIBUTING.md. Knob: BENCH_ROUNDS (7).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wavToMulaw8k } from '@kallglot/stream';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const { createFrameClassifier, loadVad } = await import(join(dist, 'audio', 'fvad.js'));
const { VoiceActivity } = await import(join(dist, 'audio', 'voice-activity.js'));
const { AudioDiagnostics } = await import(join(dist, 'audio', 'diagnostics.js'));

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const speech = wavToMulaw8k(readFileSync(join(here, '..', '..', 'stream', 'examples', 'call.wav')));
const FRAME = 160; // 20 ms at 8 kHz
const frames = [];
for (let o = 0; o + FRAME <= speech.length; o += FRAME) frames.push(speech.subarray(o, o + FRAME));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** ns per frame for one pass over the sample (×20 so a round lasts long enough to time), median of ROUNDS. */
function timePerFrame(withChecks) {
  const results = [];
  for (let r = 0; r < ROUNDS; r++) {
    const va = new VoiceActivity(createFrameClassifier());
    let clock = 0;
    const checks = withChecks ? new AudioDiagnostics(() => clock) : undefined;
    let events = 0;
    const t0 = process.hrtime.bigint();
    for (let pass = 0; pass < 20; pass++) {
      for (const f of frames) {
        events += va.push(f).length;
        if (checks) {
          clock += 20;
          events += checks.inspect(f).length;
        }
      }
    }
    const ns = Number(process.hrtime.bigint() - t0) / (frames.length * 20);
    va.dispose();
    if (events === 0) throw new Error('the detector found no speech in the sample');
    results.push(ns);
  }
  return median(results);
}

await loadVad();
timePerFrame(true); // warm-up
const vad = timePerFrame(false);
const both = timePerFrame(true);
const REAL_NS = 20e6;
const rows = [
  { metric: 'voice activity (WebRTC VAD, WASM) per 20 ms μ-law frame: median ns ÷ the frame\'s 20 ms of real time', ours: Math.round(vad), reference: REAL_NS, unit: 'ns/frame', ratio: +(vad / REAL_NS).toFixed(6), goal: '<= 0.001' },
  { metric: 'voice activity + audio checks per 20 ms frame: median ns ÷ 20 ms', ours: Math.round(both), reference: REAL_NS, unit: 'ns/frame', ratio: +(both / REAL_NS).toFixed(6), goal: '<= 0.001' },
];
for (const r of rows) r.holds = r.ratio <= 0.001;
console.log(rows.map((r) => `${r.metric}: ${r.ours} ${r.unit} (ratio ${r.ratio}, goal ${r.goal})`).join('\n'));
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2));
