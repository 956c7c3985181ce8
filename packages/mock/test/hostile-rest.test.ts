// Hostile REST input against the real sandbox process (issue 24 item 11): fast-check sends deep, wide, huge,
// invalid-UTF-8, wrong-typed and prototype-keyed bodies, odd headers and query strings from keys that are not the
// victim's. After every case the answer is in the API's envelope (never a 5xx), /health is ok, the victim's state
// is unchanged and the process's memory stays bounded. The seed is fixed (KALLGLOT_HOSTILE_SEED overrides it) and
// fast-check prints it with the shrunk counterexample on failure.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { hostileCase } from './hostile/arbitraries.js';
import { expectEnvelope, send, startSandbox, type Sandbox } from './hostile/harness.js';

const SEED = Number(process.env.KALLGLOT_HOSTILE_SEED ?? 20261207);
const RUNS = Number(process.env.KALLGLOT_HOSTILE_RUNS ?? 500);
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => {
  sb?.cli.child.kill('SIGTERM');
  await sb?.cli.exit;
});

describe('hostile REST input', () => {
  it(`${RUNS} generated requests: envelope answers, health, tenant walls, bounded memory`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileCase(sb.own), async ({ method, path, headers, body }) => {
        const what = `${method} ${path.slice(0, 140)} [${headers.authorization?.slice(0, 30)}] ${body ? `${body.length} B: ${new TextDecoder().decode(body.subarray(0, 60))}` : 'no body'}`;
        const r = await send(sb.rest, method, path, headers, body);
        if (method !== 'OPTIONS') expectEnvelope(r, what);
        await sb.checkAfterCase(what);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});
