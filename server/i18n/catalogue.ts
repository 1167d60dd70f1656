// The translation catalogue: i18next over JSON v4 files, locales/<language>/<namespace>.json
// (CLDR plural suffixes _one/_other/…, {{placeholder}} interpolation), the format Weblate
// recommends for i18next. Loaded once at start-up; a missing key falls back to English.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInstance, type i18n, type Resource } from 'i18next';
import { LANGUAGES, SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import { localesDir } from '../paths.js';

export type TranslationValues = Record<string, unknown>;

export function readCatalogueFiles(dir: string = localesDir): Resource {
  const resources: Resource = {};
  for (const language of LANGUAGES) {
    const namespaces: Resource[string] = {};
    for (const file of readdirSync(path.join(dir, language)).filter((name) => name.endsWith('.json'))) {
      namespaces[file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(path.join(dir, language, file), 'utf8')) as Resource[string][string];
    }
    resources[language] = namespaces;
  }
  return resources;
}

function createCatalogue(resources: Resource): i18n {
  const instance = createInstance();
  void instance.init({
    resources,
    lng: SOURCE_LANGUAGE,
    fallbackLng: SOURCE_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    ns: Object.keys(resources[SOURCE_LANGUAGE] ?? {}),
    defaultNS: 'common',
    // Handlebars escapes what a helper returns; escaping here too would show &amp; to readers.
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}

let catalogue: i18n | undefined;

// Words for `key` ("namespace:path.to.key") in `language`; `values` fill {{placeholders}} and
// `count` picks the plural form by the language's CLDR rules.
export function translate(language: Language, key: string, values: TranslationValues = {}): string {
  catalogue ??= createCatalogue(readCatalogueFiles());
  return catalogue.t(key, { ...values, lng: language });
}

/**
 * The words under each of `prefixes` ("submit:browser") in `language`, flat ("submit:browser.x"
 * → words, plural forms as their own keys), for a page's scripts to read: only this page's words.
 */
export function wordsUnder(language: Language, prefixes: readonly string[]): Record<string, string> {
  catalogue ??= createCatalogue(readCatalogueFiles());
  const flat: Record<string, string> = {};
  const collect = (key: string, value: unknown) => {
    if (typeof value === 'string') flat[key] = value;
    else if (value && typeof value === 'object') for (const [name, inner] of Object.entries(value)) collect(`${key}.${name}`, inner);
  };
  for (const prefix of prefixes) {
    const [namespace = '', path = ''] = prefix.split(':');
    collect(prefix, catalogue.getResource(language, namespace, path) ?? catalogue.getResource(SOURCE_LANGUAGE, namespace, path));
  }
  return flat;
}

/** wordsUnder as the JSON a page embeds: "<" escaped, so no "</script>" can end its block early. */
export function pageWordsJson(language: Language, prefixes: readonly string[]): string {
  return JSON.stringify(wordsUnder(language, prefixes)).replace(/</g, '\\u003c');
}
