// `for await (const m of stream)`: one bounded buffer per iterator. Past `limit` unread messages the oldest is
// dropped, like a live feed (the newest transcripts matter most), and reported without flooding the listeners.
import type { StreamWarning } from '../errors.js';
import type { ServerMessage } from '../generated/messages.js';

export interface IteratorEntry {
  push(m: ServerMessage): void;
  finish(e?: Error): void;
}

export interface IteratorHost {
  /** The stream has already closed (with `closeError`, if it failed). */
  closed: boolean;
  closeError: Error | undefined;
  limit: number;
  add(entry: IteratorEntry): void;
  remove(entry: IteratorEntry): void;
  warn(w: StreamWarning): void;
}

function overflowWarning(dropped: number, totalDropped: number, limit: number): StreamWarning {
  return { kind: 'overflow', dropped, totalDropped, limit, message: `for await fell more than ${limit} messages behind; dropped the oldest (${totalDropped} so far)` };
}

export function createMessageIterator(host: IteratorHost): AsyncIterator<ServerMessage> {
  const buffered: ServerMessage[] = [];
  let waiter: { resolve: (r: IteratorResult<ServerMessage>) => void; reject: (e: Error) => void } | undefined;
  let done = host.closed;
  let failure: Error | undefined = done ? host.closeError : undefined;
  const limit = host.limit;
  let totalDropped = 0;
  let unreported = 0;
  const entry: IteratorEntry = {
    push: (m) => {
      if (waiter) {
        waiter.resolve({ value: m, done: false });
        waiter = undefined;
        return;
      }
      buffered.push(m);
      if (buffered.length <= limit) return;
      // Reported on the first drop and then once per `limit` drops, so a stalled loop cannot flood the listeners.
      buffered.shift();
      totalDropped++;
      unreported++;
      if (totalDropped === 1 || unreported >= limit) {
        host.warn(overflowWarning(unreported, totalDropped, limit));
        unreported = 0;
      }
    },
    finish: (e) => {
      done = true;
      failure = e;
      if (!waiter) return;
      if (e) waiter.reject(e);
      else waiter.resolve({ value: undefined, done: true });
      waiter = undefined;
    },
  };
  if (!done) host.add(entry);
  return {
    next: () => {
      if (buffered.length) return Promise.resolve({ value: buffered.shift()!, done: false });
      if (done) {
        const e = failure;
        failure = undefined; // throw once, then report done
        return e ? Promise.reject(e) : Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
    return: () => {
      host.remove(entry);
      done = true;
      buffered.length = 0;
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}
