// The words of issue 32 (locales/<language>/scorecard.json, and the
// version-3 terms in vocabulary.json): every key in all three languages, every scorecard row worded.
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../common/languages.js';
import { factQuestions, scorecardPrinciples } from '../../common/vocabulary.js';
import { readCatalogueFiles } from '../../server/i18n/catalogue.js';
import { SCORECARD_QUESTIONS } from '../../server/publishing/platforms.js';

const catalogue = readCatalogueFiles();
type Tree = { [key: string]: string | Tree };
const keysOf = (tree: Tree, prefix = ''): string[] => Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));
const namespace = (language: string, name: string) => catalogue[language]![name] as Tree;

describe('the scorecard and version-3 words', () => {
  it.each(['scorecard'])('%s has the same keys in every language, none empty', (name) => {
    const english = keysOf(namespace('en', name)).sort();
    for (const language of LANGUAGES) {
      expect(keysOf(namespace(language, name)).sort(), language).toEqual(english);
      for (const key of english)
        expect(
          key.split('.').reduce<Tree | string>((t, k) => (t as Tree)[k]!, namespace(language, name)),
          `${language} ${key}`,
        ).not.toBe('');
    }
  });

  it('words every scorecard row and principle (principles: vocabulary.json scorecardPrinciples)', () => {
    const words = namespace('en', 'scorecard');
    for (const row of SCORECARD_QUESTIONS) expect(Object.keys((words.questions as Tree)[row.key] as Tree).sort(), row.key).toEqual(['asked', 'counts', 'short']);
    expect(Object.keys(namespace('en', 'vocabulary').scorecardPrinciples as Tree).sort()).toEqual([...scorecardPrinciples.keys].sort());
  });

  it('words every version-3 question, group and answer in every language (vocabulary.json)', () => {
    for (const language of LANGUAGES) {
      const words = namespace(language, 'vocabulary');
      for (const q of factQuestions.filter((q) => q.since === 3)) {
        expect(Object.keys((words.factQuestions as Tree)[q.key] as Tree).sort(), `${language} ${q.key}`).toEqual(['hint', 'label']);
        expect((words.factGroups as Tree)[q.group], `${language} ${q.group}`).toBeTypeOf('string');
        for (const key of q.answers.keys) expect((words[q.answers.name] as Tree)[key], `${language} ${q.answers.name}.${key}`).toBeTypeOf('string');
      }
    }
  });
});
