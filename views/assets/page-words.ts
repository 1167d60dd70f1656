// Words a page carries for its scripts, in the page's language only (issue 31): bundles carry no
// English. Two carriers, one reading: the public and source pages' <script type="application/json"
// id="page-words"> data block (never run, so CSP and Trusted Types have nothing to say), and the
// console's <template id="…" data-words='{"language": …, "words": {…}}'>. i18next's {{name}}
// placeholders and CLDR plural suffixes (key_one, key_other…) are honoured as i18next does.
import { isLanguage, SOURCE_LANGUAGE, type Language } from '../../common/languages.js';

type Words = Record<string, string>;
type Values = Record<string, string | number>;

export interface PageWords {
  language: Language;
  /** The words of `key` with `values` filled (count picks the plural form), or undefined when the page has none. */
  words(key: string, values?: Values): string | undefined;
}

function wordsIn(language: Language, all: Words): PageWords {
  const plurals = new Intl.PluralRules(language);
  return {
    language,
    words(key, values = {}) {
      const count = values.count;
      const template = (typeof count === 'number' ? (all[`${key}_${plurals.select(count)}`] ?? all[`${key}_other`]) : undefined) ?? all[key];
      // A placeholder without a value stays visible rather than vanishing.
      return template?.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
    },
  };
}

/** The words a console page carries in the data-words attribute of element `id`. */
export function readPageWords(id: string): PageWords {
  let carried: { language?: unknown; words?: Words } = {};
  // No document (a module run under Node): no words, and each caller's fallback shows.
  const json = typeof document === 'undefined' ? undefined : document.getElementById(id)?.dataset.words;
  if (json) carried = JSON.parse(json) as typeof carried;
  return wordsIn(isLanguage(carried.language) ? carried.language : SOURCE_LANGUAGE, carried.words ?? {});
}

let publicPageWords: PageWords | undefined;

/** The words of `key` ("namespace:path") from the page's #page-words block; the key itself when absent. */
export function word(key: string, values: Values = {}): string {
  if (!publicPageWords) {
    const lang = document.documentElement.lang;
    publicPageWords = wordsIn(isLanguage(lang) ? lang : SOURCE_LANGUAGE, JSON.parse(document.getElementById('page-words')?.textContent ?? '{}') as Words);
  }
  return publicPageWords.words(key, values) ?? key;
}
