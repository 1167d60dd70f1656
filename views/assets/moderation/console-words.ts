// The console script's own words (namespace moderation, key script.*), in the console's language:
// the page carries them in #console-words (server/moderation/routes.ts renders them).
import { readPageWords, type PageWords } from '../page-words.js';

let pageWords: PageWords | undefined;

/** The words of `script.<key>` with `values` filled; the key itself if the page lacks it (a test catches that). */
export function consoleWord(key: string, values: Record<string, string | number> = {}): string {
  pageWords ??= readPageWords('console-words');
  return pageWords.words(`script.${key}`, values) ?? key;
}
