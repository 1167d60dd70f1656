// Vocabulary labels in the reader's language (issue 31): keys are what is stored and published;
// the words come from the catalogue's `vocabulary` namespace at the edge. English is
// locales/en/vocabulary.json, the same file common/vocabulary.ts reads its labels from.
import type { Language } from '../../common/languages.js';
import { factQuestions, NOT_ASKED, type FactKey, type NamedVocabulary, type Term } from '../../common/vocabulary.js';
import { translate } from './catalogue.js';

/** A term's label in `language`; a key no vocabulary knows shows as itself, as labelOf does. */
export function termLabel(language: Language, vocabulary: NamedVocabulary, key: string): string {
  return translate(language, `vocabulary:${vocabulary.name}.${key}`, { defaultValue: vocabulary.labelOf(key) });
}

/** A vocabulary's terms with their labels in `language`, in the vocabulary's order (forms, filters, tables). */
export function termsIn<K extends string>(language: Language, vocabulary: NamedVocabulary & { readonly terms: readonly Term<K>[] }): Term<K>[] {
  return vocabulary.terms.map((term) => ({ key: term.key, label: termLabel(language, vocabulary, term.key) }));
}

/** A version-2 question's words in `language`: the question and its hint. */
export function factQuestionWords(language: Language, key: FactKey): { label: string; hint: string } {
  const question = factQuestions.find((q) => q.key === key)!;
  return {
    label: translate(language, `vocabulary:factQuestions.${key}.label`, { defaultValue: question.label }),
    hint: translate(language, `vocabulary:factQuestions.${key}.hint`, { defaultValue: question.hint }),
  };
}

/** The "not asked" column of a version-2 table in `language`. */
export function notAskedLabel(language: Language): string {
  return translate(language, 'vocabulary:notAsked', { defaultValue: NOT_ASKED.label });
}
