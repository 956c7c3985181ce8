// sendWebhook: posts one event (the spec's example of a type, or a given payload) to a URL, signed, retried on
// the documented schedule with the documented delivery headers. Bounded: `deadlineMs` caps the whole call.
import type { OpenApiModel } from '../internal/openapi-model.js';
import { loadOpenApiModel } from '../internal/load-openapi-model.js';
import { createDelivery } from './delivery.js';
import { buildWebhookEvent } from './events.js';
import { isSuccess, postDelivery } from './post.js';
import { maxAttempts, retryDelayMs } from './retry.js';

export interface SendWebhookOptions {
  url: string;
  /** Event type, e.g. `session.ended`. */
  event: string;
  secret: string;
  /** Merged into the example's `data` (kept only if the event schema still accepts it). */
  data?: Record<string, unknown>;
  /** A complete event to send instead of the spec's example. */
  payload?: Record<string, unknown>;
  /** Multiply every retry delay (e.g. 0.001 turns 1 min into 60 ms). Default 1. */
  timeScale?: number;
  /** Attempts before giving up (documented: 8). */
  maxAttempts?: number;
  /** Per-attempt timeout (documented: 30 s). */
  timeoutMs?: number;
  /**
   * Total time allowed for every attempt and the waits between them. When it passes with no 2xx, the promise
   * rejects with a `WebhookDeadlineError` naming the URL and the last failure. Default: none (the whole schedule).
   */
  deadlineMs?: number;
  /** Add ±10 % jitter to delays (documented). Default true. */
  jitter?: boolean;
  openapiPath?: string;
  model?: OpenApiModel;
  onAttempt?: (a: WebhookAttempt) => void;
  signal?: AbortSignal;
}

export interface WebhookAttempt {
  attempt: number;
  retryCount: number;
  status?: number;
  error?: string;
  delayMs: number;
}

export interface WebhookResult {
  delivered: boolean;
  webhookId: string;
  event: Record<string, unknown>;
  attempts: WebhookAttempt[];
}

/** `sendWebhook` ran out of its `deadlineMs` before a 2xx. `result` holds the attempts made. */
export class WebhookDeadlineError extends Error {
  override name = 'WebhookDeadlineError';
  constructor(
    message: string,
    readonly result: WebhookResult,
  ) {
    super(message);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))), { once: true });
  });

export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookResult> {
  const model = options.payload ? undefined : (options.model ?? loadOpenApiModel(options.openapiPath));
  const event = options.payload ?? buildWebhookEvent(model!, options.event, options.data);
  const delivery = createDelivery(JSON.stringify(event), Date.now());
  const result: WebhookResult = { delivered: false, webhookId: delivery.deliveryId, event, attempts: [] };
  const deadline = options.deadlineMs === undefined ? undefined : AbortSignal.timeout(options.deadlineMs);
  const signal = deadline && options.signal ? AbortSignal.any([deadline, options.signal]) : (deadline ?? options.signal);
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    for (let i = 0; i < maxAttempts(options.maxAttempts); i++) {
      const delayMs = retryDelayMs(i, options.timeScale ?? 1, options.jitter !== false);
      if (delayMs > 0) await sleep(delayMs, signal);
      const outcome = await postDelivery(options.url, delivery, options.secret, i, timeoutMs, signal);
      if (deadline?.aborted) break;
      const a: WebhookAttempt = { attempt: i + 1, retryCount: i, delayMs: Math.round(delayMs), ...outcome };
      result.attempts.push(a);
      options.onAttempt?.(a);
      if (isSuccess(outcome)) return { ...result, delivered: true };
    }
  } catch (e) {
    if (!deadline?.aborted) throw e;
  }
  if (deadline?.aborted) throw deadlineError(options.url, options.deadlineMs!, result);
  return result;
}

function deadlineError(url: string, ms: number, result: WebhookResult): WebhookDeadlineError {
  const last = result.attempts.at(-1);
  const why = last ? (last.error ?? `HTTP ${last.status}`) : 'no attempt finished';
  return new WebhookDeadlineError(`sendWebhook: no 2xx from ${url} within ${ms} ms (${result.attempts.length} attempt(s); last: ${why}). Is a receiver listening there?`, result);
}
