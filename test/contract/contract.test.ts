// The contract suite in this repo's CI is @kallglot/contract run against the mock (must pass, covering
// every operation and documented status, the stream and the lifecycle webhooks), plus the Arazzo
// workflow through `redocly respect` against a mock. The tool's own failure cases are tested in
// packages/contract/test.
import { startMock } from '@kallglot/mock';
import { runContractTest } from '@kallglot/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without type declarations
import { addArazzoChecks, runArazzo } from './lib/arazzo.mjs';

describe('contract suite (@kallglot/contract) against the mock', { timeout: 180_000 }, () => {
  it('passes, covers every operation and documented status, validates the stream and the webhooks', async () => {
    const report = await runContractTest({});
    const failures = report.checks.filter((c) => c.status === 'fail').map((c) => `[${c.group}] ${c.name}: ${c.message}`);
    expect(failures).toEqual([]);
    expect(report.summary.checks).toBeGreaterThan(500);
    expect(report.target.mock).toBe(true);
    expect(report.coverage).toHaveLength(16);
    for (const c of report.coverage) expect(c.missing, `${c.operationId} statuses not provoked`).toEqual([]);
    expect(Object.keys(report.stream.types).sort()).toEqual([...report.spec.serverMessages].sort());
    expect(report.stream.closeCodes).toEqual([1000, 4001]);
    expect(report.webhooks!.deliveries).toBeGreaterThan(0);
    expect(report.checks.some((c) => c.ok && c.name.startsWith('Kallglot-Signature verifies'))).toBe(true);
  });
});

describe('Arazzo workflows against the mock', { timeout: 180_000 }, () => {
  let mock: Awaited<ReturnType<typeof startMock>>;
  beforeAll(async () => {
    mock = await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false, log: () => {} });
  });
  afterAll(() => mock?.close());

  it('every step of session-lifecycle passes through redocly respect', async () => {
    const report = { checks: [] as { group: string; name: string; ok: boolean; message: string }[], summary: {} as Record<string, number> };
    addArazzoChecks(report, await runArazzo({ baseUrl: mock.urls.rest, apiKey: 'sk_test_contract_suite' }));
    expect(report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual([
      'redocly respect session-lifecycle.arazzo.yaml exits 0',
      'sessionLifecycle/createSession',
      'sessionLifecycle/retrieveSession',
      'sessionLifecycle/endSession',
      'sessionLifecycle/retrieveTranscript',
    ]);
  });
});
