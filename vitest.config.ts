import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests share one real Redis; each test uses its own key prefix, so files may run in parallel.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
