#!/usr/bin/env node
// @kallglot/stream benchmark (run after `npm run build`). Four ratios in one run:
//  1. inbound: decodeClientFrame (parse + validate + base64 + μ-law decode) of an audio.input frame as sendAudio
//     serializes it ÷ JSON.parse alone of the same frame (ops/s). Goal >= 0.85. Such a frame takes decodeClientFrame's
//     canonical fast path (no JSON.parse); the general path (JSON.parse + validator + decode, used for any other
//     spelling of the message) is printed on an extra line for information.
//  2. outbound: μ-law encode + base64 + serialize ÷ JSON.stringify alone of the same message (ops/s). Goal >= 0.80.
//  3. table μ-law encoder ÷ computed (G.191 arithmetic) encoder (ops/s). Goal >= 3.
//  4. echo round trip p99, 50 concurrent streams each sending a 20 ms frame every 20 ms: connectStream ÷ bare ws,
//     against an echo server in a separate process. Goal <= 1.25.
// Micro-benchmarks run interleaved rounds and report the median of the per-round ratios.
// Prints a report; with BENCH_OUT set, writes the JSON rows described in CONTRIBUTING.md.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const { connectStream, encodeMulaw, decodeMulawBase64Into, encodeMulawBase64, clientValidators, decodeClientFrame } = await import(join(dist, 'node.js'));
const { encodeMulawComputed } = await import(join(dist, 'audio', 'mulaw.js'));
const { serializeAudioInput } = await import(join(dist, 'internal', 'audio-frame.js'));

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 50);
const FRAME_MS = Number(process.env.BENCH_FRAME_MS ?? 20);
const FRAME_BYTES = 8 * FRAME_MS;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
let sink = 0;

/** Runs `ours` and `ref` in interleaved timed batches; returns medians of ns/op and of the per-round ratio ref/ours. */
function compare(ours, ref, { iterations, rounds = ROUNDS }) {
  for (let i = 0; i < iterations; i++) {
    ours();
    ref();
  }
  const oursNs = [];
  const refNs = [];
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [ref, ours] : [ours, ref];
    const times = new Map();
    for (const fn of order) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) fn();
      times.set(fn, Number(process.hrtime.bigint() - t0) / iterations);
    }
    oursNs.push(times.get(ours));
    refNs.push(times.get(ref));
    ratios.push(times.get(ref) / times.get(ours)); // throughput ours ÷ throughput reference
  }
  return { ours: median(oursNs), reference: median(refNs), ratio: median(ratios) };
}

const rows = [];
function row(metric, r, unit, goal, holds) {
  rows.push({ metric, ours: round(r.ours), reference: round(r.reference), unit, ratio: round(r.ratio, 3), goal, holds });
  console.log(`${metric}\n  ours ${round(r.ours)} ${unit}, reference ${round(r.reference)} ${unit}, ratio ${round(r.ratio, 3)} (goal ${goal}) ${holds ? 'holds' : 'MISSED'}`);
}
function round(n, d = 1) {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}

// A realistic frame: 20 ms of speech-like audio.
const pcm = Int16Array.from({ length: FRAME_BYTES }, (_, i) => Math.round(6000 * Math.sin(i / 3) + 2500 * Math.sin(i / 11)));
const payload = Buffer.from(encodeMulaw(pcm)).toString('base64');
const message = { type: 'audio.input', sequence: 123456, timestamp_ms: 1763900000000, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload } };
const frame = JSON.stringify(message);
if (frame !== serializeAudioInput(message.sequence, message.timestamp_ms, message.speaker, payload)) throw new Error('bench frame is not what sendAudio sends');

// 1. inbound
{
  const out = new Int16Array(4096);
  const r = compare(
    () => {
      const d = decodeClientFrame(frame, out);
      if (!d.ok) throw new Error('invalid');
      sink += d.pcm.length;
    },
    () => {
      sink += JSON.parse(frame).sequence;
    },
    { iterations: 20000 },
  );
  row(`inbound ${FRAME_MS} ms audio.input as sendAudio sends it: decodeClientFrame (validate+base64+μ-law decode, canonical fast path) vs JSON.parse (throughput)`, r, 'ns/op', '>= 0.85', r.ratio >= 0.85);
  // For information: the general path, which any other spelling of the same message takes.
  const validators = clientValidators;
  const g = compare(
    () => {
      const m = JSON.parse(frame);
      const validate = validators[m.type];
      if (!validate || !validate(m)) throw new Error('invalid');
      sink += decodeMulawBase64Into(m.audio.payload, out);
    },
    () => {
      sink += JSON.parse(frame).sequence;
    },
    { iterations: 20000, rounds: 7 },
  );
  console.log(`  (general path JSON.parse+validate+base64+μ-law decode: ${round(g.ours)} ns/op, ratio ${round(g.ratio, 3)} vs JSON.parse)`);
}

// 2. outbound
{
  let seq = 0;
  const r = compare(
    () => {
      sink += serializeAudioInput(seq++, 1763900000000, 'customer', encodeMulawBase64(pcm)).length;
    },
    () => {
      sink += JSON.stringify(message).length;
    },
    { iterations: 20000 },
  );
  row(`outbound ${FRAME_MS} ms audio.input: μ-law encode+base64+serialize vs JSON.stringify (throughput)`, r, 'ns/op', '>= 0.80', r.ratio >= 0.8);
}

// 3. table vs computed encoder, one second of audio per call
{
  const second = Int16Array.from({ length: 8000 }, (_, i) => ((i * 7919) % 65536) - 32768);
  const r = compare(
    () => {
      sink += encodeMulaw(second)[0];
    },
    () => {
      sink += encodeMulawComputed(second)[0];
    },
    { iterations: 300 },
  );
  row('μ-law encoder, 1 s of 8 kHz PCM: table vs computed (throughput)', r, 'ns/op', '>= 3', r.ratio >= 3);
}

// 4. echo p99
const server = fork(join(here, 'echo-server.mjs'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const port = await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port));
});
const urlFor = (i) => `ws://127.0.0.1:${port}/v1/sessions/sess_bench${i}/connect`;
const mulawFrame = encodeMulaw(pcm);

/** Opens STREAMS connections of one kind; each client exposes send() and records round trips into `sink.samples`. */
async function openClients(mode, sink) {
  const clients = [];
  const record = (sent, now) => {
    if (sink.recording && sent !== undefined) sink.samples[mode].push(now - sent);
  };
  for (let i = 0; i < STREAMS; i++) {
    const sent = new Map();
    if (mode === 'bare') {
      const ws = new WebSocket(`${urlFor(i)}?token=kst_bench_${i}`, { perMessageDeflate: false });
      let seq = 0;
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.type !== 'transcript.partial') return;
        const k = Number(m.text);
        record(sent.get(k), performance.now());
        sent.delete(k);
      });
      await new Promise((r) => ws.once('open', r));
      clients.push({
        send() {
          const k = seq++;
          sent.set(k, performance.now());
          ws.send(JSON.stringify({ type: 'audio.input', sequence: k, timestamp_ms: Date.now(), speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload: Buffer.from(mulawFrame).toString('base64') } }));
        },
        close: () => ws.close(),
      });
    } else {
      const s = connectStream({ url: urlFor(i), token: `kst_bench_${i}` });
      s.on('transcript.partial', (m) => {
        const k = Number(m.text);
        record(sent.get(k), performance.now());
        sent.delete(k);
      });
      await s.ready;
      clients.push({
        send() {
          sent.set(s.nextSequence, performance.now());
          void s.sendAudio(mulawFrame);
        },
        close: () => s.close(),
      });
    }
  }
  return clients;
}

/** Every stream of `clients` sends one frame per FRAME_MS for `ms`, staggered across the period like independent callers. */
function drive(clients, ms) {
  return new Promise((resolve) => {
    const timers = [];
    const stop = performance.now() + ms;
    clients.forEach((c, i) => {
      timers.push(
        setTimeout(() => {
          const t = setInterval(() => (performance.now() > stop ? clearInterval(t) : c.send()), FRAME_MS);
          timers.push(t);
        }, (i * FRAME_MS) / clients.length),
      );
    });
    setTimeout(() => {
      timers.forEach((t) => clearInterval(t));
      resolve();
    }, ms + FRAME_MS);
  });
}

{
  // Both kinds of client stay connected; the load is alternated in short blocks (bare, ours, ours, bare, …) so
  // that the noise of a shared machine falls on both sides alike. The first 100 ms of each block are not recorded.
  const BLOCKS = Number(process.env.BENCH_ECHO_BLOCKS ?? 24);
  const BLOCK_MS = Number(process.env.BENCH_ECHO_BLOCK_MS ?? 500);
  const sink = { recording: false, samples: { bare: [], ours: [] } };
  const sets = { bare: await openClients('bare', sink), ours: await openClients('ours', sink) };
  await drive([...sets.bare, ...sets.ours], 300); // warm-up: JIT, socket buffers
  for (let b = 0; b < BLOCKS; b++) {
    const mode = [0, 3].includes(b % 4) ? 'bare' : 'ours';
    sink.recording = false;
    const block = drive(sets[mode], BLOCK_MS);
    setTimeout(() => (sink.recording = true), 100);
    await block;
    await new Promise((r) => setTimeout(r, 60)); // let replies in flight arrive
  }
  sink.recording = false;
  await Promise.all([...sets.bare, ...sets.ours].map((c) => c.close()));
  const { bare, ours } = sink.samples;
  const r = { ours: quantile(ours, 0.99), reference: quantile(bare, 0.99) };
  r.ratio = r.ours / r.reference;
  row(`echo round trip p99, ${STREAMS} concurrent ${FRAME_MS} ms streams: connectStream vs bare ws (${ours.length}/${bare.length} samples)`, r, 'ms', '<= 1.25', r.ratio <= 1.25);
  console.log(`  p50 ours ${round(quantile(ours, 0.5), 3)} ms, bare ${round(quantile(bare, 0.5), 3)} ms; p90 ours ${round(quantile(ours, 0.9), 3)} ms, bare ${round(quantile(bare, 0.9), 3)} ms`);
}
server.disconnect();
server.kill();

if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2) + '\n');
if (sink === 42) console.log(''); // keep the results alive
