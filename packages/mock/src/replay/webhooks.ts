// Replayed webhook deliveries: the recorded body (with `stream.url` moved like any replayed body), signed anew
// with the replay's secret by the one header builder (@kallglot/client's webhookDeliveryHeaders), keeping the
// recorded delivery id, retry count and original timestamp. `createWebhookReplay` schedules and sends them.
import { SIGNATURE_HEADER, webhookDeliveryHeaders } from '@kallglot/client';
import type { RecordedWebhook } from './cassette.js';
import { rewriteStreamUrls } from './rewrite.js';
import type { ReplayScheduler } from './stream.js';

export interface ReplayedDelivery {
  /** Where the recording forwarded it (the adapter may send it to its own `--webhook-url` instead). */
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface ResignOptions {
  secret: string;
  /** Signing time, Unix seconds (the replay's clock). */
  timestamp: number;
  streamUrl?: string;
}

const BUILT = new Set(['content-type', SIGNATURE_HEADER.toLowerCase(), 'kallglot-webhook-id', 'kallglot-retry-count', 'kallglot-original-timestamp']);
const DROP = new Set(['content-length', 'host', 'connection', 'transfer-encoding']);

export async function resignWebhook(webhook: RecordedWebhook, o: ResignOptions): Promise<ReplayedDelivery> {
  const body = rewriteStreamUrls(webhook.body, o.streamUrl);
  const recorded = new Map(webhook.headers.map(([n, v]) => [n.toLowerCase(), v]));
  const retry = Number(recorded.get('kallglot-retry-count'));
  const original = Number(recorded.get('kallglot-original-timestamp'));
  const headers = await webhookDeliveryHeaders({
    payload: body,
    secret: o.secret,
    timestamp: o.timestamp,
    deliveryId: recorded.get('kallglot-webhook-id') ?? `wh_del_replay_${webhook.index}`,
    retryCount: Number.isSafeInteger(retry) && retry >= 0 ? retry : 0,
    originalTimestamp: Number.isSafeInteger(original) && original >= 0 ? original : o.timestamp,
  });
  for (const [name, value] of webhook.headers) {
    const lower = name.toLowerCase();
    if (!BUILT.has(lower) && !DROP.has(lower)) headers[name] = value;
  }
  return { url: webhook.url, headers, body };
}

export interface WebhookReplayOptions {
  secret: string;
  scheduler: ReplayScheduler;
  /** Multiplies recorded delays (the scheduler's factor). */
  factor: number;
  streamUrl?: string;
  /** Sends one re-signed delivery (POST to the replay's targets, or an MSW callback). */
  deliver(d: ReplayedDelivery): Promise<void>;
  log?(line: string): void;
}

export interface WebhookReplay {
  /** Schedules a recorded delivery `delayMs` (recorded) from now. */
  schedule(w: RecordedWebhook, delayMs: number): void;
  /** Resolves once every scheduled delivery was sent (or failed). */
  idle(): Promise<void>;
}

/** Deliveries waiting at most (a client repeating a request that webhooks followed schedules them again). */
export const MAX_PENDING_DELIVERIES = 1000;

/** Deliveries in recorded order: each waits for its delay and for the one before it. */
export function createWebhookReplay(o: WebhookReplayOptions): WebhookReplay {
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  return {
    schedule(w, delayMs) {
      if (pending >= MAX_PENDING_DELIVERIES) {
        o.log?.(`replayed webhook ${w.index} dropped: ${MAX_PENDING_DELIVERIES} deliveries are already waiting`);
        return;
      }
      pending++;
      const due = new Promise<void>((resolve) => o.scheduler.setTimer(delayMs * o.factor, resolve));
      const prev = chain;
      chain = Promise.all([due, prev])
        .then(() => resignWebhook(w, { secret: o.secret, timestamp: Math.floor(Date.now() / 1000), streamUrl: o.streamUrl }))
        .then((d) => o.deliver(d))
        .catch((e: unknown) => o.log?.(`replayed webhook ${w.index} not delivered: ${(e as Error).message}`))
        .finally(() => void pending--);
    },
    async idle() {
      while (pending > 0) await chain;
    },
  };
}
