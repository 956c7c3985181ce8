// Records one cassette the way a user would: kallglot-mock stands in for the real API, `kallglot-contract proxy
// --record … --webhook-url …` sits in front of it (the upstream posts webhooks to the proxy's relay path), the
// session-life program runs through the proxy, then the proxy stops (cassette written) and the upstream goes.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockControl, startMock } from '@kallglot/mock';
import { main } from '../src/cli.js';
import { sessionLife, type LifeResult } from './session-life.js';

export const KEY = 'sk_test_recordE2E_s3cretKEY42';
export const SECRET = 'whsec_recordE2E_s3cretSIGNING';
/**
 * Webhooks one session life causes: created, started, a transcript.segment per phrase of the bundled speech sample
 * (three: the sandbox hears each one), ended, transcript.ready, recording.ready, analysis.complete.
 */
export const WEBHOOKS = 9;

export interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A webhook receiver; `waitFor(n)` resolves once n deliveries arrived (no polling). */
export async function receiver(): Promise<{ url: string; deliveries: Delivery[]; waitFor(n: number): Promise<Delivery[]>; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const waiters: { n: number; resolve: (d: Delivery[]) => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
      for (const w of waiters.filter((x) => deliveries.length >= x.n)) w.resolve(deliveries.slice());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    deliveries,
    waitFor: (n) => (deliveries.length >= n ? Promise.resolve(deliveries.slice()) : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** `p`, or a rejection naming what never came: a stuck step fails with its name instead of the test's timeout. */
export function within<T>(p: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms / 1000} s for ${typeof what === 'string' ? what : what()}`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface Recording {
  life: LifeResult;
  deliveries: Delivery[];
  proxyExit: number;
  out: string;
}

export async function recordCassette(file: string, audio: 'full' | 'hash' = 'full'): Promise<Recording> {
  // The proxy's port is chosen before the upstream starts (the upstream posts webhooks to it): another process may
  // take it in between. Then the proxy says EADDRINUSE and the recording starts again on another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await recordOnce(file, audio);
    } catch (err) {
      if (attempt >= 3 || !/before it listened: .*EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

async function recordOnce(file: string, audio: 'full' | 'hash'): Promise<Recording> {
  const hooks = await receiver();
  const proxyPort = await freePort();
  // A scenario other than the default one, so a sandbox seeded from the cassette says words it would not say alone.
  const upstream = await startMock({ restPort: 0, streamPort: 0, docsDir: false, scenario: 'bilingual', webhookUrls: [`http://127.0.0.1:${proxyPort}/_kallglot/webhooks`], webhookSecret: SECRET, log: () => undefined });
  const control = createMockControl(upstream.urls.rest);
  let stop!: () => void;
  const stopSignal = new Promise<void>((r) => (stop = r));
  let ready!: (u: { url: string }) => void;
  const listening = new Promise<{ url: string }>((r) => (ready = r));
  const out: string[] = [];
  const errors: string[] = [];
  const argv = ['proxy', '--upstream', upstream.urls.rest, '--stream-upstream', upstream.urls.stream, '--allow-ws', '--port', String(proxyPort), '--record', file, '--record-audio', audio, '--webhook-url', hooks.url];
  const exit = main(argv, { KALLGLOT_API_KEY: KEY, KALLGLOT_WEBHOOK_SECRET: SECRET }, { out: (l) => out.push(l), err: (l) => errors.push(l), stopSignal, onProxyReady: ready });
  try {
    // A proxy that cannot listen (its port taken since freePort chose it) ends main() instead of hanging the test.
    const ended = exit.then((code) => Promise.reject(new Error(`the recording proxy exited ${code} before it listened: ${errors.join(' ')}`)));
    const proxy = await within(Promise.race([listening, ended]), 60_000, 'the recording proxy to listen');
    const life = await within(sessionLife({ baseUrl: proxy.url, apiKey: KEY, advance: async (ms) => void (await control.advance(ms)) }), 90_000, 'the session life through the proxy');
    // Every event the upstream recorded for this run reaches the receiver through the relay.
    const expected = (await control.webhooks()).length;
    const deliveries = await within(hooks.waitFor(expected), 60_000, () => `${expected} relayed webhooks (got ${hooks.deliveries.length})`);
    stop();
    return { life, deliveries, proxyExit: await exit, out: out.join('\n') };
  } finally {
    stop();
    await exit.catch(() => undefined);
    await upstream.close();
    await hooks.close();
  }
}
