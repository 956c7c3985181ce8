// The MSW adapter's webhook sink: every engine event becomes a delivery with the same headers the node
// dispatcher sends (wh_del_… id, retry count, original timestamp, signature a receiver verifies with
// verifyWebhook), handed to a callback and to an async event stream. Bounded queue. Browser-safe.
import type { WebhookEvent } from '@kallglot/client';
import type { Engine, EngineEvent } from '../engine/index.js';
import { deliveryForEvent, deliveryHeaders } from './delivery.js';

export interface DeliveredWebhook {
  /** The event id (`evt_…`); the delivery id is `headers['Kallglot-Webhook-Id']`. */
  id: string;
  type: WebhookEvent['type'];
  /** The exact JSON text that was signed: verify against this, not a re-serialisation. */
  body: string;
  payload: WebhookEvent;
  headers: Record<string, string>;
  secret: string;
}

export interface WebhookSinkOptions {
  secret: string;
  onWebhook?: (w: DeliveredWebhook) => void | Promise<void>;
  /** Undelivered events kept for `events()` readers at most (oldest dropped). Default 1000. */
  cap?: number;
}

export class WebhookSink {
  private readonly queue: DeliveredWebhook[] = [];
  private readonly waiters: ((w: DeliveredWebhook) => void)[] = [];
  private pending = new Set<Promise<void>>();
  private readonly off: () => void;
  readonly delivered: DeliveredWebhook[] = [];

  constructor(engine: Engine, private readonly opts: WebhookSinkOptions) {
    this.off = engine.onEvent((ev) => this.accept(ev));
  }

  private accept(ev: EngineEvent): void {
    const delivery = deliveryForEvent(ev);
    const p = deliveryHeaders(delivery, this.opts.secret, 0).then(async (headers) => {
      const w: DeliveredWebhook = { id: ev.id, type: ev.type as DeliveredWebhook['type'], body: delivery.body, payload: ev.payload as unknown as WebhookEvent, headers, secret: this.opts.secret };
      const cap = this.opts.cap ?? 1000;
      if (this.delivered.length >= cap) this.delivered.shift();
      this.delivered.push(w);
      const waiter = this.waiters.shift();
      if (waiter) waiter(w);
      else {
        if (this.queue.length >= cap) this.queue.shift();
        this.queue.push(w);
      }
      await this.opts.onWebhook?.(w);
    });
    const tracked = p.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Every delivered webhook, as an async stream (`for await (const w of handlers.webhooks.events())`). */
  async *events(): AsyncGenerator<DeliveredWebhook> {
    for (;;) yield this.queue.shift() ?? (await new Promise<DeliveredWebhook>((r) => this.waiters.push(r)));
  }

  /** The next webhook of `type` (already delivered ones count), or a rejection after `timeoutMs`. */
  async next(type?: DeliveredWebhook['type'], timeoutMs = 5000): Promise<DeliveredWebhook> {
    const hit = () => this.delivered.find((w) => !type || w.type === type);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = hit();
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type ?? 'webhook'} within ${timeoutMs} ms`);
      await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => setTimeout(r, 10))]);
    }
  }

  /** Wait until every signature and callback in progress has settled. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  clear(): void {
    this.queue.length = 0;
    this.delivered.length = 0;
  }

  close(): void {
    this.off();
  }
}
