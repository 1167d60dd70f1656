// A refusal's words in the browser, in the page's language: the page carries the words of the
// codes a bundle can raise by itself (BROWSER_ERROR_CODES, rendered by the server into
// #error-words); refusals the server sends come with its own words already in that language.
import { describeErrorWith, errorEntry, renderErrorEntry, type ErrorDetailsOf, type ErrorWords } from '../../common/error-messages.js';
import type { CodedError } from '../../common/errors.js';
import { readPageWords } from './page-words.js';

let pageWords: ErrorWords | undefined;

function pageMessage(error: CodedError): string | undefined {
  pageWords ??= readPageWords('error-words');
  // The rest-tuple ties details to the code where the error is made; here the pair is lost.
  return renderErrorEntry(errorEntry(error.code, error.details as ErrorDetailsOf<typeof error.code>), pageWords);
}

/** The words for a CodedError raised in this page (BROWSER_ERROR_CODES); its code if the page carries none. */
export const codedErrorMessage = (error: CodedError): string => pageMessage(error) ?? error.code;

/** What to show a person for anything thrown: a CodedError's words, another error's message, else the fallback. */
export const describeError = (error: unknown, fallback: string): string => describeErrorWith(pageMessage, error, fallback);
