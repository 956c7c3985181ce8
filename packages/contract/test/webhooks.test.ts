// `kallglot-contract webhooks` against two receivers: one verifying with verifyWebhook (all pass, exit 0)
// and a naive one accepting everything (every bad case fails, exit 1). The secret never shows.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM fixture
import { startNaiveReceiver } from './fixtures/naive-receiver.mjs';
// @ts-expect-error plain ESM fixture
import { startVerifyingReceiver } from './fixtures/verifying-receiver.mjs';
import { run } from './helpers.js';

const SECRET = 'whsec_DoNotLeakThisSecret_42';
const BAD = ['tampered body', 'stale timestamp', 'future timestamp', 'wrong secret', 'missing Kallglot-Signature header', 'garbled Kallglot-Signature header'];
const dir = mkdtempSync(join(tmpdir(), 'kallglot-contract-wh-'));
let good: { url: string; close(): Promise<void> };
let naive: { url: string; close(): Promise<void> };
beforeAll(async () => {
  good = await startVerifyingReceiver({ secret: SECRET });
  naive = await startNaiveReceiver();
});
afterAll(async () => {
  await good?.close();
  await naive?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = (out: string) => out.split('\n').filter((l) => /\s(PASS|FAIL|NOTE)$/.test(l));

describe('kallglot-contract webhooks', () => {
  it('a receiver using verifyWebhook passes every case', async () => {
    const junit = join(dir, 'good.xml');
    const r = await run(['webhooks', '--target', good.url, '--secret', SECRET, '--junit', junit]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^case\s+expected\s+got\s+verdict$/m);
    const lines = rows(r.out);
    // Every documented event type (11), the six bad cases, the replay.
    expect(lines).toHaveLength(18);
    expect(lines.filter((l) => /correctly signed\s+2xx\s+200\s+PASS$/.test(l))).toHaveLength(11);
    for (const b of BAD) expect(lines.find((l) => l.startsWith(b))).toMatch(/4xx\s+400\s+PASS$/);
    expect(lines.at(-1)).toMatch(/^replay of delivery wh_del_\w+\s+reported\s+200\s+NOTE$/);
    expect(r.out).toMatch(/^PASS: 18 cases, 17 passed, 0 failed, 1 reported$/m);
    expect(readFileSync(junit, 'utf8')).toContain('tests="18" failures="0"');
    expect(r.out + r.err + readFileSync(junit, 'utf8')).not.toContain('DoNotLeakThisSecret');
  });

  it('a naive receiver that accepts everything fails every bad case, and the exit code says so', async () => {
    const r = await run(['webhooks', '--target', naive.url, '--secret', SECRET, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    const failed = json.cases.filter((c: { verdict: string }) => c.verdict === 'fail');
    expect(failed.map((c: { case: string }) => BAD.find((b) => c.case.startsWith(b)))).toEqual(BAD);
    for (const c of failed) expect(c).toMatchObject({ expected: '4xx', got: '200' });
    expect(json.summary).toMatchObject({ cases: 18, failed: 6, notes: 1 });
    expect(r.out).not.toContain('DoNotLeakThisSecret');
  });

  it('exit 2 without --secret or when the endpoint is unreachable', async () => {
    expect((await run(['webhooks', '--target', good.url])).code).toBe(2);
    const r = await run(['webhooks', '--target', 'http://127.0.0.1:9/hook', '--secret', SECRET]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot reach/);
  });
});
