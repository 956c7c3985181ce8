// `kallglot-contract test` exits as soon as its report is written: the real bin, against a running mock, with a
// --timeout far longer than the suite. Nothing the suite armed (stream waits, request timeouts) may keep it alive.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietMock } from './helpers.js';

/** Far longer than the suite: an exit that waited for it would show. */
const TIMEOUT = 120_000;
const bin = fileURLToPath(new URL('../bin/kallglot-contract.js', import.meta.url));
let mock: Awaited<ReturnType<typeof quietMock>>;
beforeAll(async () => {
  mock = await quietMock();
});
afterAll(() => mock?.close());

/** Runs the bin; resolves with the exit code and when the report line and the exit came (ms since spawn). */
function runBin(args: string[]): Promise<{ code: number | null; out: string; reportAt?: number; exitAt: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let reportAt: number | undefined;
    child.stdout.on('data', (d) => {
      out += d;
      if (reportAt === undefined && /^(PASS|FAIL): /m.test(out)) reportAt = Date.now() - t0;
    });
    child.stderr.resume();
    const kill = setTimeout(() => child.kill('SIGKILL'), 2 * TIMEOUT);
    child.on('exit', (code) => {
      clearTimeout(kill);
      const exitAt = Date.now() - t0;
      console.log(`kallglot-contract ${args[0]}: report at ${reportAt} ms, exit at ${exitAt} ms`);
      resolve({ code, out, reportAt, exitAt });
    });
  });
}

describe('kallglot-contract test exits when its report is written', { timeout: 600_000 }, () => {
  it('full run (REST, stream, Prefer probe) with --timeout 120000: exits right after the report', async () => {
    const r = await runBin(['test', '--base-url', mock.urls.rest, '--timeout', String(TIMEOUT)]);
    expect(r.out).toMatch(/^PASS: \d+ checks/m);
    expect(r.code).toBe(0);
    expect(r.reportAt).toBeDefined();
    // The suite takes a few seconds (up to a minute on a loaded 2-core box); a timer armed for --timeout
    // during the stream flow would hold the exit for most of the 120 s after the report.
    expect(r.exitAt - r.reportAt!).toBeLessThan(15_000);
    expect(r.exitAt).toBeLessThan(TIMEOUT);
  });

  it('with the mock it starts itself (stateful + stateless, webhook receiver): exits right after the report', async () => {
    const r = await runBin(['test', '--timeout', String(TIMEOUT)]);
    expect(r.out).toMatch(/^PASS: \d+ checks/m);
    expect(r.code).toBe(0);
    expect(r.exitAt - r.reportAt!).toBeLessThan(15_000);
    expect(r.exitAt).toBeLessThan(TIMEOUT);
  });

  it('a narrowed JSON run (--only listAgents --json) exits just as fast', async () => {
    const r = await runBin(['test', '--base-url', mock.urls.rest, '--timeout', String(TIMEOUT), '--only', 'listAgents', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary.failed).toBe(0);
    expect(r.exitAt).toBeLessThan(TIMEOUT);
  });
});
