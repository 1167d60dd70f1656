// Words a page carries for its script, in the page's language only: the server renders them into
// <template id="…" data-words='{"language": …, "words": {key: template}}'>; i18next's {{name}}
// placeholders and CLDR plural suffixes (key_one, key_other…) are honoured here.
import { isLanguage, SOURCE_LANGUAGE, type Language } from '../../common/languages.js';

export interface PageWords {
  language: Language;
  /** The words of `key` with `values` filled (count picks the plural form), or undefined when the page has none. */
  words(key: string, values?: Record<string, string | number>): string | undefined;
}

export function readPageWords(id: string): PageWords {
  let carried: { language?: unknown; words?: Record<string, string> } = {};
  // No document (a module run under Node): no words, and each caller's fallback shows.
  const json = typeof document === 'undefined' ? undefined : document.getElementById(id)?.dataset.words;
  if (json) carried = JSON.parse(json) as typeof carried;
  const language = isLanguage(carried.language) ? carried.language : SOURCE_LANGUAGE;
  const all = carried.words ?? {};
  const plurals = new Intl.PluralRules(language);
  return {
    language,
    words(key, values = {}) {
      const count = values.count;
      // As i18next: the plural form for a count, else the key itself.
      const template = (typeof count === 'number' ? (all[`${key}_${plurals.select(count)}`] ?? all[`${key}_other`]) : undefined) ?? all[key];
      // A placeholder without a value stays visible rather than vanishing.
      return template?.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
    },
  };
}
