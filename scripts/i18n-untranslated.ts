// `npm run i18n:untranslated`: per language, the strings still to translate (missing from it),
// and those that read exactly as in English (often right — "Total", "CSV" — but worth a look).
import { LANGUAGES, SOURCE_LANGUAGE } from '../common/languages.js';
import { baseKey, readCatalogues } from '../server/i18n/translation-check.js';
import { localesDir } from '../server/paths.js';

const catalogues = readCatalogues(localesDir, LANGUAGES);
const english = catalogues.get(SOURCE_LANGUAGE)!;
for (const language of LANGUAGES.filter((l) => l !== SOURCE_LANGUAGE)) {
  const theirs = catalogues.get(language)!;
  const translatedBases = new Set([...theirs.keys()].map(baseKey));
  const missing = [...english].filter(([key]) => !translatedBases.has(baseKey(key)));
  const same = [...english].filter(([key, words]) => theirs.get(key) === words && /[A-Za-z]{2,}/.test(words));
  const total = new Set([...english.keys()].map(baseKey)).size;
  const done = total - new Set(missing.map(([key]) => baseKey(key))).size;
  console.log(`${language}: ${done} of ${total} strings translated (${Math.floor((done / total) * 100)} %)`);
  for (const [key, words] of missing) console.log(`  untranslated  ${key}  "${words}"`);
  for (const [key, words] of same) console.log(`  same as English  ${key}  "${words}"`);
}
