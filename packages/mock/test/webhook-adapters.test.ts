// One webhook sender: the node adapter (a real --webhook-url receiver) and the MSW adapter (in-process) deliver
// the same session's events with the same header set (wh_del_… id, retry count, original timestamp, signature),
// the same body shape, and a signature that @kallglot/client's verifyWebhook accepts. sendWebhook is bounded by
// its deadline and names the URL it could not reach.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKallglotClient, verifyWebhook, webhookDeliveryHeaders } from '@kallglot/client';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook, startMock, WebhookDeadlineError } from '../src/index.js';
import { createKallglotHandlers } from '../src/msw/index.js';

const SECRET = 'whsec_adapters_compare';
const KEY = 'sk_test_adapters_compare';
const SESSION = { mode: 'bidirectional_translation', source_language: 'en', target_language: 'es', routing: { phone_number: '+14155551234' } } as const;
const TYPES = ['session.created', 'session.ended'];

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}
let receiver: Server;
const received: Received[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

/** The session flow over the typed client against `baseUrl`: create, end. */
async function flow(baseUrl: string): Promise<string> {
  const c = createKallglotClient({ apiKey: KEY, baseUrl, maxRetries: 0 });
  const s = (await c.POST('/v1/sessions', { body: SESSION })).data as { id: string };
  await c.POST('/v1/sessions/{session_id}/end', { params: { path: { session_id: s.id } } });
  return s.id;
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const shape = (raw: string) => {
  const e = JSON.parse(raw) as { data?: Record<string, unknown> };
  return { top: Object.keys(e).sort(), data: Object.keys(e.data ?? {}).sort() };
};
const keys = (h: Record<string, unknown>) => Object.keys(h).map((k) => k.toLowerCase()).sort();

describe('node and MSW adapters deliver webhooks alike', { timeout: 60_000 }, () => {
  it('same headers set, same body shape, signatures verify, wh_del_ ids', async () => {
    const mock = await startMock({ host: '127.0.0.1', restPort: 0, streamPort: 0, docsDir: false, log: () => {}, webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, webhookSecret: SECRET } as Parameters<typeof startMock>[0]);
    let nodeSession: string;
    try {
      nodeSession = await flow(mock.urls.rest);
      await until('node deliveries', () => (TYPES.every((t) => received.some((r) => JSON.parse(r.raw).type === t)) ? true : undefined));
    } finally {
      await mock.close();
    }
    const handlers = createKallglotHandlers({ webhookSecret: SECRET });
    const server = setupServer(...handlers);
    server.listen({ onUnhandledRequest: 'bypass' });
    try {
      await flow('https://api.kallglot.com');
      await handlers.webhooks.settled();
    } finally {
      server.close();
      handlers.dispose();
    }
    for (const type of TYPES) {
      const node = received.find((r) => JSON.parse(r.raw).type === type && r.raw.includes(nodeSession))!;
      const msw = handlers.webhooks.delivered.find((w) => w.type === type)!;
      expect(msw, type).toBeDefined();
      // The MSW delivery's header set is exactly what the node receiver got from the sender (transport headers aside).
      const sent = keys(msw.headers);
      expect(sent).toEqual(['content-type', 'kallglot-original-timestamp', 'kallglot-retry-count', 'kallglot-signature', 'kallglot-webhook-id', 'user-agent']);
      for (const k of sent) expect(node.headers[k], `${type} ${k}`).toBeDefined();
      for (const h of [msw.headers['Kallglot-Webhook-Id'], node.headers['kallglot-webhook-id']]) expect(h).toMatch(/^wh_del_[0-9A-Z]{26}$/);
      expect(msw.headers['Kallglot-Webhook-Id']).not.toBe(msw.id);
      expect([msw.headers['Kallglot-Retry-Count'], node.headers['kallglot-retry-count']]).toEqual(['0', '0']);
      for (const t of [msw.headers['Kallglot-Original-Timestamp'], node.headers['kallglot-original-timestamp']]) expect(String(t)).toMatch(/^\d{10}$/);
      expect(msw.headers['User-Agent']).toBe(node.headers['user-agent']);
      expect(shape(msw.body)).toEqual(shape(node.raw));
      await expect(verifyWebhook({ payload: msw.body, header: msw.headers['Kallglot-Signature'], secret: SECRET })).resolves.toMatchObject({ type });
      await expect(verifyWebhook({ payload: node.raw, header: node.headers['kallglot-signature'], secret: SECRET })).resolves.toMatchObject({ type });
    }
  });

  it('the header builder is the one in @kallglot/client: same names, same signature scheme', async () => {
    const h = await webhookDeliveryHeaders({ payload: '{"type":"session.created"}', secret: SECRET, deliveryId: 'wh_del_X', retryCount: 2, originalTimestamp: 1_700_000_000, timestamp: 1_700_000_100 });
    expect(h).toMatchObject({ 'Content-Type': 'application/json', 'Kallglot-Webhook-Id': 'wh_del_X', 'Kallglot-Retry-Count': '2', 'Kallglot-Original-Timestamp': '1700000000' });
    await expect(verifyWebhook({ payload: '{"type":"session.created"}', header: h['Kallglot-Signature'], secret: SECRET, now: 1_700_000_100 })).resolves.toBeTruthy();
  });
});

describe('sendWebhook is bounded', () => {
  it('with deadlineMs and nothing listening: rejects fast, naming the URL and the failure', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/hooks`;
    await new Promise<void>((r) => dead.close(() => r()));
    const started = Date.now();
    const err = await sendWebhook({ url, event: 'recording.ready', secret: SECRET, timeScale: 0.001, deadlineMs: 1500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookDeadlineError);
    expect((err as Error).message).toContain(url);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect((err as WebhookDeadlineError).result.attempts.length).toBeGreaterThanOrEqual(1);
    // Without the deadline the scaled schedule alone would take about 150 s.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a deadline that is not reached changes nothing', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const r = await sendWebhook({ url, event: 'session.created', secret: SECRET, deadlineMs: 20_000 });
    expect(r.delivered).toBe(true);
    expect(r.webhookId).toMatch(/^wh_del_/);
  });
});
