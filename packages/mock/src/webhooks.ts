// Webhook delivery for the sandbox: every engine event is recorded (even with no target), signed with
// @kallglot/client's signWebhook and posted to each --webhook-url, retried on the documented schedule. Retries
// are tasks on the engine's virtual clock, so advancing the clock runs them.
import { BoundedMap } from './engine/bounded.js';
import type { Engine, EngineEvent } from './engine/index.js';
import { ulid } from './engine/ids.js';
import { RETRY_SCHEDULE_MS } from './webhook.js';

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
  /** `Kallglot-Webhook-Id`: one per event, the same on every retry. */
  deliveryId: string;
  tenant: string;
  body: string;
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

type Sign = (o: { payload: string; secret: string; timestamp?: number }) => Promise<string>;

export class WebhookDispatcher {
  private readonly entries: BoundedMap<string, Entry>;
  private readonly off: () => void;
  private sign?: Promise<Sign>;
  private closed = false;

  constructor(
    private readonly engine: Engine,
    private readonly opts: DispatcherOptions,
  ) {
    this.entries = new BoundedMap(opts.cap ?? 10_000);
    this.off = engine.onEvent((ev) => this.record(ev));
    engine.clock.on('webhook.retry', (a) => this.deliver(String(a.eventId), String(a.url), Number(a.attempt)));
  }

  private signer(): Promise<Sign> {
    this.sign ??= import('@kallglot/client').then((m) => (m as unknown as { signWebhook: Sign }).signWebhook);
    return this.sign;
  }

  private headersFor(e: Entry, signature: string, retryCount: number): Record<string, string> {
    return {
      'Content-Type': 'application/json',
      'User-Agent': 'kallglot-mock-webhooks/1.0',
      'Kallglot-Signature': signature,
      'Kallglot-Webhook-Id': e.deliveryId,
      'Kallglot-Retry-Count': String(retryCount),
      'Kallglot-Original-Timestamp': String(Math.floor(Date.parse(e.record.created_at) / 1000)),
    };
  }

  private record(ev: EngineEvent): void {
    const body = JSON.stringify(ev.payload);
    const record: WebhookRecord = { id: ev.id, type: ev.type, created_at: new Date(ev.createdAt).toISOString(), session_id: ev.sessionId, payload: ev.payload, headers: {}, secret: this.opts.secret, deliveries: [] };
    const entry: Entry = { record, deliveryId: `wh_del_${ulid(ev.createdAt)}`, tenant: ev.tenant, body, inFlight: new Set(), signed: Promise.resolve() };
    // Signatures carry real time (receivers check it against their own clock).
    entry.signed = this.signer().then(async (sign) => {
      record.headers = this.headersFor(entry, await sign({ payload: body, secret: this.opts.secret, timestamp: Math.floor(Date.now() / 1000) }), 0);
    });
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
    try {
      const sign = await this.signer();
      const signature = await sign({ payload: e.body, secret: this.opts.secret, timestamp: Math.floor(Date.now() / 1000) });
      const res = await fetch(url, { method: 'POST', headers: this.headersFor(e, signature, attempt), body: e.body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) });
      await res.arrayBuffer().catch(() => undefined);
      d.status = res.status;
    } catch (err) {
      d.error = (err as Error).message.slice(0, 300);
    }
    if (e.record.deliveries.length < 64) e.record.deliveries.push(d);
    const ok = d.status !== undefined && d.status >= 200 && d.status < 300;
    const max = Math.min(this.opts.maxAttempts ?? RETRY_SCHEDULE_MS.length, RETRY_SCHEDULE_MS.length);
    if (!ok && attempt + 1 < max && !this.closed) {
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
