// `kallglot-contract test` as a function: picks the target (a given URL, or a mock it starts itself),
// decides what may run (writes only against a mock or with allowWrites), runs the suite and, with the
// built-in mock, checks the webhook deliveries it triggered.
import { loadContract } from './internal/contract.js';
import { deliveryChecks, startReceiver } from './internal/deliveries.js';
import { wsWaiver, type Waiver } from './internal/errors.js';
import { summarize, type SuiteReport } from './report.js';
import { ConnectionError, runSuite, type SuiteOptions } from './suite.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface TestOptions extends Omit<SuiteOptions, 'baseUrl' | 'mock' | 'waivers' | 'writes'> {
  /** Target REST origin. Without it the tool starts @kallglot/mock (an optional peer dependency). */
  baseUrl?: string;
  /** Allow writes against a target that is not a mock. */
  allowWrites?: boolean;
  /** Accept a ws:// stream.url (a local server without TLS). Always on for a mock. */
  allowWs?: boolean;
}

const WEBHOOK_SECRET = 'whsec_contract_suite_mock';

/** Whether `base` is a Kallglot mock (it answers the `/_mock/state` control plane). */
export async function isMock(base: string, timeoutMs = 5000): Promise<boolean> {
  let res: Response;
  try {
    res = await fetch(new URL('/_mock/state', base), { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    throw new ConnectionError(`cannot reach ${base}: ${err.cause?.code ?? err.message}`);
  }
  const ok = res.ok && (res.headers.get('content-type') ?? '').includes('json');
  await res.arrayBuffer().catch(() => undefined);
  return ok;
}

export async function runContractTest(o: TestOptions): Promise<SuiteReport> {
  const started = Date.now();
  let baseUrl = o.baseUrl;
  let mock: RunningMock | undefined;
  let exampleMock: RunningMock | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  const only = [...(o.only ?? [])];
  if (only.includes('webhooks')) only.push('createSession', 'endSession');
  try {
    let isAMock: boolean;
    if (!baseUrl) {
      let startMock: (opts: object) => Promise<RunningMock>;
      try {
        ({ startMock } = (await import('@kallglot/mock' as string)) as { startMock: typeof startMock });
      } catch {
        throw new UsageError('no --base-url given and @kallglot/mock is not installed: pass --base-url (or KALLGLOT_BASE_URL), or `npm install -D @kallglot/mock`');
      }
      receiver = await startReceiver();
      const common = { host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false, log: () => {} };
      mock = await startMock({ ...common, webhookUrl: receiver.url, webhookSecret: WEBHOOK_SECRET });
      // The stateful mock answers from its state; every documented status comes from a second, stateless
      // (example-mode) mock through Prefer: code=NNN.
      if (o.prefer !== false) exampleMock = await startMock({ ...common, stateless: true });
      baseUrl = mock.urls.rest;
      isAMock = true;
    } else {
      try {
        new URL(baseUrl);
      } catch {
        throw new UsageError(`--base-url "${baseUrl}" is not a URL`);
      }
      isAMock = await isMock(baseUrl);
    }
    const writes = isAMock || !!o.allowWrites;
    const waivers: Waiver[] = isAMock || o.allowWs ? [wsWaiver()] : [];
    const report = await runSuite({ ...o, only, baseUrl, mock: isAMock, writes, prefer: o.prefer ?? isAMock, preferBaseUrl: exampleMock?.urls.rest, waivers });
    report.mode.only = o.only ?? [];
    const wantWebhooks = !o.only?.length || o.only.includes('webhooks');
    if (receiver && mock && wantWebhooks) {
      await Promise.allSettled(mock.webhookResults ?? []);
      await settle(receiver.deliveries);
      const { checks, types } = await deliveryChecks(loadContract(o.specPaths), receiver.deliveries, WEBHOOK_SECRET, !!o.strict);
      for (const c of checks) report.checks.push({ ...c, id: report.checks.length + 1 });
      report.webhooks = { deliveries: receiver.deliveries.length, types };
    } else if (wantWebhooks) {
      report.skipped.push({ what: 'webhook deliveries', reason: 'only checkable when the tool starts the mock itself (it sets the delivery URL); test your own endpoint with `kallglot-contract webhooks`' });
    }
    report.summary = summarize(report, Date.now() - started);
    return report;
  } finally {
    await exampleMock?.close();
    await mock?.close();
    await receiver?.close();
  }
}

interface RunningMock {
  urls: { rest: string; stream: string };
  close(): Promise<void>;
  webhookResults?: Promise<unknown>[];
}

/** Waits until no new delivery arrived for 300 ms (at most 5 s): a stateful mock delivers asynchronously. */
async function settle(list: unknown[]): Promise<void> {
  const deadline = Date.now() + 5000;
  let n = -1;
  while (n !== list.length && Date.now() < deadline) {
    n = list.length;
    await new Promise((r) => setTimeout(r, 300));
  }
}
