// `kallglot-contract webhooks`: tests a user's webhook endpoint. Every documented event type, correctly
// signed, must get a 2xx; tampered, stale, future, wrongly signed, unsigned and garbled deliveries must each
// get a 4xx; a replay of a delivery id is sent and its answer reported (the docs recommend dedupe by
// Kallglot-Webhook-Id).
import { randomBytes } from 'node:crypto';
import { webhookDeliveryHeaders } from '@kallglot/client';
import { loadContract, type SpecPaths } from './internal/contract.js';
import { webhookExample } from './internal/examples.js';
import { junitXml } from './report.js';

export interface WebhookTestOptions {
  target: string;
  secret: string;
  timeoutMs?: number;
  /** Seconds outside the tolerance for the stale / future cases (default 600, twice the documented 300). */
  skewSeconds?: number;
  specPaths?: SpecPaths;
}

export type Verdict = 'pass' | 'fail' | 'note';
export interface WebhookCase {
  case: string;
  expected: '2xx' | '4xx' | 'reported';
  got: string;
  verdict: Verdict;
  detail?: string;
}
export interface WebhookReport {
  tool: 'kallglot-contract';
  command: 'webhooks';
  target: string;
  summary: { cases: number; passed: number; failed: number; notes: number; durationMs: number };
  cases: WebhookCase[];
}

export class WebhookTargetError extends Error {
  override name = 'WebhookTargetError';
}

const rid = (prefix: string) => `${prefix}${randomBytes(9).toString('hex')}`;

export async function runWebhookTests(o: WebhookTestOptions): Promise<WebhookReport> {
  const started = Date.now();
  const contract = loadContract(o.specPaths);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const skew = o.skewSeconds ?? 600;
  const cases: WebhookCase[] = [];
  const now = () => Math.floor(Date.now() / 1000);
  let reached = false;

  const event = (type: string) => {
    const e = webhookExample(contract, type);
    // A fresh event id per delivery: an endpoint that dedupes must not mistake two cases for one event.
    if (typeof e?.id === 'string') e.id = rid('evt_contract');
    return e;
  };
  async function deliver(raw: string, headers: Record<string, string>): Promise<number> {
    try {
      const res = await fetch(o.target, { method: 'POST', headers: { 'Content-Type': 'application/json', 'User-Agent': 'kallglot-contract', ...headers }, body: raw, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
      reached = true;
      return res.status;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (!reached) throw new WebhookTargetError(`cannot reach ${o.target}: ${err.cause?.code ?? err.message}`);
      return -1;
    }
  }
  // The delivery headers as the API sends them, from the one builder in @kallglot/client.
  const signed = (raw: string, t = now(), secret = o.secret) => webhookDeliveryHeaders({ payload: raw, secret, timestamp: t, deliveryId: rid('wh_del_'), originalTimestamp: t });
  const judge = (name: string, expected: '2xx' | '4xx', status: number, detail?: string) => {
    const ok = expected === '2xx' ? status >= 200 && status < 300 : status >= 400 && status < 500;
    cases.push({ case: name, expected, got: status < 0 ? 'no answer' : String(status), verdict: ok ? 'pass' : 'fail', ...(detail ? { detail } : {}) });
  };

  let first: { raw: string; headers: Record<string, string> } | undefined;
  for (const type of contract.webhooks.keys()) {
    const raw = JSON.stringify(event(type));
    const headers = await signed(raw);
    first ??= { raw, headers };
    judge(`${type}, correctly signed`, '2xx', await deliver(raw, headers));
  }
  await badDeliveries({ base: () => JSON.stringify(event([...contract.webhooks.keys()][0]!)), signed, deliver, judge, now, skew, secret: o.secret });
  if (first) {
    // The exact first delivery again: same Kallglot-Webhook-Id, body and signature (still inside the tolerance).
    const status = await deliver(first.raw, first.headers);
    cases.push({
      case: `replay of delivery ${first.headers['Kallglot-Webhook-Id']}`,
      expected: 'reported',
      got: status < 0 ? 'no answer' : String(status),
      verdict: 'note',
      detail: status >= 200 && status < 300 ? 'accepted again: make sure the handler dedupes by Kallglot-Webhook-Id (a 2xx is right, processing twice is not)' : 'refused: retries of a delivery your endpoint missed would be refused too, unless it answered 2xx the first time',
    });
  }
  const failed = cases.filter((c) => c.verdict === 'fail').length;
  const notes = cases.filter((c) => c.verdict === 'note').length;
  return { tool: 'kallglot-contract', command: 'webhooks', target: o.target, summary: { cases: cases.length, passed: cases.length - failed - notes, failed, notes, durationMs: Date.now() - started }, cases };
}

interface Tools {
  base: () => string;
  signed: (raw: string, t?: number, secret?: string) => Promise<Record<string, string>>;
  deliver: (raw: string, headers: Record<string, string>) => Promise<number>;
  judge: (name: string, expected: '2xx' | '4xx', status: number, detail?: string) => void;
  now: () => number;
  skew: number;
  secret: string;
}

/** Deliveries a verifying endpoint must refuse with a 4xx. */
async function badDeliveries(t: Tools): Promise<void> {
  {
    const raw = t.base();
    const headers = await t.signed(raw);
    const tampered = raw.replace(/"type":"([^"]+)"/, '"type":"$1","tampered":true');
    t.judge('tampered body (signature of the original)', '4xx', await t.deliver(tampered, headers));
  }
  {
    const raw = t.base();
    t.judge(`stale timestamp (${t.skew} s old)`, '4xx', await t.deliver(raw, await t.signed(raw, t.now() - t.skew)));
  }
  {
    const raw = t.base();
    t.judge(`future timestamp (${t.skew} s ahead)`, '4xx', await t.deliver(raw, await t.signed(raw, t.now() + t.skew)));
  }
  {
    const raw = t.base();
    t.judge('wrong secret', '4xx', await t.deliver(raw, await t.signed(raw, t.now(), `${t.secret}_wrong`)));
  }
  {
    const raw = t.base();
    const { 'Kallglot-Signature': _drop, ...headers } = await t.signed(raw);
    t.judge('missing Kallglot-Signature header', '4xx', await t.deliver(raw, headers));
  }
  {
    const raw = t.base();
    const headers = await t.signed(raw);
    t.judge('garbled Kallglot-Signature header', '4xx', await t.deliver(raw, { ...headers, 'Kallglot-Signature': 't=soon,v1=not-hex,,' }));
  }
}

export function formatWebhookTable(r: WebhookReport): string {
  const rows = [['case', 'expected', 'got', 'verdict'], ...r.cases.map((c) => [c.case, c.expected, c.got, c.verdict.toUpperCase()])];
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  const out = [`Kallglot webhook endpoint test — ${r.target}`, '', line(rows[0]!), w.map((n) => '-'.repeat(n)).join('  '), ...rows.slice(1).map(line)];
  for (const c of r.cases) if (c.detail) out.push('', `${c.case}: ${c.detail}`);
  const s = r.summary;
  out.push('', `${s.failed === 0 ? 'PASS' : 'FAIL'}: ${s.cases} cases, ${s.passed} passed, ${s.failed} failed, ${s.notes} reported`);
  return out.join('\n');
}

export function webhookJUnit(r: WebhookReport): string {
  return junitXml(
    'kallglot-contract webhooks',
    r.cases.map((c) => ({ group: 'Webhook endpoint', name: `${c.case} → ${c.expected}`, ...(c.verdict === 'fail' ? { failure: `got ${c.got}` } : {}) })),
    r.summary.durationMs,
  );
}

