// One request's changes to engine state, undone if the request fails before its answer is built. While a journal
// is open, maps and the clock record how to undo each write, and events wait: they are emitted (and so delivered
// as webhooks) only when the request commits. A failed request therefore leaves nothing behind.
import type { Tenant } from './tenants.js';

export class Journal {
  private undo: (() => void)[] = [];
  private deferred: (() => void)[] = [];
  private open = false;

  get active(): boolean {
    return this.open;
  }

  begin(): void {
    this.open = true;
    this.undo.length = 0;
    this.deferred.length = 0;
  }

  /** How to take back a write just made (ignored outside a request). */
  onUndo(fn: () => void): void {
    if (this.open) this.undo.push(fn);
  }

  /** Run `fn` when the request commits (at once outside a request). */
  defer(fn: () => void): void {
    if (this.open) this.deferred.push(fn);
    else fn();
  }

  /** `fn` as one request: its writes are kept if it returns, undone if it throws. */
  run<R>(fn: () => R): R {
    this.begin();
    try {
      const r = fn();
      this.commit();
      return r;
    } catch (e) {
      this.rollback();
      throw e;
    }
  }

  commit(): void {
    this.open = false;
    this.undo.length = 0;
    if (!this.deferred.length) return;
    const later = this.deferred.splice(0);
    for (const fn of later) fn();
  }

  rollback(): void {
    const undo = this.undo.splice(0);
    this.deferred.length = 0;
    this.open = false;
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
  }
}

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);

/** Put `into` back to the field values of `from` (same object identity). */
function putBack(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const k of Object.keys(into)) if (!(k in from)) delete into[k];
  Object.assign(into, from);
}

/** Copies a record's fields (one level into nested objects and arrays) and returns how to restore it in place. */
export function restorable(rec: object): () => void {
  const target = rec as Record<string, unknown>;
  const fields = { ...target };
  const nested: [Record<string, unknown>, Record<string, unknown>][] = [];
  const arrays: [unknown[], unknown[]][] = [];
  for (const v of Object.values(fields)) {
    if (isPlain(v)) nested.push([v, { ...v }]);
    else if (Array.isArray(v)) arrays.push([v, [...v]]);
  }
  return () => {
    putBack(target, fields);
    for (const [obj, copy] of nested) putBack(obj, copy);
    for (const [arr, copy] of arrays) {
      arr.length = 0;
      for (const x of copy) arr.push(x);
    }
  };
}

/** What a request may change in place (the tenant's credits, the session or agent it names): restored on rollback. */
export function guardTenant(j: Journal, t: Tenant, params: Record<string, string>): void {
  const { creditsRemaining, creditsUsed } = t;
  j.onUndo(() => Object.assign(t, { creditsRemaining, creditsUsed }));
  const s = params.session_id === undefined ? undefined : t.sessions.get(params.session_id);
  if (s) j.onUndo(restorable(s));
  const a = params.agent_id === undefined ? undefined : t.agents.get(params.agent_id);
  if (a) j.onUndo(restorable(a));
}
