import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser tests start Chromium; two cores do not gain from more parallel files.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
