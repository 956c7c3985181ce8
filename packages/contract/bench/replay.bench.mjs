#!/usr/bin/env node
// Record once, replay in CI: what a replay costs.
//  1. REST: GET /v1/agents/{id} answered by `kallglot-mock --replay` (a cassette recorded through the proxy) ÷ the
//     same route answered by the stateful sandbox. Each server in its own process, the same client load: 16
//     keep-alive connections, one request in flight on each, from a minimal client (one write, one read, status and
//     Content-Length checked per answer) so that the servers, not the load generator, set the pace. Short rounds
//     alternate between the two servers (ABBA order); the ratio is the median of the per-round ratios (a round and
//     its neighbour see the same background load on a shared machine), and server CPU per request
//     (process.cpuUsage) is compared the same way. Goal >= 1.0 (a replay is never slower than the sandbox it
//     stands in for).
//  2. Cassette size per minute of streamed audio: a session streams BENCH_AUDIO_SECONDS of μ-law audio (100 ms
//     frames, as @kallglot/stream sends them) through the recording proxy; KiB of cassette ÷ minutes of audio,
//     with audio stored in full and as hashes (--record-audio hash). Shown for context.
// Prints a report; with BENCH_OUT set, writes the JSON rows described in CONTRIBUTING.md.
// Knobs: BENCH_ROUNDS (15 per server), BENCH_HTTP_SECONDS (1 per round), BENCH_AUDIO_SECONDS (60).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createRecorder, recordingObserver, startProxy } from '../dist/index.js';
import { AGENT, KEY } from './replay-server.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 1);
const AUDIO_SECONDS = Number(process.env.BENCH_AUDIO_SECONDS ?? 60);
const server = fileURLToPath(new URL('./replay-server.mjs', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function start(mode, env = {}) {
  const child = fork(server, [mode], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  const urls = await new Promise((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`${mode} server exited with ${c}`)));
    child.stdout.once('data', (d) => resolve(JSON.parse(String(d))));
  });
  const cpu = () => new Promise((r) => (child.once('message', (u) => r(u.user + u.system)), child.send('cpu')));
  return { ...urls, cpu, stop: () => new Promise((r) => (child.once('exit', r), child.disconnect())) };
}

/** Requests per second and the server's CPU µs per request over one round. */
async function round(server, path) {
  const before = await server.cpu();
  const { perSecond, count } = await rps(server.rest, path);
  return { perSecond, cpuPerRequest: ((await server.cpu()) - before) / count };
}

/**
 * A keep-alive connection that sends `request` again as soon as each answer has fully arrived (one in flight), for
 * `ms`; resolves with the number of answers. The client's own cost per request stays small (one write, one read,
 * a status and length check), so the servers, not the load generator, set the pace.
 */
function connection(port, request, ms) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    const end = performance.now() + ms;
    let done = 0;
    let buf = Buffer.alloc(0);
    const next = () => (performance.now() < end ? socket.write(request) : (socket.destroy(), resolve(done)));
    socket.on('connect', next).on('error', reject);
    socket.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const head = buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const text = buf.toString('latin1', 0, head);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1]);
      if (!text.startsWith('HTTP/1.1 200 ') || !Number.isFinite(length)) return reject(new Error(`unexpected answer: ${text.slice(0, 200)}`));
      if (buf.length < head + 4 + length) return;
      buf = buf.subarray(head + 4 + length);
      done++;
      next();
    });
  });
}

async function rps(base, path) {
  const { host, port } = new URL(base);
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${KEY}\r\n\r\n`);
  const t0 = performance.now();
  const counts = await Promise.all(Array.from({ length: 16 }, () => connection(Number(port), request, HTTP_SECONDS * 1000)));
  const done = counts.reduce((a, b) => a + b, 0);
  return { perSecond: done / ((performance.now() - t0) / 1000), count: done };
}

/** A proxy with a recorder in front of `up`; `run(proxy)` drives it; returns the cassette's bytes. */
async function recordThrough(up, audio, run) {
  const recorder = createRecorder({ audio, apiKeys: [KEY] });
  const proxy = await startProxy({ upstream: up.rest, streamUpstream: up.stream, allowWs: true, observer: recordingObserver(recorder) });
  try {
    await run(proxy);
  } finally {
    await proxy.close();
  }
  return Buffer.byteLength(`${JSON.stringify(recorder.toHar(), null, 1)}\n`);
}

async function restRows(dir) {
  const sandbox = await start('sandbox');
  const path = `/v1/agents/${AGENT.id}`;
  const file = join(dir, 'agent.har');
  const recorder = createRecorder({ apiKeys: [KEY] });
  const proxy = await startProxy({ upstream: sandbox.rest, observer: recordingObserver(recorder) });
  await (await fetch(`${proxy.url}${path}`, { headers: { Authorization: `Bearer ${KEY}` } })).arrayBuffer();
  await proxy.close();
  await recorder.write(file);
  const replay = await start('replay', { BENCH_CASSETTE: file });
  try {
    const res = { replay: [], sandbox: [] };
    const run = { replay: () => round(replay, path), sandbox: () => round(sandbox, path) };
    await run.replay();
    await run.sandbox();
    for (let r = 0; r < ROUNDS; r++) for (const k of r % 2 ? ['sandbox', 'replay'] : ['replay', 'sandbox']) res[k].push(await run[k]());
    const ours = median(res.replay.map((x) => x.perSecond));
    const ref = median(res.sandbox.map((x) => x.perSecond));
    const ratio = median(res.replay.map((x, i) => x.perSecond / res.sandbox[i].perSecond));
    const cpuOurs = median(res.replay.map((x) => x.cpuPerRequest));
    const cpuRef = median(res.sandbox.map((x) => x.cpuPerRequest));
    const cpuRatio = median(res.replay.map((x, i) => res.sandbox[i].cpuPerRequest / x.cpuPerRequest));
    return [
      { metric: 'replay REST GET /v1/agents/{id} requests/s ÷ stateful sandbox, same route (median of per-round ratios, interleaved rounds)', ours: Math.round(ours), reference: Math.round(ref), unit: 'req/s', ratio: +ratio.toFixed(3), goal: '>= 1.0', holds: ratio >= 1 },
      { metric: 'server CPU per request, stateful sandbox ÷ replay (same route; median of per-round ratios; > 1 = replay cheaper)', ours: +cpuOurs.toFixed(1), reference: +cpuRef.toFixed(1), unit: 'µs/req', ratio: +cpuRatio.toFixed(3), goal: 'info', holds: null },
    ];
  } finally {
    await replay.stop();
    await sandbox.stop();
  }
}

/** One session streaming AUDIO_SECONDS of audio (100 ms frames, as fast as the socket takes them), then ended. */
async function streamSession(proxy) {
  const res = await fetch(`${proxy.url}/v1/sessions`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'assistive_translation', source_language: 'en', target_language: 'es' }) });
  const s = await res.json();
  const ws = new WebSocket(`${s.stream.url}?token=${s.stream.token}`);
  const closed = new Promise((r) => ws.once('close', r));
  await new Promise((r) => ws.once('message', r));
  for (let i = 0; i < AUDIO_SECONDS * 10; i++) {
    const payload = Buffer.alloc(800, (i * 37) & 0xff).toString('base64');
    ws.send(JSON.stringify({ type: 'audio.input', sequence: i, timestamp_ms: i * 100, speaker: 'customer', audio: { encoding: 'mulaw', sample_rate_hz: 8000, payload } }));
  }
  ws.send(JSON.stringify({ type: 'session.end' }));
  await closed;
}

async function sizeRows() {
  const sandbox = await start('sandbox');
  try {
    const rows = [];
    for (const audio of ['full', 'hash']) {
      const bytes = await recordThrough(sandbox, audio, streamSession);
      const perMin = bytes / 1024 / (AUDIO_SECONDS / 60);
      rows.push({ metric: `cassette size per minute of streamed audio (--record-audio ${audio})`, ours: Math.round(perMin), reference: Math.round((8000 * 60) / 1024), unit: 'KiB/min (reference: raw μ-law)', ratio: +(perMin / ((8000 * 60) / 1024)).toFixed(3), goal: 'info', holds: null });
    }
    return rows;
  } finally {
    await sandbox.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'kallglot-replay-bench-'));
try {
  const rows = [...(await restRows(dir)), ...(await sizeRows())];
  for (const r of rows) console.log(`${r.metric}: ${r.ours} vs ${r.reference} ${r.unit} → ${r.ratio} (goal ${r.goal})`);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

