import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.mjs';

export default defineConfig({
  test: {
    ...sharedTestConfig,
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test-output/**'],
  },
});
