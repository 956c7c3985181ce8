// A small job pool: at most `width` jobs run at once, the rest wait in order. Used where independent programs
// (the consumer matrix in test/release/publish.test.ts) can share the 2-core machine without crowding it.
export type Pool = <T>(job: () => Promise<T>) => Promise<T>;

export function pool(width: number): Pool {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (job) => {
    // A finished job hands its slot straight to the next waiting one, so no newcomer can slip in between.
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await job();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
