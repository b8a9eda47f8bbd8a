import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // istioctl-heavy suites share two cores; keep file-level parallelism modest.
    maxWorkers: 2,
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
  },
});
