// Rate windows end on virtual time (the tenant's own rule) OR on real time, whichever comes first: with a frozen
// virtual clock (`--time-scale 0`) a window still ends a real window-length after it began, so a test suite that
// passes its quota waits out the real Retry-After and goes on, instead of being locked out for good.
import type { Clock } from './clock.js';
import type { Tenant } from './tenants.js';

export class RealTimeWindows {
  /** Window object → the real time it began (a tenant replaces its window object when one ends). */
  private began = new WeakMap<object, number>();

  /** Count a request for `t` (its headers, or the tenant's 429), ending its window first if real time says so. */
  admit(t: Tenant, clock: Clock, limit: number, windowMs: number): Record<string, string> {
    const real = clock.realTime();
    const now = clock.now();
    const since = this.began.get(t.window);
    if (since !== undefined && real - since >= windowMs) t.window = { start: now, count: 0 };
    try {
      return t.rate(now, limit, windowMs);
    } finally {
      if (!this.began.has(t.window)) this.began.set(t.window, real);
    }
  }
}
