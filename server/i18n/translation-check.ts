// The translation check (issue 31, `npm run i18n:check`, run by the test suite and `npm run lint`):
// every language has every key, no key goes unused, placeholders agree between languages, every
// plural has each form the language's CLDR rules need, and no template shows English outside {{t}}.
// A language is offered (common/languages.ts) only when this check finds nothing missing in it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

type Catalogue = Record<string, unknown>;

export interface CheckInput {
  /** locales/: one folder per language, one JSON file per namespace. */
  localesDir: string;
  /** The source language first; the others are checked against it. */
  languages: readonly string[];
  /** Files whose text names keys ("namespace:path.key"): templates, server and browser code. */
  sourceFiles: string[];
  /** Handlebars templates scanned for words a person reads that are not inside {{t}}. */
  templateFiles: string[];
  /** Keys built at run time ("errors:", "*:vocabulary."): whatever starts so counts as used. */
  dynamicKeyPrefixes: readonly string[];
  /** Text a template may show as it is in every language (the site's name, format names). */
  untranslatableWords: readonly string[];
}

export interface CheckFailure {
  kind: 'missing-key' | 'extra-key' | 'unused-key' | 'placeholder-mismatch' | 'missing-plural-form' | 'english-in-template' | 'empty-string';
  where: string;
  detail: string;
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Every leaf of a namespace's nested object as "path.to.key" → words. */
function flatten(tree: Catalogue, prefix = ''): Map<string, string> {
  const leaves = new Map<string, string>();
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') leaves.set(key, value);
    else if (value && typeof value === 'object') for (const [k, v] of flatten(value as Catalogue, key)) leaves.set(k, v);
  }
  return leaves;
}

/** language → "namespace:key" → words. */
export function readCatalogues(localesDir: string, languages: readonly string[]): Map<string, Map<string, string>> {
  const all = new Map<string, Map<string, string>>();
  for (const language of languages) {
    const keys = new Map<string, string>();
    const dir = path.join(localesDir, language);
    for (const file of readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()) {
      const namespace = file.slice(0, -'.json'.length);
      for (const [key, words] of flatten(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Catalogue)) keys.set(`${namespace}:${key}`, words);
    }
    all.set(language, keys);
  }
  return all;
}

/** A key without its plural suffix: the name code uses ("pages:stories.count"). */
export function baseKey(key: string): string {
  return key.replace(PLURAL_SUFFIX, '');
}

function placeholders(words: string): Set<string> {
  return new Set([...words.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!));
}

/** base key → its forms ("one", "other", or "" for a key with no plural). */
function groupForms(keys: Map<string, string>): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  for (const [key, words] of keys) {
    const form = PLURAL_SUFFIX.exec(key)?.[1] ?? '';
    const base = baseKey(key);
    if (!groups.has(base)) groups.set(base, new Map());
    groups.get(base)!.set(form, words);
  }
  return groups;
}

/** Placeholders a key's forms use together; `count` aside, since a singular may spell it out. */
function groupPlaceholders(forms: Map<string, string>): string {
  const names = new Set<string>();
  for (const words of forms.values()) for (const name of placeholders(words)) if (name !== 'count') names.add(name);
  return [...names].sort().join(', ');
}

function checkCatalogues(catalogues: Map<string, Map<string, string>>, languages: readonly string[]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const [source, ...others] = languages;
  const sourceGroups = groupForms(catalogues.get(source!)!);
  for (const language of languages) {
    const groups = language === source ? sourceGroups : groupForms(catalogues.get(language)!);
    const needed = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
    for (const [base, forms] of groups) {
      for (const [form, words] of forms) {
        if (words.trim() === '') failures.push({ kind: 'empty-string', where: `${language} ${base}${form ? `_${form}` : ''}`, detail: 'no words' });
      }
      if (forms.has('')) continue;
      for (const form of needed) {
        if (!forms.has(form)) failures.push({ kind: 'missing-plural-form', where: `${language} ${base}`, detail: `no _${form} form (${language} needs ${needed.join(', ')})` });
      }
    }
  }
  for (const language of others) {
    const groups = groupForms(catalogues.get(language)!);
    for (const [base, forms] of sourceGroups) {
      const theirs = groups.get(base);
      if (!theirs) {
        failures.push({ kind: 'missing-key', where: `${language} ${base}`, detail: `untranslated: "${[...forms.values()][0]}"` });
        continue;
      }
      const want = groupPlaceholders(forms);
      const have = groupPlaceholders(theirs);
      if (want !== have) failures.push({ kind: 'placeholder-mismatch', where: `${language} ${base}`, detail: `has {{${have}}}, English has {{${want}}}` });
    }
    for (const base of groups.keys()) {
      if (!sourceGroups.has(base)) failures.push({ kind: 'extra-key', where: `${language} ${base}`, detail: 'not in the source language' });
    }
  }
  return failures;
}

function checkUsage(sourceKeys: Map<string, string>, sourceFiles: string[], dynamicKeyPrefixes: readonly string[]): CheckFailure[] {
  const text = sourceFiles.map((file) => readFileSync(file, 'utf8')).join('\n');
  const named = new Set([...text.matchAll(/["'`]([A-Za-z][\w-]*:[\w.-]+)["'`]/g)].map((m) => m[1]!));
  const failures: CheckFailure[] = [];
  for (const base of new Set([...sourceKeys.keys()].map(baseKey))) {
    const [namespace = '', key = ''] = base.split(':');
    const dynamic = dynamicKeyPrefixes.some((prefix) => base.startsWith(prefix) || (prefix.startsWith('*:') && key.startsWith(prefix.slice(2))));
    if (!dynamic && !named.has(base)) failures.push({ kind: 'unused-key', where: base, detail: `no file names "${namespace}:${key}"` });
  }
  return failures;
}

// Attributes whose value a person reads or hears.
const READ_ATTRIBUTES = /\s(?:alt|title|placeholder|aria-label|aria-description|aria-roledescription|label)\s*=\s*"([^"]*)"/g;

/** Words a template shows outside {{t}}: its text and read attributes, with every {{…}} taken out. */
export function englishInTemplate(template: string, untranslatableWords: readonly string[]): string[] {
  const withoutComments = template.replace(/\{\{!--[\s\S]*?--\}\}/g, '').replace(/\{\{![\s\S]*?\}\}/g, '');
  const withoutCode = withoutComments.replace(/<(code|script|style)\b[^>]*>[\s\S]*?<\/\1>/g, '');
  // Mustaches become a neutral mark, so that a tag holding one still reads as a tag.
  const plain = withoutCode.replace(/\{\{\{[\s\S]*?\}\}\}|\{\{[\s\S]*?\}\}/g, '\u0000');
  const found: string[] = [];
  const consider = (piece: string) => {
    let rest = piece.replace(/\u0000/g, ' ');
    for (const word of untranslatableWords) rest = rest.split(word).join(' ');
    if (/[A-Za-z]{2,}/.test(rest))
      found.push(
        piece
          .replace(/\u0000/g, '{{…}}')
          .replace(/\s+/g, ' ')
          .trim(),
      );
  };
  for (const tag of plain.matchAll(/<[^>]*>/g)) for (const attribute of tag[0].matchAll(READ_ATTRIBUTES)) consider(attribute[1]!);
  for (const text of plain.replace(/<[^>]*>/g, '\u0001').split('\u0001')) consider(text);
  return found;
}

export function runTranslationCheck(input: CheckInput): CheckFailure[] {
  const catalogues = readCatalogues(input.localesDir, input.languages);
  const failures = checkCatalogues(catalogues, input.languages);
  failures.push(...checkUsage(catalogues.get(input.languages[0]!)!, input.sourceFiles, input.dynamicKeyPrefixes));
  for (const file of input.templateFiles) {
    for (const words of englishInTemplate(readFileSync(file, 'utf8'), input.untranslatableWords)) {
      failures.push({ kind: 'english-in-template', where: file, detail: `"${words}" is not inside {{t}}` });
    }
  }
  return failures;
}

/** Every file under `dir` whose name ends with one of `endings`. */
export function filesUnder(dir: string, endings: readonly string[]): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return filesUnder(full, endings);
      return endings.some((ending) => name.endsWith(ending)) ? [full] : [];
    });
}
