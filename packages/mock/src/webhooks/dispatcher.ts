// The node adapter's webhook sink: every engine event is recorded (even with no target) and posted to each
// --webhook-url, retried on the documented schedule. Retries are tasks on the engine's virtual clock, so
// advancing the clock runs them. Bounded: at most `cap` events and 64 deliveries per event are kept.
import { BoundedMap } from '../engine/bounded.js';
import type { Engine, EngineEvent } from '../engine/index.js';
import { deliveryForEvent, deliveryHeaders, type WebhookDelivery } from './delivery.js';
import { isSuccess, postDelivery } from './post.js';
import { maxAttempts, RETRY_SCHEDULE_MS } from './retry.js';

export interface Delivery {
  url: string;
  attempt: number;
  retry_count: number;
  at: string;
  status?: number;
  error?: string;
}

export interface WebhookRecord {
  id: string;
  type: string;
  created_at: string;
  session_id?: string;
  payload: unknown;
  headers: Record<string, string>;
  secret: string;
  deliveries: Delivery[];
}

interface Entry {
  record: WebhookRecord;
  delivery: WebhookDelivery;
  tenant: string;
  signed: Promise<void>;
  inFlight: Set<Promise<void>>;
}

export interface DispatcherOptions {
  urls: string[];
  secret: string;
  timeoutMs?: number;
  maxAttempts?: number;
  cap?: number;
  log?: (line: string) => void;
}

export class WebhookDispatcher {
  private readonly entries: BoundedMap<string, Entry>;
  private readonly off: () => void;
  private closed = false;
  /** Signatures are made one after another, so posts start in the order the events happened. */
  private signing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: Engine,
    private readonly opts: DispatcherOptions,
  ) {
    this.entries = new BoundedMap(opts.cap ?? 10_000);
    this.off = engine.onEvent((ev) => this.record(ev));
    engine.clock.on('webhook.retry', (a) => this.deliver(String(a.eventId), String(a.url), Number(a.attempt)));
  }

  private record(ev: EngineEvent): void {
    const record: WebhookRecord = { id: ev.id, type: ev.type, created_at: new Date(ev.createdAt).toISOString(), session_id: ev.sessionId, payload: ev.payload, headers: {}, secret: this.opts.secret, deliveries: [] };
    const delivery = deliveryForEvent(ev);
    const entry: Entry = { record, delivery, tenant: ev.tenant, inFlight: new Set(), signed: Promise.resolve() };
    entry.signed = deliveryHeaders(delivery, this.opts.secret, 0).then((h) => void (record.headers = h));
    entry.signed.catch((e: Error) => this.opts.log?.(`webhook signing failed: ${e.message}`));
    this.entries.set(ev.id, entry);
    for (const url of this.opts.urls) this.deliver(ev.id, url, 0);
  }

  private deliver(eventId: string, url: string, attempt: number): void {
    const e = this.entries.get(eventId);
    if (!e || this.closed) return;
    const p = this.post(e, url, attempt).finally(() => e.inFlight.delete(p));
    e.inFlight.add(p);
  }

  private async post(e: Entry, url: string, attempt: number): Promise<void> {
    const d: Delivery = { url, attempt: attempt + 1, retry_count: attempt, at: new Date(this.engine.clock.now()).toISOString() };
    const headers = this.signing.then(() => deliveryHeaders(e.delivery, this.opts.secret, attempt));
    this.signing = headers.catch(() => undefined);
    Object.assign(d, await postDelivery(url, e.delivery, this.opts.secret, attempt, this.opts.timeoutMs ?? 30_000, undefined, headers));
    if (e.record.deliveries.length < 64) e.record.deliveries.push(d);
    if (!isSuccess(d) && attempt + 1 < maxAttempts(this.opts.maxAttempts) && !this.closed) {
      this.engine.clock.schedule(this.engine.clock.now() + RETRY_SCHEDULE_MS[attempt + 1]!, 'webhook.retry', { eventId: e.record.id, url, attempt: attempt + 1 });
    }
  }

  /** Recorded events (oldest first), after their signatures and any delivery in progress have settled. */
  async list(filter: { sessionId?: string; type?: string; tenant?: string } = {}): Promise<WebhookRecord[]> {
    const picked = [...this.entries.values()].filter((e) => (!filter.sessionId || e.record.session_id === filter.sessionId) && (!filter.type || e.record.type === filter.type) && (!filter.tenant || e.tenant === filter.tenant));
    await Promise.allSettled(picked.flatMap((e) => [e.signed, ...e.inFlight]));
    return picked.map((e) => e.record);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  close(): void {
    this.closed = true;
    this.off();
  }
}
