// Vocabulary labels per language (issue 31): English is defined once, in locales/en/vocabulary.json;
// every key has its Spanish and Portuguese label; code that still calls labelOf gets English.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../common/languages.js';
import * as vocabularies from '../../common/vocabulary.js';
import { factQuestionWords, notAskedLabel, termLabel, termsIn } from '../../server/i18n/vocabulary-labels.js';

const LOCALES = path.resolve(import.meta.dirname, '../../locales');
const read = (language: string) => JSON.parse(readFileSync(path.join(LOCALES, language, 'vocabulary.json'), 'utf8')) as Record<string, unknown>;

/** Every leaf of a catalogue file as "a.b.c". */
function leaves(node: unknown, prefix = ''): string[] {
  if (typeof node === 'string') return [prefix];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => leaves(value, prefix ? `${prefix}.${key}` : key));
}

const named = Object.values(vocabularies).filter((v): v is typeof vocabularies.roles => typeof v === 'object' && v !== null && 'name' in v && 'terms' in v);

describe('vocabulary labels', () => {
  it('keeps an English labelOf for code that still calls it, from the catalogue', () => {
    expect(vocabularies.roles.labelOf('writer')).toBe('Writer');
    expect(vocabularies.auditActions.labelOf('moderator.invited')).toBe('Moderator invited');
    expect(vocabularies.roles.labelOf('no_such_role')).toBe('no_such_role');
    expect(vocabularies.factQuestions[0].label).toBe('Pay the advertisement or recruiter offered');
  });

  it('has exactly the English paths in every language, and every vocabulary key has an English label', () => {
    const english = leaves(read('en')).sort();
    for (const language of LANGUAGES) expect(leaves(read(language)).sort(), language).toEqual(english);
    const fromCode = named.flatMap((v) => v.keys.map((key) => `${v.name}.${key}`));
    expect(fromCode.filter((p) => !english.includes(p))).toEqual([]);
    // Nothing in the file that no vocabulary uses (the fact questions and "not asked" aside).
    expect(english.filter((p) => !fromCode.includes(p) && !p.startsWith('factQuestions.') && p !== 'notAsked')).toEqual([]);
  });

  it('renders each term in the reader language, the same key in all', () => {
    expect(termLabel('es', vocabularies.roles, 'writer')).toBe('Guionista');
    expect(termLabel('pt-BR', vocabularies.roles, 'writer')).toBe('Roteirista');
    expect(termLabel('es', vocabularies.auditActions, 'session.login')).toBe('Sesión iniciada');
    expect(termLabel('pt-BR', vocabularies.roles, 'unknown_key')).toBe('unknown_key');
    expect(termsIn('pt-BR', vocabularies.conditionAnswers)).toEqual([
      { key: 'yes', label: 'Sim' },
      { key: 'no', label: 'Não' },
      { key: 'unsure', label: 'Não tenho certeza' },
    ]);
    expect(factQuestionWords('es', 'union').label).toBe('Tu sindicato o gremio');
    expect(notAskedLabel('en')).toBe(vocabularies.NOT_ASKED.label);
  });

  it('translates every term: no Spanish or Portuguese label is the English one except names and codes', () => {
    const same = (language: 'es' | 'pt-BR') => named.flatMap((v) => v.terms.filter((t) => termLabel(language, v, t.key) === t.label).map((t) => `${v.name}.${t.key}`));
    // Platform and union names, "Showrunner", "No" and "India" are the same words in every language.
    const allowed = /^(platforms\.(?!other)|unions\.(wga|sag_aftra|iatse)$|roles\.showrunner$|attributionLabels\.showrunner$|(conditionAnswers|yesNo)\.no$|locationGroups\.india$)/;
    expect(same('es').filter((p) => !allowed.test(p))).toEqual([]);
    expect(same('pt-BR').filter((p) => !allowed.test(p))).toEqual([]);
  });
});
