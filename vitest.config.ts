import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { SEARCHER_LOG_LEVEL: 'silent' },
    benchmark: { include: ['test/**/*.bench.ts', 'src/**/*.bench.ts'] },
  },
});
