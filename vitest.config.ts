import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs neither the build nor a database (the fast loop); `api` talks to a
// real database and runs on each kind in CI; `browser` drives Chromium and runs once, since what it
// tests (the pages) does not depend on the database kind, which `api` covers.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser tests start Chromium; two cores do not gain from more parallel files.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'api',
          include: ['test/api/**/*.test.ts', 'test/journeys/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts', 'test/support/database-template.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts', 'test/support/database-template.ts'],
        },
      },
    ],
  },
});
