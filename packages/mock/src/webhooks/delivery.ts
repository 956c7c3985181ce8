// Events → deliveries: one delivery per event and receiver (an id and an original timestamp that stay the same
// on every retry), and the headers of each attempt from @kallglot/client's webhookDeliveryHeaders (beside
// signWebhook), the one definition every sender here uses: the node dispatcher, sendWebhook and the MSW sink.
// Browser-safe (the MSW adapter imports it).
import { webhookDeliveryHeaders } from '@kallglot/client';
import type { EngineEvent } from '../engine/index.js';
import { ulid } from '../engine/ids.js';

export const WEBHOOK_USER_AGENT = 'kallglot-mock-webhooks/1.0';

export interface WebhookDelivery {
  /** `Kallglot-Webhook-Id` (`wh_del_…`): the same on every retry. */
  deliveryId: string;
  /** The exact JSON text that is signed and sent. */
  body: string;
  /** `Kallglot-Original-Timestamp`, Unix seconds. */
  originalTimestamp: number;
}

/** A delivery of `body`, first attempted at `firstAttemptMs` (epoch ms; the sandbox passes its virtual clock). */
export function createDelivery(body: string, firstAttemptMs: number): WebhookDelivery {
  return { deliveryId: `wh_del_${ulid(firstAttemptMs)}`, body, originalTimestamp: Math.floor(firstAttemptMs / 1000) };
}

export const deliveryForEvent = (ev: EngineEvent): WebhookDelivery => createDelivery(JSON.stringify(ev.payload), ev.createdAt);

/** The headers of attempt `retryCount` (0 first). Signatures carry real time: receivers check it against their clock. */
export async function deliveryHeaders(d: WebhookDelivery, secret: string, retryCount: number): Promise<Record<string, string>> {
  const headers = await webhookDeliveryHeaders({ payload: d.body, secret, deliveryId: d.deliveryId, retryCount, originalTimestamp: d.originalTimestamp, timestamp: Math.floor(Date.now() / 1000) });
  return { ...headers, 'User-Agent': WEBHOOK_USER_AGENT };
}
