// The console's words (namespace moderation) are complete in every language: every key a console
// template or script asks for exists in en, es and pt-BR with the same placeholders and every
// plural form the language has, and no key is left that nothing asks for.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../common/languages.js';
import { readCatalogueFiles } from '../../server/i18n/catalogue.js';

type Tree = { [key: string]: string | Tree };
const resources = readCatalogueFiles();
const moderationIn = (language: string) => resources[language]!.moderation as Tree;
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : flatten(value, `${prefix}${key}.`)));
const PLURAL = /_(zero|one|two|few|many|other)$/;
const placeholders = (words: string) =>
  [...words.matchAll(/\{\{(\w+)\}\}/g)]
    .map((m) => m[1])
    .filter((name) => name !== 'count')
    .sort();

const read = (file: string) => readFileSync(file, 'utf8');
const templates = [
  'views/layouts/main.hbs',
  ...readdirSync('views/pages/mod').map((name) => path.join('views/pages/mod', name)),
  ...readdirSync('views/partials')
    .filter((name) => name.startsWith('moderation-'))
    .map((name) => path.join('views/partials', name)),
];
const scripts = readdirSync('views/assets/moderation').map((name) => path.join('views/assets/moderation', name));

function keysAsked(): Set<string> {
  const asked = new Set<string>();
  for (const file of templates) for (const [, key] of read(file).matchAll(/\{\{\{?t "moderation:([\w.]+)"/g)) asked.add(key!);
  for (const file of scripts) for (const [, key] of read(file).matchAll(/consoleWord\(\s*'([\w.]+)'/g)) asked.add(`script.${key}`);
  // Keys built from data: the identifier kinds, and the two summaries chosen by a condition.
  for (const kind of ['name', 'email', 'phone', 'url', 'handle', 'date', 'money', 'watch_list']) asked.add(`script.marks.kinds.${kind}`);
  for (const key of [
    'script.marks.summary',
    'script.marks.summaryDismissed',
    'script.team.sealTo',
    'script.team.anAdministrator',
    'script.team.notVerified',
    'script.files.picture',
    'script.queue.nobody',
  ])
    asked.add(key);
  // The routes: page titles by view, the queue's first tab.
  for (const view of ['login', 'enrol', 'queue', 'submission', 'stories', 'passkeys', 'team', 'audit']) asked.add(`titles.${view}`);
  asked.add('queue.toDecide');
  // The console's vocabularies (statuses, audit actions…) are labelled from the one vocabulary
  // catalogue (vocabulary:<name>.<key>), checked term by term in vocabulary-labels.test.ts.
  return asked;
}

describe('the console words', () => {
  it('has every key the console asks for, in every language, with each plural form that language has', () => {
    for (const language of LANGUAGES) {
      const keys = new Map(flatten(moderationIn(language)));
      const forms = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      for (const key of keysAsked()) {
        const plural = !keys.has(key) && keys.has(`${key}_other`);
        const missing = plural ? forms.filter((form) => !keys.has(`${key}_${form}`)).map((form) => `${key}_${form}`) : keys.has(key) ? [] : [key];
        expect(missing, `${language}`).toEqual([]);
      }
    }
  });

  it('leaves no key that nothing asks for, and keeps English placeholders in every language', () => {
    const asked = keysAsked();
    const english = new Map(flatten(moderationIn('en')));
    for (const language of LANGUAGES) {
      for (const [key, words] of flatten(moderationIn(language))) {
        expect(asked.has(key.replace(PLURAL, '')) || asked.has(key), `${language} ${key} is asked for`).toBe(true);
        const source = english.get(key) ?? english.get(key.replace(PLURAL, '_other'));
        expect(source, `${language} ${key} exists in English`).toBeDefined();
        expect(placeholders(words), `${language} ${key}`).toEqual(placeholders(source!));
        if (language !== 'en' && words.length > 24) expect(words, `${language} ${key} is translated`).not.toBe(source);
      }
    }
  });
});
