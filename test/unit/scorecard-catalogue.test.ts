// The words of issue 32 (locales/<language>/scorecard.json and accountV3.json): every key in all
// three languages, every scorecard row worded, and the English of version 3 the form's own words.
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../common/languages.js';
import { factGroups, factQuestions, scorecardPrinciples } from '../../common/vocabulary.js';
import * as vocabularies from '../../common/vocabulary.js';
import { readCatalogueFiles } from '../../server/i18n/catalogue.js';
import { SCORECARD_QUESTIONS } from '../../server/publishing/platforms.js';

const catalogue = readCatalogueFiles();
type Tree = { [key: string]: string | Tree };
const keysOf = (tree: Tree, prefix = ''): string[] => Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));
const namespace = (language: string, name: string) => catalogue[language]![name] as Tree;

describe('the scorecard and version-3 words', () => {
  it.each(['scorecard', 'accountV3'])('%s has the same keys in every language, none empty', (name) => {
    const english = keysOf(namespace('en', name)).sort();
    for (const language of LANGUAGES) {
      expect(keysOf(namespace(language, name)).sort(), language).toEqual(english);
      for (const key of english) expect(key.split('.').reduce<Tree | string>((t, k) => (t as Tree)[k]!, namespace(language, name)), `${language} ${key}`).not.toBe('');
    }
  });

  it('words every scorecard row and principle', () => {
    const words = namespace('en', 'scorecard');
    for (const row of SCORECARD_QUESTIONS) expect(Object.keys((words.questions as Tree)[row.key] as Tree).sort(), row.key).toEqual(['asked', 'counts', 'short']);
    expect(Object.keys(words.principles as Tree).sort()).toEqual([...scorecardPrinciples.keys].sort());
  });

  it('keeps the English of version 3 as the form says it (vocabulary.ts is the source)', () => {
    const english = namespace('en', 'accountV3');
    for (const q of factQuestions.filter((q) => q.since === 3)) expect((english.questions as Tree)[q.key]).toEqual({ label: q.label, hint: q.hint });
    expect(english.factGroups).toEqual({ hiring: factGroups.labelOf('hiring'), treatment: factGroups.labelOf('treatment') });
    for (const [name, terms] of Object.entries(english.vocabulary as Record<string, Tree>)) {
      const vocabulary = vocabularies[name as keyof typeof vocabularies] as { labelOf(key: string): string };
      for (const [key, label] of Object.entries(terms)) expect(label, `${name}.${key}`).toBe(vocabulary.labelOf(key));
    }
  });
});
