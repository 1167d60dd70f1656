// The console's language (issue 31): `?lang=` on any console address, else the language the
// moderator chose (kept with the moderator, migration 0042), else the browser's Accept-Language,
// else English. The login and enrolment pages, before any session, follow ?lang= and the browser.
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { isLanguage, LANGUAGES, SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import type { Database } from '../db/schema.js';
import { translate } from '../i18n/catalogue.js';
import type { AuditLabel, AuditVocabulary } from '../audit/log.js';
import { pageWordsJson } from '../i18n/page-words.js';

/** The languages the console offers, each named in itself (a reader finds their own whatever the page's language). */
export const CONSOLE_LANGUAGES: readonly { code: Language; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
  { code: 'pt-BR', name: 'Português (Brasil)' },
];

/** The first language of an Accept-Language header we offer (es-MX → es, pt or pt-PT → pt-BR), by preference. */
export function languageFromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim().toLowerCase(), quality: q === undefined ? 1 : Number(q.slice(2)) || 0, index };
    })
    .filter((entry) => entry.quality > 0 && entry.tag !== '')
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    const exact = LANGUAGES.find((language) => language.toLowerCase() === tag);
    if (exact) return exact;
    const primary = tag.split('-')[0];
    const sameFamily = LANGUAGES.find((language) => language.split('-')[0]!.toLowerCase() === primary);
    if (sameFamily) return sameFamily;
  }
  return undefined;
}

/** The language a console request is answered in; `chosen` is the moderator's saved choice, if any. */
export function consoleLanguageOf(request: FastifyRequest, chosen?: string | null): Language {
  const asked = (request.query as { lang?: unknown } | undefined)?.lang;
  if (isLanguage(asked)) return asked;
  if (isLanguage(chosen)) return chosen;
  return languageFromAcceptLanguage(request.headers['accept-language']) ?? SOURCE_LANGUAGE;
}

/** Saves a moderator's choice; null goes back to following the browser. */
export async function saveConsoleLanguage(db: Kysely<Database>, moderatorId: string, language: Language | null): Promise<void> {
  await db.updateTable('moderators').set({ console_language: language }).where('id', '=', moderatorId).execute();
}

/** The console's own vocabularies, whose labels the console shows in its language. */
export type ConsoleVocabulary = 'submissionStatusLabels' | 'storyStatusLabels' | 'claimFilters' | 'emptyQueuePhrases' | AuditVocabulary;

/** A console vocabulary term's label in `language`: the one vocabulary catalogue (vocabulary:<name>.<key>), as everywhere else. */
export const consoleLabel = (language: Language, vocabulary: ConsoleVocabulary, key: string): string => translate(language, `vocabulary:${vocabulary}.${key}`);

/** The console scripts' words (moderation:script.*) in one language, as a page carries them in #console-words. */
export const consoleScriptWords = (language: Language): string => pageWordsJson(language, 'moderation', 'script', (key) => key.startsWith('script.'));

/** The audit log's labels in the console's language, for its page and the team news. */
export const auditLabelsIn =
  (language: Language): AuditLabel =>
  (vocabulary, key) =>
    consoleLabel(language, vocabulary, key);
