// The one typed entry point for a refusal's words on the server: errorMessage(code, details,
// language) renders the code's key from the `errors` namespace (locales/<language>/errors.json)
// in the reader's language. Pages, JSON answers, the command line and the scripts all come here.
import { BROWSER_ERROR_CODES, describeErrorWith, errorEntry, renderErrorEntry, type ErrorDetailsOf, type ErrorWords } from '../../common/error-messages.js';
import type { CodedError, ErrorCode } from '../../common/errors.js';
import { SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import { translate } from './catalogue.js';
import { pageWordsJson } from './page-words.js';

const ERRORS_NAMESPACE = 'errors';

const catalogueIn = (language: Language): ErrorWords => ({
  language,
  words: (key, values) => translate(language, `${ERRORS_NAMESPACE}:${key}`, values),
});

/** The words for a code and its details, in `language`. */
export function errorMessage<C extends ErrorCode>(code: C, details: ErrorDetailsOf<C>, language: Language = SOURCE_LANGUAGE): string {
  // A key the catalogue lacks falls back to English (i18next); the unit test sees that none does.
  return renderErrorEntry(errorEntry(code, details), catalogueIn(language)) ?? code;
}

/** The words for a thrown CodedError, in `language`. */
export const codedErrorMessage = (error: CodedError, language: Language = SOURCE_LANGUAGE): string => errorMessage(error.code, error.details as ErrorDetailsOf<typeof error.code>, language);

/** What to tell a person (or an operator at the shell) for anything thrown. */
export const describeError = (error: unknown, fallback: string, language: Language = SOURCE_LANGUAGE): string =>
  describeErrorWith((coded) => codedErrorMessage(coded, language), error, fallback);

/** Whether a key holds words of `code`: the code itself, a variant (code.…) or a plural form (code_one). */
export const isKeyOf = (code: string, key: string) => key === code || key.startsWith(`${code}.`) || new RegExp(`^${code}_(zero|one|two|few|many|other)$`).test(key);

/**
 * The words of BROWSER_ERROR_CODES in one language, as the JSON a page carries for its script
 * ({language, words: {key: template}}); English fills any key the language lacks.
 */
export const browserErrorWords = (language: Language): string => pageWordsJson(language, ERRORS_NAMESPACE, 'browser', (key) => BROWSER_ERROR_CODES.some((code) => isKeyOf(code, key)));
