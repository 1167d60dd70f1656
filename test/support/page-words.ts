// A page's carried words for browser modules run under Node in unit tests: what the layout
// renders into #error-words and #console-words, in one language.
import type { Language } from '../../common/languages.js';
import { browserErrorWords } from '../../server/i18n/error-messages.js';
import { consoleScriptWords } from '../../server/moderation/console-language.js';

export function carryPageWords(language: Language): void {
  const carried: Record<string, string> = {
    'error-words': browserErrorWords(language),
    'console-words': consoleScriptWords(language),
  };
  // Only what views/assets/page-words.ts reads: an element's data-words by id.
  const page = { getElementById: (id: string) => (id in carried ? { dataset: { words: carried[id] } } : null) };
  Object.defineProperty(globalThis, 'document', { value: page, configurable: true });
}
