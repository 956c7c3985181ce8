// Shared Vitest settings: every workspace writes a JSON report that scripts/run-tests.mjs sums for CI.
export const sharedTestConfig = {
  reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // Servers in tests bind to 127.0.0.1 on port 0; files run one at a time to keep the 2-core machine calm.
  fileParallelism: false,
};
