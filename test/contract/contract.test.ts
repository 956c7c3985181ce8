// The contract suite in CI: against the mock (must pass, with every operation and every documented status
// covered), and against a deliberately wrong server (must fail, and say exactly what is wrong).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from '@kallglot/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM CLI without type declarations
import { main } from './run.mjs';
// @ts-expect-error plain ESM fixture without type declarations
import { startWrongServer } from './fixtures/wrong-server.mjs';
// @ts-expect-error plain ESM fixture without type declarations
import { startWrongStream } from './fixtures/wrong-stream.mjs';
// @ts-expect-error plain ESM module without type declarations
import { addWebhookChecks } from './lib/webhooks.mjs';
// @ts-expect-error plain ESM module without type declarations
import { loadContract } from './lib/spec.mjs';
import { signWebhook } from '@kallglot/client';

const out = mkdtempSync(join(tmpdir(), 'kallglot-contract-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  return fn().finally(() => (console.log = log));
}

const readReport = (dir: string) => ({
  json: JSON.parse(readFileSync(join(dir, 'contract-report.json'), 'utf8')),
  text: readFileSync(join(dir, 'contract-report.txt'), 'utf8'),
  junit: readFileSync(join(dir, 'contract-junit.xml'), 'utf8'),
});

describe('contract suite against the mock', { timeout: 180_000 }, () => {
  it('passes, covers every operation and documented status, and validates the stream', async () => {
    const dir = join(out, 'mock');
    const code = await quiet(() => main(['--out', dir], {}));
    const { json, text, junit } = readReport(dir);
    expect(json.summary.failed, text).toBe(0);
    expect(code).toBe(0);
    expect(json.summary.checks).toBeGreaterThan(500);
    expect(json.coverage).toHaveLength(16);
    for (const c of json.coverage) expect(c.missing, `${c.operationId} statuses not provoked`).toEqual([]);
    // Every server message type was seen and validated against the AsyncAPI.
    expect(Object.keys(json.stream.types).sort()).toEqual([...json.spec.serverMessages].sort());
    expect(json.stream.closeCodes).toEqual([1000, 4001]);
    expect(junit).toContain(`tests="${json.summary.checks}" failures="0"`);
    expect(text).toMatch(/^PASS: \d+ checks, \d+ passed, 0 failed/m);
    // Lifecycle webhooks from the mock were received, validated and their signatures verified.
    expect(json.webhooks.deliveries).toBeGreaterThan(0);
    expect(Object.keys(json.webhooks.types)).toEqual(expect.arrayContaining(['session.created', 'session.ended']));
    expect(json.checks.some((c: { name: string; ok: boolean }) => c.ok && c.name.startsWith('Kallglot-Signature verifies'))).toBe(true);
    // The Arazzo workflow ran through `redocly respect`, every step passing.
    const arazzo = json.checks.filter((c: { group: string }) => c.group.startsWith('Arazzo'));
    expect(arazzo.map((c: { name: string }) => c.name)).toEqual([
      'redocly respect session-lifecycle.arazzo.yaml exits 0',
      'sessionLifecycle/createSession',
      'sessionLifecycle/retrieveSession',
      'sessionLifecycle/endSession',
      'sessionLifecycle/retrieveTranscript',
    ]);
  });
});

describe('contract suite against a wrong server', { timeout: 180_000 }, () => {
  let mock: Awaited<ReturnType<typeof startMock>>;
  let wrong: { url: string; close(): Promise<void> };
  let honest: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    mock = await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false, log: () => {} });
    wrong = await startWrongServer({ target: mock.urls.rest });
    honest = await startWrongServer({ target: mock.urls.rest, mutate: null });
  });
  afterAll(async () => {
    await wrong?.close();
    await honest?.close();
    await mock?.close();
  });

  it('fails with a clear report when one field changes type', async () => {
    const dir = join(out, 'wrong');
    const code = await quiet(() => main(['--base-url', wrong.url, '--api-key', 'sk_test_contract', '--allow-ws', '--no-prefer', '--out', dir], {}));
    const { json, text } = readReport(dir);
    expect(code).toBe(1);
    expect(json.summary.failed).toBeGreaterThan(0);
    const failures = json.checks.filter((c: { ok: boolean }) => !c.ok);
    // Every failure is the injected one, named by field, rule and value.
    for (const f of failures) expect(f.message).toMatch(/^body \/created_at must be string \(got \d+\)$/);
    expect(text).toMatch(/^FAIL: \d+ checks, \d+ passed, \d+ failed/m);
    expect(text).toContain('POST /v1/sessions → 201: body');
    expect(text).toMatch(/\/created_at must be string \(got \d{10}\)/);
  });

  it('fails with a clear report when one stream frame field changes type', async () => {
    const wrongStream = await startWrongStream({ target: mock.urls.stream });
    try {
      const dir = join(out, 'wrong-stream');
      const code = await quiet(() => main(['--base-url', honest.url, '--stream-url', wrongStream.url, '--api-key', 'sk_test_contract', '--no-prefer', '--out', dir], {}));
      const { json, text } = readReport(dir);
      expect(code).toBe(1);
      const failures = json.checks.filter((c: { ok: boolean }) => !c.ok);
      expect(failures.map((f: { name: string; message: string }) => `${f.name}: ${f.message}`)).toEqual([
        'server frame pong matches its AsyncAPI payload: pong: /session_id must be string (got 42)',
        expect.stringMatching(/^ping → pong for this session: got .*"session_id":42/),
      ]);
      expect(text).toContain('[Stream] server frame pong matches its AsyncAPI payload');
    } finally {
      await wrongStream.close();
    }
  });

  it('control: the same proxy without the change passes', async () => {
    const dir = join(out, 'honest');
    // Configuration through the environment this time, with an explicit stream origin.
    const env = { KALLGLOT_BASE_URL: honest.url, KALLGLOT_API_KEY: 'sk_test_contract', KALLGLOT_STREAM_URL: mock.urls.stream, KALLGLOT_CONTRACT_ALLOW_WS: '1' };
    const code = await quiet(() => main(['--no-prefer', '--out', dir], env));
    const { json, text } = readReport(dir);
    expect(json.summary.failed, text).toBe(0);
    expect(code).toBe(0);
    expect(json.target).toMatchObject({ baseUrl: honest.url, streamUrl: mock.urls.stream, prefer: false });
    expect(json.stream.frames).toBeGreaterThan(3);
  });
});

describe('webhook checks', () => {
  it('catch a bad signature, a header out of range and a body that breaks its schema', async () => {
    const contract = loadContract();
    const secret = 'whsec_test';
    const ex = contract.openapi.components.examples.WebhookSessionCreatedEvent?.value;
    expect(ex, 'spec example WebhookSessionCreatedEvent').toBeTruthy();
    const good = JSON.stringify(ex);
    const t = Math.floor(Date.now() / 1000);
    const headers = async (raw: string) => ({
      'kallglot-signature': await signWebhook({ payload: raw, secret, timestamp: t }),
      'kallglot-webhook-id': 'wh_del_01HXYZ',
      'kallglot-retry-count': '0',
      'kallglot-original-timestamp': String(t),
    });
    const broken = JSON.stringify({ ...ex, created_at: 12345 });
    const deliveries = [
      { method: 'POST', headers: await headers(good), raw: Buffer.from(good) },
      { method: 'POST', headers: await headers(good), raw: Buffer.from(good.replace('"session.created"', '"session.created" ')) },
      { method: 'POST', headers: { ...(await headers(good)), 'kallglot-retry-count': '9' }, raw: Buffer.from(good) },
      { method: 'POST', headers: await headers(broken), raw: Buffer.from(broken) },
    ];
    const report = { checks: [] as { group: string; name: string; ok: boolean; message: string }[], summary: {} as Record<string, number> };
    await addWebhookChecks(report, contract, deliveries, secret);
    const failures = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`);
    expect(failures, failures.join("\n")).toEqual([
      expect.stringMatching(/^Kallglot-Signature verifies .*: WebhookVerificationError/),
      expect.stringMatching(/^header Kallglot-Retry-Count: header Kallglot-Retry-Count: \/ must be <= 7 \(got 9\)$/),
      expect.stringMatching(/^body matches its schema: body \/created_at must be string \(got 12345\)$/),
    ]);
    expect(report.summary.failed).toBe(3);
  });
});
