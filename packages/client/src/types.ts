// Hand-written type helpers over the generated OpenAPI types.
import type { components, paths, webhooks } from './generated/openapi.js';
import type { Readable } from 'openapi-typescript-helpers';

export type { components, paths, webhooks, operations } from './generated/openapi.js';

/** A component schema by name, as the API returns it (writeOnly fields removed). */
export type Schema<Name extends keyof components['schemas']> = Readable<components['schemas'][Name]>;

type WebhookBody<W> = W extends { post?: infer Op }
  ? NonNullable<Op> extends { requestBody?: infer RB }
    ? NonNullable<RB> extends { content: { 'application/json': infer B } }
      ? B
      : never
    : never
  : never;

/** Every webhook payload the spec documents, discriminated on `type`. Generated from the spec's `webhooks`. */
export type WebhookEvent = Readable<{ [K in keyof webhooks]: WebhookBody<webhooks[K]> }[keyof webhooks]>;

/** The event types (`session.ended`, ...). */
export type WebhookEventType = WebhookEvent['type'];

/** Narrow `WebhookEvent` to one type: `WebhookEventOf<'session.ended'>`. */
export type WebhookEventOf<T extends WebhookEventType> = Extract<WebhookEvent, { type: T }>;

export type { paths as KallglotPaths };
