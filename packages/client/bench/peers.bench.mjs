#!/usr/bin/env node
// Peer benchmark, side by side in one run (after `npm run build`): every client reads the same route
// (GET /v1/agents/agt_…) from the same loopback server (server.mjs, its own process), against raw fetch:
//   @kallglot/client (retries 2, 60 s timeout, bearer auth: its defaults), bare openapi-fetch and raw fetch (both
//   sending the very headers @kallglot/client sends: Authorization, Accept, User-Agent, X-Kallglot-Client, so the
//   same request goes over the wire and the ratio is the pipeline's cost, not two more header lines),
//   openai (openai-node: client.get on the same path; 2 retries, timeout, bearer auth) and
//   stripe (stripe-node: rawRequest on the same path; 2 network retries, timeout, bearer auth).
//   An info row gives openapi-fetch our 60 s per-request timeout too: it separates the cost every fetch client pays
//   for a timeout that really aborts (undici registers a WeakRef + FinalizationRegistry entry per signal) from ours.
// The peers are devDependencies of the bench workspace only (bench/package.json). Short interleaved rounds
// (ABBA order), median of the per-round ratios. Goals: ours ÷ openapi-fetch <= 1.03; ours below each SDK peer.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createClient from 'openapi-fetch';
import OpenAI from 'openai';
import Stripe from 'stripe';

const here = dirname(fileURLToPath(import.meta.url));
const { createKallglotClient, VERSION } = await import(join(here, '..', 'dist', 'index.js'));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 61);
const apiKey = 'sk_test_bench_0123456789';
const agentId = 'agt_01HXYZ123456789';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const child = fork(join(here, 'server.mjs'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const port = await new Promise((resolve, reject) => {
  child.once('error', reject);
  child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port));
});
const baseUrl = `http://127.0.0.1:${port}`;
const url = `${baseUrl}/v1/agents/${agentId}`;

const ours = createKallglotClient({ apiKey, baseUrl }); // defaults: maxRetries 2, timeoutMs 60 000
// What createKallglotClient sends on every request (see src/client.ts): the fetch-based peers send the same.
const clientId = `kallglot-client-js/${VERSION}`;
const sameHeaders = { Authorization: `Bearer ${apiKey}`, Accept: 'application/json', 'User-Agent': clientId, 'X-Kallglot-Client': clientId };
const bare = createClient({ baseUrl, headers: sameHeaders });
const openai = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 2, timeout: 60_000 });
const stripe = new Stripe(apiKey, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 2, timeout: 60_000, telemetry: false });

const contenders = {
  'raw fetch': async () => {
    const res = await fetch(url, { headers: sameHeaders });
    if (!res.ok) throw new Error(`raw ${res.status}`);
    return res.json();
  },
  '@kallglot/client': async () => {
    const r = await ours.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: agentId } } });
    if (!r.data) throw new Error(`ours ${r.response.status}`);
    return r.data;
  },
  'openapi-fetch': async () => {
    const r = await bare.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: agentId } } });
    if (!r.data) throw new Error(`openapi-fetch ${r.response.status}`);
    return r.data;
  },
  // Info only (no goal): openapi-fetch with the per-request timeout ours has, a 60 s AbortController per call.
  // Any signal handed to undici's fetch costs a WeakRef + FinalizationRegistry entry per request: this row
  // separates that floor from the rest of our pipeline.
  'openapi-fetch + timeout': async () => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 60_000);
    try {
      const r = await bare.GET('/v1/agents/{agent_id}', { params: { path: { agent_id: agentId } }, signal: ac.signal });
      if (!r.data) throw new Error(`openapi-fetch ${r.response.status}`);
      return r.data;
    } finally {
      clearTimeout(timer);
    }
  },
  openai: async () => {
    const r = await openai.get(`/v1/agents/${agentId}`);
    if (r.id !== agentId) throw new Error('openai: wrong body');
    return r;
  },
  stripe: async () => {
    const r = await stripe.rawRequest('GET', `/v1/agents/${agentId}`);
    if (r.id !== agentId) throw new Error('stripe: wrong body');
    return r;
  },
};
async function timeRun(fn) {
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) await fn();
  return performance.now() - t0;
}
const names = Object.keys(contenders);
for (const n of names) for (let i = 0; i < 4; i++) await timeRun(contenders[n]); // warm-up: JIT, sockets
const times = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...names].reverse() : names;
  for (const n of order) times[n].push(await timeRun(contenders[n]));
}
child.disconnect();
child.kill();

const round3 = (x) => Math.round(x * 1000) / 1000;
const med = Object.fromEntries(names.map((n) => [n, median(times[n])]));
const paired = (a, b) => median(times[a].map((t, i) => t / times[b][i]));
const O = '@kallglot/client';
const rows = [];
for (const peer of ['openapi-fetch', 'openai', 'stripe']) {
  const ratio = paired(O, peer);
  const goal = peer === 'openapi-fetch' ? '<= 1.03' : '< 1';
  rows.push({
    metric: `peer wall time, ${REQUESTS} sequential GETs /v1/agents/{id}, median of ${ROUNDS} interleaved rounds: @kallglot/client (retries, timeout, auth) vs ${peer}${peer === 'openapi-fetch' ? ' (sending the same headers as ours)' : ''}`,
    ours: round3(med[O]),
    reference: round3(med[peer]),
    unit: 'ms',
    ratio: round3(ratio),
    goal,
    holds: peer === 'openapi-fetch' ? ratio <= 1.03 : ratio < 1,
  });
}
rows.push({
  metric: `peer wall time: @kallglot/client vs openapi-fetch given the same 60 s per-request timeout (AbortController) and headers (info: our pipeline apart from the timeout floor)`,
  ours: round3(med[O]),
  reference: round3(med['openapi-fetch + timeout']),
  unit: 'ms',
  ratio: round3(paired(O, 'openapi-fetch + timeout')),
  goal: 'info',
  holds: null,
});
for (const n of names.filter((x) => x !== 'raw fetch')) {
  rows.push({ metric: `peer wall time: ${n} vs raw fetch (same route, same server; raw fetch sends our headers)`, ours: round3(med[n]), reference: round3(med['raw fetch']), unit: 'ms', ratio: round3(paired(n, 'raw fetch')), goal: 'info', holds: null });
}

console.log(`peer benchmark: ${REQUESTS} sequential GETs of the same route on loopback, median of ${ROUNDS} interleaved rounds`);
console.log(`  ${'client'.padEnd(24)} ${'median'.padStart(9)}  µs/req  ÷ raw fetch  ours ÷ it`);
for (const n of names) {
  console.log(`  ${n.padEnd(24)} ${med[n].toFixed(2).padStart(7)} ms  ${((med[n] / REQUESTS) * 1000).toFixed(0).padStart(6)}  ${paired(n, 'raw fetch').toFixed(3).padStart(11)}  ${n === O ? '–' : paired(O, n).toFixed(3)}`);
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(rows, null, 2));
