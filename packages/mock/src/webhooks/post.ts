// One delivery attempt over HTTP: POST the body with its headers, read the answer, never throw.
import { deliveryHeaders, type WebhookDelivery } from './delivery.js';

export interface AttemptOutcome {
  status?: number;
  /** Why no status came back, naming the URL (e.g. `ECONNREFUSED`, `timeout after 30000 ms`). */
  error?: string;
}

/**
 * Signs and posts attempt `retryCount` of a delivery. `headers`, when given, are this attempt's headers built
 * beforehand (a sender that must start its posts in event order signs in order, then posts).
 */
export async function postDelivery(url: string, d: WebhookDelivery, secret: string, retryCount: number, timeoutMs: number, signal?: AbortSignal, headers?: Promise<Record<string, string>>): Promise<AttemptOutcome> {
  try {
    headers ??= deliveryHeaders(d, secret, retryCount);
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await fetch(url, { method: 'POST', headers: await headers, body: d.body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { error: `POST ${url}: ${why}`.slice(0, 300) };
  }
}

export const isSuccess = (o: AttemptOutcome): boolean => o.status !== undefined && o.status >= 200 && o.status < 300;
