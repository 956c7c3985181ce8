// Webhook sender: every documented event type, signed so @kallglot/client verifies it, retried on the (scaled)
// documented schedule with the documented delivery headers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@kallglot/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RETRY_SCHEDULE_MS, sendWebhook, webhookEventTypes } from '../src/index.js';
import { oas } from './helpers/spec.js';

const SECRET = 'whsec_test_secret';
interface Hit {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
}
let server: Server;
let url: string;
let hits: Hit[] = [];
let failFirst = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      hits.push({ at: Date.now(), headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      if (failFirst > 0) {
        failFirst--;
        res.writeHead(500).end('nope');
      } else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
});
beforeEach(() => {
  hits = [];
  failFirst = 0;
});

const EVENTS = ['session.created', 'session.started', 'session.ended', 'transcript.ready', 'transcript.segment', 'recording.ready', 'recording.failed', 'analysis.complete', 'analysis.failed', 'session.provider.connected', 'session.provider.disconnected'];

describe('sendWebhook', () => {
  it('knows the 11 documented event types', () => {
    expect(webhookEventTypes().sort()).toEqual([...EVENTS].sort());
  });

  it.each(EVENTS)('%s: delivered, verified by verifyWebhook, valid against the spec', async (type) => {
    const result = await sendWebhook({ url, event: type, secret: SECRET });
    expect(result.delivered).toBe(true);
    expect(hits).toHaveLength(1);
    const hit = hits[0]!;
    const event = await verifyWebhook({ payload: hit.raw, header: hit.headers['kallglot-signature'] as string, secret: SECRET });
    expect(event.type).toBe(type);
    expect(event.id).toMatch(/^evt_[A-Za-z0-9]+$/);
    // The body validates against the webhook's documented request schema.
    const validate = oas.webhook(type);
    expect(validate(JSON.parse(hit.raw)), JSON.stringify(validate.errors)).toBe(true);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['kallglot-webhook-id']).toBe(result.webhookId);
    expect(hit.headers['kallglot-retry-count']).toBe('0');
  });

  it('retries on failure with the documented headers and growing delays (schedule scaled down)', async () => {
    failFirst = 3;
    const result = await sendWebhook({ url, event: 'session.ended', secret: SECRET, timeScale: 0.001, jitter: false });
    expect(result.delivered).toBe(true);
    expect(result.attempts.map((a) => a.status)).toEqual([500, 500, 500, 200]);
    expect(hits.map((h) => h.headers['kallglot-retry-count'])).toEqual(['0', '1', '2', '3']);
    expect(new Set(hits.map((h) => h.headers['kallglot-webhook-id'])).size).toBe(1);
    expect(new Set(hits.map((h) => h.headers['kallglot-original-timestamp'])).size).toBe(1);
    expect(new Set(hits.map((h) => h.raw)).size).toBe(1);
    // Delays follow 0, ~1 min, ~5 min, ~30 min scaled by 0.001 (lower bounds only).
    expect(result.attempts.map((a) => a.delayMs)).toEqual(RETRY_SCHEDULE_MS.slice(0, 4).map((d) => d * 0.001));
    expect(hits[3]!.at - hits[2]!.at).toBeGreaterThanOrEqual(1700);
    for (const h of hits) await expect(verifyWebhook({ payload: h.raw, header: h.headers['kallglot-signature'] as string, secret: SECRET })).resolves.toBeTruthy();
  });

  it('gives up after maxAttempts and reports every attempt', async () => {
    failFirst = 100;
    const result = await sendWebhook({ url, event: 'recording.failed', secret: SECRET, timeScale: 0.0001, maxAttempts: 3 });
    expect(result.delivered).toBe(false);
    expect(result.attempts).toHaveLength(3);
  });

  it('reports a connection failure as an attempt error, not a crash', async () => {
    const result = await sendWebhook({ url: 'http://127.0.0.1:1/none', event: 'session.created', secret: SECRET, maxAttempts: 1 });
    expect(result.delivered).toBe(false);
    expect(result.attempts[0]!.error).toBeTruthy();
  });

  it('rejects an unknown event type with the list of known ones', async () => {
    await expect(sendWebhook({ url, event: 'session.exploded', secret: SECRET })).rejects.toThrow(/session\.created/);
  });
});
