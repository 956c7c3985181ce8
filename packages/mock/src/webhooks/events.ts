// Webhook events from the spec: the documented event types, and a fresh event built from a type's example.
import type { JsonObject } from '../internal/schema.js';
import type { OpenApiModel } from '../internal/openapi-model.js';
import { loadOpenApiModel } from '../internal/load-openapi-model.js';
import { ulid } from '../engine/ids.js';

/** The event types the spec documents, each with its example. */
export function webhookEventTypes(model: OpenApiModel = loadOpenApiModel()): string[] {
  return [...model.webhookExamples.keys()];
}

/** The spec's example of `type` with a fresh id and `created_at`; `data` is merged in if the schema still accepts it. */
export function buildWebhookEvent(model: OpenApiModel, type: string, data?: Record<string, unknown>): Record<string, unknown> {
  const example = model.webhookExamples.get(type);
  if (!example) throw new Error(`Unknown webhook event '${type}'. Known: ${webhookEventTypes(model).join(', ')}`);
  const event = structuredClone(example) as JsonObject;
  if ('id' in event) event.id = `evt_${ulid(Date.now())}`;
  if ('created_at' in event) event.created_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (data && event.data && typeof event.data === 'object') {
    const merged = { ...event, data: { ...(event.data as JsonObject), ...(data as JsonObject) } };
    const v = model.webhookValidators.get(type);
    if (!v || v(merged)) return merged;
  }
  return event;
}
