// State change → webhook event, shaped like the spec's webhook payloads. The log is bounded; listeners
// (the webhook dispatcher, the stream adapter) are told of each event as it happens.
import { newId } from './ids.js';
import type { JsonObject } from './types.js';

export interface EngineEvent {
  id: string;
  type: string;
  tenant: string;
  sessionId?: string;
  createdAt: number;
  payload: JsonObject;
}

export class EventLog {
  private events: EngineEvent[] = [];
  private listeners = new Set<(e: EngineEvent) => void>();
  dropped = 0;

  constructor(readonly cap: number) {}

  emit(tenant: string, type: string, data: JsonObject, now: number, sessionId?: string): EngineEvent {
    const id = newId('evt', now);
    const payload: JsonObject = { id, object: 'webhook_event', type, api_version: 'v1', created_at: new Date(now).toISOString(), data };
    const ev: EngineEvent = { id, type, tenant, sessionId, createdAt: now, payload };
    this.events.push(ev);
    if (this.events.length > this.cap) {
      this.events.splice(0, this.events.length - this.cap);
      this.dropped++;
    }
    for (const l of this.listeners) l(ev);
    return ev;
  }

  on(fn: (e: EngineEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  list(filter: { tenant?: string; sessionId?: string; type?: string } = {}): EngineEvent[] {
    return this.events.filter((e) => (!filter.tenant || e.tenant === filter.tenant) && (!filter.sessionId || e.sessionId === filter.sessionId) && (!filter.type || e.type === filter.type));
  }

  get size(): number {
    return this.events.length;
  }

  dump(): EngineEvent[] {
    return this.events;
  }

  load(events: EngineEvent[]): void {
    this.events = events.slice(-this.cap);
  }

  clear(): void {
    this.events = [];
  }
}
