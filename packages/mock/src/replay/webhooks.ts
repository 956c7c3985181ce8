// Replayed webhook deliveries: the recorded body (with `stream.url` moved like any replayed body) and the recorded
// headers, with `Kallglot-Signature` signed anew by @kallglot/client's signWebhook with the replay's secret.
import { SIGNATURE_HEADER, signWebhook } from '@kallglot/client';
import type { RecordedWebhook } from './cassette.js';
import { rewriteStreamUrls } from './rewrite.js';

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

const DROP = new Set(['content-length', 'host', 'connection', 'transfer-encoding']);

export async function resignWebhook(webhook: RecordedWebhook, o: ResignOptions): Promise<ReplayedDelivery> {
  const body = rewriteStreamUrls(webhook.body, o.streamUrl);
  const headers: Record<string, string> = {};
  for (const [name, value] of webhook.headers) {
    const lower = name.toLowerCase();
    if (DROP.has(lower) || lower === SIGNATURE_HEADER.toLowerCase()) continue;
    headers[name] = value;
  }
  headers[SIGNATURE_HEADER] = await signWebhook({ payload: body, secret: o.secret, timestamp: o.timestamp });
  return { url: webhook.url, headers, body };
}
