// Hostile REST input against the real sandbox process (issue 24 item 11): fast-check sends deep, wide, huge,
// invalid-UTF-8, wrong-typed and prototype-keyed bodies, odd headers and query strings from keys that are not the
// victim's. After every case the answer is in the API's envelope (never a 5xx), /health is ok, the victim's state
// is unchanged and the process's memory stays bounded. A share of the same cases (every MSW_SHARE-th) also goes
// through the MSW handlers in this process, with the same invariants. The seed is fixed (KALLGLOT_HOSTILE_SEED
// overrides it) and fast-check prints it with the shrunk counterexample on failure.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { hostileCase } from './hostile/arbitraries.js';
import { expectEnvelope, send, startMswSandbox, startSandbox, type MswSandbox, type Sandbox } from './hostile/harness.js';

const SEED = Number(process.env.KALLGLOT_HOSTILE_SEED ?? 20261207);
const RUNS = Number(process.env.KALLGLOT_HOSTILE_RUNS ?? 500);
const MSW_SHARE = 3;
let sb: Sandbox;
let msw: MswSandbox;

beforeAll(async () => {
  sb = await startSandbox();
  msw = await startMswSandbox();
});
afterAll(async () => {
  msw?.dispose();
  sb?.cli.child.kill('SIGTERM');
  await sb?.cli.exit;
});

describe('hostile REST input', () => {
  it(`${RUNS} generated requests (every ${MSW_SHARE}rd through MSW too): envelope answers, health, tenant walls, bounded memory`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostileCase(sb.own), async ({ method, path, headers, body }) => {
        const what = `${method} ${path.slice(0, 140)} [${headers.authorization?.slice(0, 30)}] ${body ? `${body.length} B: ${new TextDecoder().decode(body.subarray(0, 60))}` : 'no body'}`;
        const r = await send(sb.rest, method, path, headers, body);
        if (method !== 'OPTIONS') expectEnvelope(r, what);
        await sb.checkAfterCase(what);
        if (n++ % MSW_SHARE !== 0) return;
        // The same case through the MSW handlers, aimed at the attacker's own resources there.
        const mswPath = path.replaceAll(sb.own.agent, msw.own.agent).replaceAll(sb.own.session, msw.own.session);
        const m = await msw.send(method, mswPath, headers, body);
        if (method !== 'OPTIONS') expectEnvelope(m, `${what} (MSW)`);
        await msw.checkAfterCase(what);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});
