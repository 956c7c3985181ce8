// Hostile stream frames against the real sandbox process (issue 24 item 11): fast-check sends deep, huge,
// wrong-typed, prototype-keyed, non-JSON, invalid-UTF-8 and binary frames on the attacker's own sessions. After
// every frame the server has answered within its protocol (a frame, a `session.error`, or a close with a code the
// AsyncAPI documents — 1007 for invalid UTF-8 is the WebSocket standard's own), /health is ok, the victim's state is
// unchanged and memory is bounded. A closed socket is replaced by a new session's. Fixed seed
// (KALLGLOT_HOSTILE_SEED overrides it), printed by fast-check on failure.
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncapi } from './helpers/spec.js';
import { hostileFrame } from './hostile/arbitraries.js';
import { ATTACKER, send, startSandbox, type Sandbox } from './hostile/harness.js';

const SEED = Number(process.env.KALLGLOT_HOSTILE_SEED ?? 20261207);
const RUNS = Number(process.env.KALLGLOT_HOSTILE_RUNS ?? 500);
const documented = new Set<number>([
  ...((asyncapi as any).channels.sessionStream['x-kallglot-close-codes'] as { code: number }[]).map((c) => c.code),
  1007, // RFC 6455: a text frame that is not UTF-8
]);
let sb: Sandbox;

/** Per case: how long the server may take to answer the ping after a hostile frame (or to close). */
const CASE_DEADLINE_MS = 10_000;

/** One attacker socket: one message and one close listener for its whole life; each case waits on `next`. */
interface Live { ws: WebSocket; closed?: { code: number; reason: string }; ready: boolean; pongs: number; waiter?: () => void }

function track(ws: WebSocket): Live {
  const live: Live = { ws, ready: false, pongs: 0 };
  const wake = () => live.waiter?.();
  ws.on('message', (d) => {
    const text = String(d);
    if (text.includes('"pong"')) live.pongs++;
    else if (text.includes('"session.ready"')) live.ready = true;
    wake();
  });
  ws.on('close', (code, reason) => {
    live.closed = { code, reason: String(reason) };
    wake();
  });
  ws.on('error', () => undefined);
  return live;
}

/** Resolves when `done()` holds (checked on every frame and on close); rejects with `what` past the deadline. */
function until(live: Live, done: () => boolean, what: string): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      live.waiter = undefined;
      reject(new Error(`${what}: no answer within ${CASE_DEADLINE_MS} ms (socket ${live.closed ? `closed ${live.closed.code}` : 'open'}, ${live.pongs} pongs)`));
    }, CASE_DEADLINE_MS);
    live.waiter = () => {
      if (!done()) return;
      clearTimeout(timer);
      live.waiter = undefined;
      resolve();
    };
  });
}

async function openOwnStream(): Promise<Live> {
  const body = new TextEncoder().encode(JSON.stringify({ mode: 'bidirectional_translation', source_language: 'en', target_language: 'es' }));
  const r = await send(sb.rest, 'POST', '/v1/sessions', { authorization: `Bearer ${ATTACKER}`, 'content-type': 'application/json' }, body);
  expect(r.status, r.text).toBe(201);
  const { stream } = JSON.parse(r.text) as { stream: { url: string; token: string } };
  const ws = new WebSocket(`${stream.url}?token=${stream.token}`);
  const live = track(ws);
  await until(live, () => live.ready || !!live.closed, 'session.ready on a new attacker stream');
  expect(live.closed, `new attacker stream closed: ${JSON.stringify(live.closed)}`).toBeUndefined();
  return live;
}

/** After a hostile frame: the canonical ping is answered, or the socket closed with a documented code. */
async function settle(live: Live, what: string): Promise<void> {
  if (!live.closed) {
    const pongs = live.pongs;
    live.ws.send('{"type":"ping"}');
    await until(live, () => !!live.closed || live.pongs > pongs, what);
  }
  if (live.closed) expect(documented.has(live.closed.code), `${what}: closed with undocumented code ${live.closed.code} ${live.closed.reason}`).toBe(true);
}

beforeAll(async () => {
  sb = await startSandbox(['--credits', '100000']);
});
afterAll(async () => {
  sb?.cli.child.kill('SIGTERM');
  await sb?.cli.exit;
});

describe('hostile stream frames', () => {
  it(`${RUNS} generated frames: protocol answers or documented closes, health, tenant walls, bounded memory`, async () => {
    let live = await openOwnStream();
    await fc.assert(
      fc.asyncProperty(hostileFrame, async (frame) => {
        if (live.closed) live = await openOwnStream();
        const what = typeof frame === 'string' ? `text ${frame.length} B: ${frame.slice(0, 80)}` : `binary ${frame.length} B`;
        // invalid UTF-8 sent as a TEXT frame: ws refuses to build one, so raw bytes go as text via a Buffer
        live.ws.send(frame, { binary: typeof frame !== 'string' && frame.length % 2 === 1 });
        await settle(live, what);
        await sb.checkAfterCase(what);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    live.ws.close();
  }, 600_000);
});
