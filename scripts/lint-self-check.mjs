#!/usr/bin/env node
// The lint configuration still catches what it is there for: ESLint, with the project's config, must
// report exactly these errors on the fixtures in test/fixtures/lint/ (which the normal run ignores).
import { ESLint } from 'eslint';

const EXPECTED = {
  'test/fixtures/lint/floating-promise.ts': ['@typescript-eslint/no-floating-promises'],
  'test/fixtures/lint/html-sink.ts': Array(4).fill('no-restricted-syntax'),
};

const eslint = new ESLint({ ignore: false });
let failed = false;
for (const result of await eslint.lintFiles(Object.keys(EXPECTED))) {
  const file = result.filePath.slice(process.cwd().length + 1);
  const found = result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
  if (JSON.stringify(found) !== JSON.stringify(EXPECTED[file])) {
    failed = true;
    console.error(`lint self-check: ${file} should give ${JSON.stringify(EXPECTED[file])}, gave ${JSON.stringify(found)}`);
  }
}
if (failed) process.exit(1);
console.log('lint self-check: the fixtures fail as they should');
