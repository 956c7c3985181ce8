// The protocol's time sources: the real one (setTimeout + performance.now), and one over the engine's virtual
// clock so a test (or a frozen sandbox) moves a connection's timers with `clock.advance(ms)`.
import type { Clock } from '../engine/clock.js';
import type { StreamTimers } from './types.js';

export const realTimers: StreamTimers = {
  now: () => performance.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const TASK = 'stream.timer';

/** Timers that are clock tasks: they fire when the clock passes their due time (`advance`, `runDue`). */
export function clockTimers(clock: Clock): StreamTimers {
  const pending = new Map<number, () => void>();
  let next = 0;
  clock.on(TASK, (args) => {
    const id = args.id as number;
    const fn = pending.get(id);
    pending.delete(id);
    fn?.();
  });
  return {
    now: () => clock.now(),
    set(fn, ms) {
      const id = ++next;
      pending.set(id, fn);
      clock.schedule(clock.now() + Math.max(0, ms), TASK, { id });
      return id;
    },
    clear(h) {
      if (!pending.delete(h as number)) return;
      clock.cancel((t) => t.kind === TASK && t.args.id === h);
    },
  };
}
