// Numbers and dates in the reader's locale (issue 31 item 7), with Intl: counts with the
// language's separators, days and half-years in its words. Only the presentation changes: the
// figures themselves are the same in every language (CSV and JSON keep plain numbers and ISO days).
import type Handlebars from 'handlebars';
import { isLanguage, SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import { vocabularies, type VocabularyName } from '../../common/vocabulary.js';
import { translate } from './catalogue.js';
import { termLabel } from './vocabulary-labels.js';

/** The Intl locale of each language: Latin American Spanish is es-419. */
const INTL_LOCALE: Record<Language, string> = { en: 'en', es: 'es-419', 'pt-BR': 'pt-BR' };

const numberFormats = new Map<Language, Intl.NumberFormat>();
const dayFormats = new Map<Language, Intl.DateTimeFormat>();

/** A count as the reader writes it: 12,345 in English, 12.345 in Portuguese. */
export function formatCount(language: Language, count: number): string {
  let format = numberFormats.get(language);
  if (!format) numberFormats.set(language, (format = new Intl.NumberFormat(INTL_LOCALE[language])));
  return format.format(count);
}

/** A share (0..1) as a whole percentage: "47%", "47 %" where the language spaces it. */
export function formatPercent(language: Language, share: number): string {
  return new Intl.NumberFormat(INTL_LOCALE[language], { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A day (YYYY-MM-DD, UTC) in words: "December 1, 2026", "1 de diciembre de 2026". */
export function formatDay(language: Language, day: string): string {
  let format = dayFormats.get(language);
  if (!format) dayFormats.set(language, (format = new Intl.DateTimeFormat(INTL_LOCALE[language], { dateStyle: 'long', timeZone: 'UTC' })));
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : format.format(date);
}

/** A half-year key ("2025-H1") in words: "2025, first half"; anything else shows as itself. */
export function formatHalfYear(language: Language, key: string): string {
  const match = /^(\d{4})-H([12])$/.exec(key);
  return match ? translate(language, `statistics:halfYear.H${match[2]}`, { year: match[1] }) : key;
}

const languageOf = (options: Handlebars.HelperOptions): Language => {
  const language: unknown = (options.data as { root?: { language?: unknown } } | undefined)?.root?.language;
  return isLanguage(language) ? language : SOURCE_LANGUAGE;
};

/**
 * Template helpers in the view's `language`: {{formatCount n}}, {{formatDay "2026-12-01"}},
 * {{formatHalfYear "2025-H1"}}, and {{term "roles" key}} for a vocabulary label.
 */
export function registerLocaleHelpers(handlebars: typeof Handlebars): void {
  handlebars.registerHelper('formatCount', (count: unknown, options: Handlebars.HelperOptions) => (typeof count === 'number' ? formatCount(languageOf(options), count) : count));
  handlebars.registerHelper('formatDay', (day: unknown, options: Handlebars.HelperOptions) => (typeof day === 'string' ? formatDay(languageOf(options), day) : day));
  handlebars.registerHelper('formatHalfYear', (key: unknown, options: Handlebars.HelperOptions) => (typeof key === 'string' ? formatHalfYear(languageOf(options), key) : key));
  handlebars.registerHelper('term', (name: VocabularyName, key: unknown, options: Handlebars.HelperOptions) => {
    const vocabulary = vocabularies[name];
    if (!vocabulary) throw new Error(`{{term}}: no vocabulary ${String(name)}`);
    return termLabel(languageOf(options), vocabulary, String(key));
  });
}
