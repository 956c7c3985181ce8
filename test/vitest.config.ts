import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.mjs';

// Vitest 5's failure summary calls Map.groupBy (Node >= 21); on Node 20 it crashes and hides the failure.
if (typeof (Map as unknown as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    configurable: true,
    writable: true,
    value<K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> {
      const out = new Map<K, V[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        const list = out.get(k);
        if (list) list.push(item);
        else out.set(k, [item]);
      }
      return out;
    },
  });
}

export default defineConfig({
  test: {
    ...sharedTestConfig,
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test-output/**'],
  },
});
