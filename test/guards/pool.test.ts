// test/helpers/pool.ts: never more than `width` jobs at once, every job runs, failures reach their caller only.
import { expect, it } from 'vitest';
import { pool } from '../helpers/pool.ts';

it('runs at most width jobs at once, in order, and frees the slot of a failed job', async () => {
  const run = pool(2);
  let active = 0;
  let peak = 0;
  const started: number[] = [];
  const gates = Array.from({ length: 5 }, () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  });
  const jobs = gates.map((g, i) =>
    run(async () => {
      started.push(i);
      active += 1;
      peak = Math.max(peak, active);
      await g.promise;
      active -= 1;
      if (i === 1) throw new Error('job 1 failed');
      return i;
    }),
  );
  const settled = Promise.allSettled(jobs);
  await Promise.resolve();
  expect(started).toEqual([0, 1]);
  for (const g of gates) {
    g.resolve();
    await new Promise((r) => setImmediate(r));
  }
  const results = await settled;
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([0, 'job 1 failed', 2, 3, 4]);
  expect(started).toEqual([0, 1, 2, 3, 4]);
  expect(peak).toBe(2);
});
