// Words a page's scripts show, in the page's language (issue 31). The server renders this page's
// words, in its language only, into <script type="application/json" id="page-words"> (a data
// block: never run, so the CSP and Trusted Types have nothing to say); bundles carry no English.
type Words = Record<string, string>;
type Values = Record<string, string | number>;

let words: Words | undefined;

function pageWords(): Words {
  words ??= JSON.parse(document.getElementById('page-words')?.textContent ?? '{}') as Words;
  return words;
}

/** The words of `key` ("namespace:path"), {{placeholders}} filled, plural form by `count`. */
export function word(key: string, values: Values = {}): string {
  const all = pageWords();
  const count = values['count'];
  const form = typeof count === 'number' ? new Intl.PluralRules(document.documentElement.lang || 'en').select(count) : undefined;
  const template = (form === undefined ? undefined : (all[`${key}_${form}`] ?? all[`${key}_other`])) ?? all[key] ?? key;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(values[name] ?? ''));
}
