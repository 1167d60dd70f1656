// A refusal's words in the browser, in the page's language: the page carries the words of the
// codes a bundle can raise by itself (BROWSER_ERROR_CODES, rendered by the server into
// #error-words); refusals the server sends come with its own words already in that language.
import { describeErrorWith, errorEntry, renderErrorEntry, type ErrorDetailsOf, type ErrorWords } from '../../common/error-messages.js';
import type { CodedError } from '../../common/errors.js';
import { isLanguage, SOURCE_LANGUAGE } from '../../common/languages.js';

interface PageWords {
  language: unknown;
  words: Record<string, string>;
}

function readPageWords(): ErrorWords {
  let page: PageWords = { language: SOURCE_LANGUAGE, words: {} };
  const carried = document.getElementById('error-words')?.dataset.words;
  if (carried) page = JSON.parse(carried) as PageWords;
  const language = isLanguage(page.language) ? page.language : SOURCE_LANGUAGE;
  const plurals = new Intl.PluralRules(language);
  return {
    language,
    words(key, values) {
      const count = values.count;
      const template =
        typeof count === 'number' ? (page.words[`${key}_${plurals.select(count)}`] ?? page.words[`${key}_other`]) : page.words[key];
      // {{name}} as i18next writes it; a placeholder without a value stays visible rather than vanishing.
      return template?.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
    },
  };
}

let pageWords: ErrorWords | undefined;

function pageMessage(error: CodedError): string | undefined {
  pageWords ??= readPageWords();
  // The rest-tuple ties details to the code where the error is made; here the pair is lost.
  return renderErrorEntry(errorEntry(error.code, error.details as ErrorDetailsOf<typeof error.code>), pageWords);
}

/** The words for a CodedError raised in this page (BROWSER_ERROR_CODES); its code if the page carries none. */
export const codedErrorMessage = (error: CodedError): string => pageMessage(error) ?? error.code;

/** What to show a person for anything thrown: a CodedError's words, another error's message, else the fallback. */
export const describeError = (error: unknown, fallback: string): string => describeErrorWith(pageMessage, error, fallback);
