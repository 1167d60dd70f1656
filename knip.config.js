// Unused files, exports and dependencies (`npm run lint`). Entries are what runs: the server, the
// scripts, the migrations (listed by migrations/index.ts), each browser bundle (read from
// scripts/build.mjs, the one list of them) and the tests.
import { BROWSER_ENTRIES } from './scripts/build.mjs';

export default {
  entry: [
    'server/main.ts',
    'scripts/*.{ts,mjs}',
    'scripts/bench/*.{ts,mjs}',
    'migrations/0*.ts',
    'test/fixtures/migrations/*.ts',
    ...BROWSER_ENTRIES.filter((entry) => entry.endsWith('.ts')),
    'test/**/*.test.ts',
    'test/support/*.ts',
  ],
  project: ['common/**/*.ts', 'server/**/*.ts', 'migrations/**/*.ts', 'scripts/**/*.{ts,mjs}', 'views/assets/**/*.ts', 'test/**/*.ts'],
  ignore: ['test/fixtures/lint/**', 'test/fixtures/i18n/**'],
  // An export its own file uses is part of that file's design, not dead code.
  ignoreExportsUsedInFile: true,
  // System programs the tests run (Debian packages, installed by .ci/run), not npm packages; and
  // wrk, bench:feed's load generator when installed (apt-get install wrk).
  ignoreBinaries: ['mount', 'umount', 'exiftool', 'redis-server', 'tor', 'tor-gencert', 'wrk'],
  rules: {
    // Two names for one function on purpose: sealAccount = sealPaddedJson (what intake calls it),
    // unwrapSeed = wrapSeed (XOR is its own inverse; the caller says which way it means).
    duplicates: 'off',
  },
};
