// Webhook sender: posts the spec's example event of a given type, signed with @kallglot/client's signWebhook,
// retried on the documented schedule (contract §11.5) with the documented delivery headers.
import { ulidLike } from './internal/errors.js';
import { buildOpenApiModel, type OpenApiModel } from './internal/openapi-model.js';
import { readJson, resolveSpecPath, type JsonObject } from './internal/specs.js';

/** Delay before attempt 1..8 in ms: immediate, ~1 min, ~5 min, ~30 min, ~2 h, ~5 h, ~10 h, ~24 h. */
export const RETRY_SCHEDULE_MS = [0, 60_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 86_400_000];

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

let cachedModel: { path: string; model: OpenApiModel } | undefined;
export function loadOpenApiModel(path?: string): OpenApiModel {
  const p = resolveSpecPath('openapi.json', path);
  if (cachedModel?.path !== p) cachedModel = { path: p, model: buildOpenApiModel(readJson(p)) };
  return cachedModel.model;
}

/** The event types the spec documents, each with its example. */
export function webhookEventTypes(model: OpenApiModel = loadOpenApiModel()): string[] {
  return [...model.webhookExamples.keys()];
}

export function buildWebhookEvent(model: OpenApiModel, type: string, data?: Record<string, unknown>): Record<string, unknown> {
  const example = model.webhookExamples.get(type);
  if (!example) throw new Error(`Unknown webhook event '${type}'. Known: ${webhookEventTypes(model).join(', ')}`);
  const event = structuredClone(example) as JsonObject;
  if ('id' in event) event.id = `evt_${ulidLike()}`;
  if ('created_at' in event) event.created_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (data && event.data && typeof event.data === 'object') {
    const merged = { ...event, data: { ...(event.data as JsonObject), ...(data as JsonObject) } };
    const v = model.webhookValidators.get(type);
    if (!v || v(merged)) return merged;
  }
  return event;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true });
  });

export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookResult> {
  const { signWebhook } = (await import('@kallglot/client')) as {
    signWebhook: (o: { payload: string; secret: string; timestamp?: number }) => Promise<string>;
  };
  const model = options.model ?? loadOpenApiModel(options.openapiPath);
  const event = options.payload ?? buildWebhookEvent(model, options.event, options.data);
  const body = JSON.stringify(event);
  const webhookId = `wh_del_${ulidLike()}`;
  const original = Math.floor(Date.now() / 1000);
  const maxAttempts = Math.min(options.maxAttempts ?? RETRY_SCHEDULE_MS.length, RETRY_SCHEDULE_MS.length);
  const scale = options.timeScale ?? 1;
  const attempts: WebhookAttempt[] = [];
  for (let i = 0; i < maxAttempts; i++) {
    let delayMs = RETRY_SCHEDULE_MS[i]! * scale;
    if (delayMs > 0 && options.jitter !== false) delayMs *= 0.9 + Math.random() * 0.2;
    if (delayMs > 0) await sleep(delayMs, options.signal);
    const a: WebhookAttempt = { attempt: i + 1, retryCount: i, delayMs: Math.round(delayMs) };
    try {
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = await signWebhook({ payload: body, secret: options.secret, timestamp });
      const res = await fetch(options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'kallglot-mock-webhooks/1.0',
          'Kallglot-Signature': signature,
          'Kallglot-Webhook-Id': webhookId,
          'Kallglot-Retry-Count': String(i),
          'Kallglot-Original-Timestamp': String(original),
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      a.status = res.status;
    } catch (e) {
      a.error = (e as Error).message;
    }
    attempts.push(a);
    options.onAttempt?.(a);
    if (a.status !== undefined && a.status >= 200 && a.status < 300) return { delivered: true, webhookId, event, attempts };
  }
  return { delivered: false, webhookId, event, attempts };
}
