#!/usr/bin/env node
// @kallglot/mock benchmark (run after `npm run build`). Each server runs in its own child process; this process
// is the load generator. Interleaved rounds (A B A B …), medians.
//  1. stream mock: ping → pong round trips per second over 4 sockets with 64 frames in flight each,
//     ÷ a bare `ws` server (same library, same 64 KiB limit) echoing every frame. Goal >= 0.90.
//  2. REST mock (our front + Prism): GET /v1/agents/{id} per second, 16 keep-alive connections,
//     ÷ a plain node:http server answering a fixed JSON. Goal >= 0.6 (reported). Measured twice: as shipped
//     (Prism's static GET answers memoized by the front) and with the memo off (every request hits Prism).
// Prints a report; with BENCH_OUT set, writes the JSON rows described in CONTRIBUTING.md.
// Knobs: BENCH_ROUNDS (7), BENCH_WS_MESSAGES (100 000 per round), BENCH_HTTP_SECONDS (3 per round),
// BENCH_SKIP_REST=1 (stream part only), BENCH_SKIP_STREAM=1 (REST part only).
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WS_MESSAGES = Number(process.env.BENCH_WS_MESSAGES ?? 100_000);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function startServer(mode) {
  const child = fork(join(here, 'servers.mjs'), [mode], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => reject(new Error(`${mode} exited with ${c}`)));
    child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port));
  });
  return { port, stop: () => new Promise((r) => (child.once('exit', r), child.disconnect())) };
}

// --- 1. stream echo ---------------------------------------------------------------------------
async function wsRound(port, path) {
  const SOCKETS = 4;
  const WINDOW = 64;
  const perSocket = Math.floor(WS_MESSAGES / SOCKETS);
  const sockets = await Promise.all(
    Array.from({ length: SOCKETS }, (_, i) => new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path(i)}`, { perMessageDeflate: false });
      ws.once('error', reject);
      // The mock greets with session.ready first; the bare server says nothing until spoken to.
      if (path(i).includes('/v1/')) ws.once('message', () => resolve(ws));
      else ws.once('open', () => resolve(ws));
    })),
  );
  const frame = '{"type":"ping"}';
  const t0 = performance.now();
  await Promise.all(sockets.map((ws) => new Promise((resolve) => {
    let sent = 0;
    let got = 0;
    ws.on('message', () => {
      got++;
      if (sent < perSocket) (ws.send(frame), sent++);
      if (got === perSocket) resolve();
    });
    for (; sent < Math.min(WINDOW, perSocket); sent++) ws.send(frame);
  })));
  const secs = (performance.now() - t0) / 1000;
  for (const ws of sockets) ws.terminate();
  return (perSocket * SOCKETS) / secs;
}

// --- 2. REST -------------------------------------------------------------------------------------
async function httpRound(port) {
  const CONNS = 16;
  const agent = new Agent({ keepAlive: true, maxSockets: CONNS });
  const headers = { Authorization: 'Bearer sk_test_bench_0123456789', Accept: 'application/json' };
  let done = 0;
  let failed = 0;
  let firstFailure = '';
  const end = performance.now() + HTTP_SECONDS * 1000;
  const one = () => new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/agents/agt_01HXYZ123456789', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? done++ : (failed++, (firstFailure ||= `HTTP ${res.statusCode}`)), resolve()));
    });
    req.on('error', (e) => (failed++, (firstFailure ||= e.code ?? e.message), resolve()));
    req.end();
  });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNS }, async () => {
    while (performance.now() < end) await one();
  }));
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  if (failed) throw new Error(`${failed} REST requests failed (first: ${firstFailure})`);
  return done / secs;
}

async function compare(name, modes, round) {
  const servers = {};
  for (const m of modes) servers[m] = await startServer(m);
  try {
    const results = Object.fromEntries(modes.map((m) => [m, []]));
    for (const m of modes) await round(servers[m].port, m); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? [...modes].reverse() : modes;
      for (const m of order) results[m].push(await round(servers[m].port, m));
    }
    return Object.fromEntries(modes.map((m) => [m, median(results[m])]));
  } finally {
    for (const s of Object.values(servers)) await s.stop();
  }
}

const stream = process.env.BENCH_SKIP_STREAM
  ? { 'stream-mock': 1, 'bare-ws': 1 }
  : await compare('stream', ['stream-mock', 'bare-ws'], (port, mode) =>
      wsRound(port, mode === 'stream-mock' ? (i) => `/v1/sessions/sess_bench${i}/connect?token=kst_test_bench${i}` : () => '/'),
    );
const rest = process.env.BENCH_SKIP_REST
  ? { 'rest-mock': 1, 'rest-mock-nocache': 1, 'plain-http': 1 }
  : await compare('rest', ['rest-mock', 'rest-mock-nocache', 'plain-http'], (port) => httpRound(port));

const rows = [
  {
    metric: 'stream mock ping→pong throughput ÷ bare ws echo',
    ours: Math.round(stream['stream-mock']),
    reference: Math.round(stream['bare-ws']),
    unit: 'msg/s',
    ratio: +(stream['stream-mock'] / stream['bare-ws']).toFixed(3),
    goal: '>= 0.90',
  },
  {
    metric: 'REST mock, stateless mode (front + Prism) requests/s ÷ plain node:http',
    ours: Math.round(rest['rest-mock']),
    reference: Math.round(rest['plain-http']),
    unit: 'req/s',
    ratio: +(rest['rest-mock'] / rest['plain-http']).toFixed(3),
    goal: '>= 0.6',
  },
  {
    metric: 'REST mock, every request through Prism (cache off) ÷ plain node:http',
    ours: Math.round(rest['rest-mock-nocache']),
    reference: Math.round(rest['plain-http']),
    unit: 'req/s',
    ratio: +(rest['rest-mock-nocache'] / rest['plain-http']).toFixed(3),
    goal: 'info', // Prism's own ceiling, shown beside the goal row above; not a goal of its own
  },
]
  .filter((_, i) => (i === 0 ? !process.env.BENCH_SKIP_STREAM : !process.env.BENCH_SKIP_REST))
  .map((r) => ({ ...r, holds: r.goal === 'info' ? null : r.ratio >= Number(r.goal.split(' ')[1]) }));

console.log(`@kallglot/mock benchmark (${ROUNDS} interleaved rounds, medians)`);
for (const r of rows) console.log(`  ${r.metric}: ${r.ours} vs ${r.reference} ${r.unit} → ratio ${r.ratio} (goal ${r.goal}${r.holds === null ? '' : `: ${r.holds ? 'holds' : 'does not hold'}`})`);
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2));
