// Words a page carries for its script, in one language only: a slice of one namespace, flattened
// to "path.key" → template, as the JSON views/assets/page-words.ts reads. English fills any key
// the language lacks, as i18next does on the server.
import { SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import { readCatalogueFiles } from './catalogue.js';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [[`${prefix}${key}`, value]] : flatten(value, `${prefix}${key}.`)));
}

let resources: ReturnType<typeof readCatalogueFiles> | undefined;
const rendered = new Map<string, string>();

/** {language, words} for the keys of `namespace` that `keep` accepts (cached per slice and language). */
export function pageWordsJson(language: Language, namespace: string, slice: string, keep: (key: string) => boolean): string {
  const cacheKey = `${language}\u0000${namespace}\u0000${slice}`;
  let json = rendered.get(cacheKey);
  if (json === undefined) {
    resources ??= readCatalogueFiles();
    const pick = (lang: Language) => flatten((resources![lang]?.[namespace] ?? {}) as Tree).filter(([key]) => keep(key));
    json = JSON.stringify({ language, words: Object.fromEntries([...pick(SOURCE_LANGUAGE), ...pick(language)]) });
    rendered.set(cacheKey, json);
  }
  return json;
}
