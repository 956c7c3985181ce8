// Webhooks in-process: every engine event, signed with @kallglot/client's signWebhook (the same signature a
// receiver verifies with verifyWebhook), handed to a callback and to an async event stream. Bounded queue.
import { SIGNATURE_HEADER, signWebhook, type WebhookEvent } from '@kallglot/client';
import type { Engine, EngineEvent } from '../engine/index.js';

export interface DeliveredWebhook {
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
    const body = JSON.stringify(ev.payload);
    const p = signWebhook({ payload: body, secret: this.opts.secret, timestamp: Math.floor(Date.now() / 1000) }).then(async (signature) => {
      const w: DeliveredWebhook = {
        id: ev.id,
        type: ev.type as DeliveredWebhook['type'],
        body,
        payload: ev.payload as unknown as WebhookEvent,
        headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature, 'Kallglot-Webhook-Id': ev.id, 'Kallglot-Retry-Count': '0' },
        secret: this.opts.secret,
      };
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
