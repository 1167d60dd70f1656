import { defineConfig } from 'vitest/config';

// `npm run test:tor` only (issue 25): a private Tor network takes a minute or two to come up, too
// long for `npm test`, whose config does not include test/tor/.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/tor/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    globalSetup: ['test/support/global-setup.ts', 'test/support/database-template.ts'],
    reporters: ['default'],
  },
});
