// `npm run i18n:check`: the translation check (server/i18n/translation-check.ts) on this
// repository; prints each failure and exits 1 when there is any.
import { projectCheckInput } from '../server/i18n/project-translations.js';
import { runTranslationCheck } from '../server/i18n/translation-check.js';
import { projectRoot } from '../server/paths.js';

const failures = runTranslationCheck(projectCheckInput(projectRoot));
for (const { kind, where, detail } of failures) console.error(`${kind}: ${where}: ${detail}`);
if (failures.length > 0) {
  console.error(`i18n:check: ${failures.length} problem(s); docs/translating.md says how to fix them.`);
  process.exit(1);
}
console.log('i18n:check: every language complete, every key used, no English left in a template.');
