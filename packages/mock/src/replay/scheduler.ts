// Real time for a replay: timers on the host's clock, recorded delays divided by the speed (`--time-scale`:
// 2 = twice as fast, 0 = no waiting). Every pending timer is tracked so `dispose()` leaves nothing behind.
import type { ReplayScheduler } from './stream.js';

export interface RealScheduler extends ReplayScheduler {
  /** Factor the replayers multiply recorded delays by (1 / speed; 0 when speed is 0). */
  readonly factor: number;
  dispose(): void;
}

/** Pending timers at most (a cassette's frames and deliveries are bounded, so this is a safety cap). */
const MAX_TIMERS = 1_000_000;

export function realScheduler(speed = 1): RealScheduler {
  if (!Number.isFinite(speed) || speed < 0) throw new RangeError(`time scale must be a non-negative number, got ${speed}`);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  return {
    factor: speed === 0 ? 0 : 1 / speed,
    now: () => performance.now(),
    setTimer(delayMs, run) {
      if (timers.size >= MAX_TIMERS) throw new RangeError(`more than ${MAX_TIMERS} replay timers pending`);
      const t = setTimeout(() => {
        timers.delete(t);
        run();
      }, Math.max(0, delayMs));
      timers.add(t);
      return () => {
        clearTimeout(t);
        timers.delete(t);
      };
    },
    dispose() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
