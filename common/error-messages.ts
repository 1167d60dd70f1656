// Which words every refusal is rendered from: the key in the `errors` namespace of the translation
// catalogue (locales/<language>/errors.json) and the values for its {{placeholders}}, by code. The
// words themselves live only in the catalogue; the server renders them in the reader's language
// (server/i18n/error-messages.ts), and a browser bundle takes the few it needs from its page
// (views/assets/error-words.ts), so no page carries every language.
import { CodedError, type ErrorCode, type ErrorDetailsByCode, type ValidationProblem } from './errors.js';
import { PADDING_BUCKETS, SEAL_OVERHEAD } from './protocol/padding.js';
import type { Language } from './languages.js';

/** A placeholder's value: text or a number as is, words from another key, or a size in megabytes in the reader's digits. */
export type ErrorWordValue = string | number | { key: string } | { megabytes: number };

/** Where a refusal's words come from: a key of the `errors` namespace, its values, and `count` for plural forms. */
export interface ErrorEntry {
  key: string;
  values?: Record<string, ErrorWordValue>;
  count?: number;
}

const list = (items: readonly (string | number)[]) => items.join(', ');

function validationEntry({ field, ...problem }: { field: string } & ValidationProblem): ErrorEntry {
  const key = `invalid_request.${problem.problem}`;
  switch (problem.problem) {
    case 'unexpected_field':
    case 'missing_field':
      return { key, values: { where: field, name: problem.name } };
    case 'not_one_of':
      return { key, values: { where: field, allowed: list(problem.allowed) } };
    case 'too_long':
    case 'too_short':
    case 'too_many':
    case 'too_few':
      return { key, values: { where: field }, count: problem.limit };
    case 'too_big':
    case 'too_small':
      return { key, values: { where: field, limit: problem.limit } };
    case 'wrong_type':
      return { key, values: { where: field, type: problem.type } };
    case 'control_character':
    case 'wrong_form':
    case 'invalid':
      return { key, values: { where: field } };
  }
}

const BACKUP_REASONS: Record<ErrorDetailsByCode['backup_unreadable']['reason'], string> = {
  'not an Offscript backup': 'not_offscript',
  'sealed to another key': 'other_key',
  'altered or damaged': 'altered',
  truncated: 'truncated',
  'unknown format': 'unknown_format',
};

const LISTED_ITEMS = new Set(['platforms', 'taskTypes']);

/** Every code with details, and how its details fill its words; a code without details is its own key. */
const DETAILED: { [C in keyof ErrorDetailsByCode]: (details: ErrorDetailsByCode[C]) => ErrorEntry } = {
  statistics_budget_exhausted: ({ refresh, lifetime, horizon }) => ({ key: 'statistics_budget_exhausted', values: { refresh, lifetime, horizon } }),
  login_work_needed: () => ({ key: 'login_work_needed' }),
  transition_refused: ({ from, event }) => ({ key: 'transition_refused', values: { from: from.replaceAll('_', ' '), event: event.replaceAll('_', ' ') } }),
  signed_email_not_platform_domain: ({ domain, platform }) => ({ key: 'signed_email_not_platform_domain', values: { domain, platform } }),
  signed_email_platform_not_named: ({ platform }) => ({ key: 'signed_email_platform_not_named', values: { platform } }),
  question_not_in_version: ({ question, version, since }) => ({ key: 'question_not_in_version', values: { question, version, since } }),
  invalid_request: validationEntry,
  rate_limited: ({ seconds }) => ({ key: 'rate_limited', count: seconds }),
  uploads_paused: ({ minutes }) => ({ key: 'uploads_paused', count: minutes }),
  bad_base64: ({ field }) => ({ key: 'bad_base64', values: { field } }),
  backup_unreadable: ({ reason }) => ({ key: `backup_unreadable.${BACKUP_REASONS[reason]}` }),
  bad_length: ({ field, expected, actual, unit = 'bytes' }) => ({ key: `bad_length.${unit}`, values: { field, expected, actual } }),
  too_large: ({ maxBytes, subject = 'text' }) => ({ key: `too_large.${subject}`, values: { maxBytes } }),
  bad_manifest: ({ attachment, problem }): ErrorEntry =>
    attachment === undefined
      ? { key: 'bad_manifest.all', values: { problem: { key: `bad_manifest.problems.${problem}` } } }
      : { key: 'bad_manifest.one', values: { attachment, problem: { key: `bad_manifest.problems.${problem}` } } },
  receipt_word_count: ({ expected, actual }) => ({ key: 'receipt_word_count', values: { expected, actual } }),
  // Nested: a key ending in _one reads as a plural form to i18next and to translators' tools.
  account_choose_one: ({ field }) => ({ key: 'account_choose_one.field', values: { field } }),
  account_unknown_value: ({ field, value, allowed }) => ({ key: 'account_unknown_value', values: { field, value: value.slice(0, 40), allowed: list(allowed) } }),
  account_listed_twice: ({ field }) => (LISTED_ITEMS.has(field) ? { key: `account_listed_twice.${field}` } : { key: 'account_listed_twice.field', values: { field } }),
  narrative_required: () => ({ key: 'narrative_required' }),
  consent_required: () => ({ key: 'consent_required' }),
  quotable_too_long: ({ maxChars }) => ({ key: 'quotable_too_long', count: maxChars }),
  half_year_is_date: ({ field }) => ({ key: 'half_year_is_date', values: { field } }),
  half_year_malformed: ({ field }) => ({ key: 'half_year_malformed', values: { field } }),
  half_year_too_early: ({ field, firstYear }) => ({ key: 'half_year_too_early', values: { field, firstYear } }),
  half_year_in_future: ({ field }) => ({ key: 'half_year_in_future', values: { field } }),
  account_not_object: ({ field }) => (field === 'v' ? { key: 'account_not_object.account' } : { key: 'account_not_object.field', values: { field } }),
  account_not_list: ({ field }) => ({ key: 'account_not_list', values: { field } }),
  account_not_text: ({ field }) => ({ key: 'account_not_text', values: { field } }),
  account_unknown_version: ({ version }) => ({ key: 'account_unknown_version', values: { version } }),
  account_v1_facts: () => ({ key: 'account_v1_facts' }),
  unknown_question: ({ question, questions }) => ({ key: 'unknown_question', values: { question, questions: list(questions) } }),
  bad_intake_key: ({ bytes }) => ({ key: 'bad_intake_key', values: { bytes } }),
  bad_ciphertext_length: ({ field }) => ({ key: 'bad_ciphertext_length', values: { field, buckets: list(PADDING_BUCKETS), overhead: SEAL_OVERHEAD } }),
  purged: ({ purgedOn }) => ({ key: 'purged', values: { purgedOn } }),
  login_paused: ({ minutes }) => ({ key: 'login_paused', count: minutes }),
  handle_taken: ({ handle }) => ({ key: 'handle_taken', values: { handle } }),
  moderator_not_active: ({ handle }) => ({ key: 'moderator_not_active', values: { handle } }),
  keys_not_prf_bound: ({ handles }) => ({ key: 'keys_not_prf_bound', values: { handles: list(handles) } }),
  no_intake_key_to_grant: ({ holders }) => (holders.length > 0 ? { key: 'no_intake_key_to_grant.ask', values: { holders: list(holders) } } : { key: 'no_intake_key_to_grant.nobody' }),
  unknown_facet: ({ field, value, allowed }) => ({ key: 'unknown_facet', values: { field, value: value.slice(0, 40), allowed: list(allowed) } }),
  submission_decided: ({ status }) => ({ key: `submission_decided.${status}` }),
  claimed_by_other: ({ holder }) => (holder === undefined ? { key: 'claimed_by_other.someone' } : { key: 'claimed_by_other.holder', values: { holder } }),
  unresolved_identifiers: ({ unresolved }) => ({ key: 'unresolved_identifiers', count: unresolved }),
  not_awaiting_review: ({ status }) => ({ key: `story_is.${status}` }),
  not_a_draft: ({ status }) => ({ key: `story_is.${status}` }),
  search_too_long: ({ maxChars }) => ({ key: 'search_too_long', count: maxChars }),
  unknown_table: ({ names, tables }): ErrorEntry =>
    names.length === 0
      ? { key: 'unknown_table.none', values: { tables: list(tables) } }
      : { key: 'unknown_table.named', values: { names: names.map((name) => `"${name}"`).join(', '), tables: list(tables) } },
  unknown_platform: ({ key, platforms }) => ({ key: 'unknown_platform', values: { platform: key, platforms: list(platforms) } }),
  unknown_release: ({ sequence }) => ({ key: 'unknown_release', values: { sequence } }),
  too_many_files: ({ maxFiles, declared }) => ({ key: 'too_many_files', values: { maxFiles, declared } }),
  bad_padded_size: ({ file, buckets }) => ({ key: 'bad_padded_size', values: { file, buckets: list(buckets) } }),
  file_too_large: ({ file, maxBytes }) => ({ key: 'file_too_large', values: { file, max: { megabytes: maxBytes } } }),
  account_files_too_large: ({ totalBytes, maxBytes }) => ({ key: 'account_files_too_large', values: { total: { megabytes: totalBytes }, max: { megabytes: maxBytes } } }),
  unknown_file: ({ file }) => ({ key: 'unknown_file', values: { file } }),
  chunk_out_of_range: ({ file, chunks }) => ({ key: 'chunk_out_of_range', values: { file, chunks, last: chunks - 1 } }),
  bad_chunk_length: ({ expected, actual }) => ({ key: 'bad_chunk_length', values: { expected, actual } }),
  chunk_already_stored: ({ file, chunk }) => ({ key: 'chunk_already_stored', values: { file, chunk } }),
  upload_incomplete: ({ file, stored, expected }) => ({ key: 'upload_incomplete', values: { file, stored, expected } }),
  upload_digest_mismatch: ({ file }) => ({ key: 'upload_digest_mismatch', values: { file } }),
  reply_too_many_files: ({ maxFiles, attached, declared }) => ({ key: 'reply_too_many_files', values: { maxFiles, attached, declared } }),
  reply_files_too_large: ({ maxBytes, attachedBytes, replyBytes }) => ({
    key: 'reply_files_too_large',
    values: { max: { megabytes: maxBytes }, attached: { megabytes: attachedBytes }, reply: { megabytes: replyBytes } },
  }),
};

export type ErrorDetailsOf<C extends ErrorCode> = C extends keyof ErrorDetailsByCode ? ErrorDetailsByCode[C] : undefined;

/** The key and values a code's words are rendered from (keys are relative to the `errors` namespace). */
export function errorEntry<C extends ErrorCode>(code: C, details: ErrorDetailsOf<C>): ErrorEntry {
  if (!Object.hasOwn(DETAILED, code)) return { key: code };
  // The mapped type pairs each code with its details; indexing by a generic code loses the pair.
  return (DETAILED[code as keyof ErrorDetailsByCode] as (details: unknown) => ErrorEntry)(details);
}

/** A catalogue in one language: the words of a key with its values filled, or undefined when it has none. */
export interface ErrorWords {
  language: Language;
  words(key: string, values: Record<string, string | number>): string | undefined;
}

/** "1.5 MB" in the reader's digits ("1,5 MB" in Spanish and Portuguese). */
export const megabytes = (language: Language, bytes: number) => `${new Intl.NumberFormat(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bytes / 1_000_000)} MB`;

/** An entry's words from a catalogue: nested keys and sizes resolved first; undefined when a key is missing. */
export function renderErrorEntry({ key, values = {}, count }: ErrorEntry, catalogue: ErrorWords): string | undefined {
  const filled: Record<string, string | number> = count === undefined ? {} : { count };
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string' || typeof value === 'number') filled[name] = value;
    else if ('megabytes' in value) filled[name] = megabytes(catalogue.language, value.megabytes);
    else {
      const nested = catalogue.words(value.key, {});
      if (nested === undefined) return undefined;
      filled[name] = nested;
    }
  }
  return catalogue.words(key, filled);
}

/**
 * The codes a browser bundle can raise by itself (the protocol, the account rules, the receipt,
 * the passphrase check, redaction): a page carries the words of these, in its language, and takes
 * every other refusal's words from the server's JSON answer.
 */
export const BROWSER_ERROR_CODES = [
  'bad_base64',
  'bad_length',
  'too_large',
  'bad_padding',
  'cannot_open',
  'bad_version',
  'bad_digest',
  'bad_manifest',
  'backup_unreadable',
  'receipt_word_count',
  'receipt_unknown_word',
  'receipt_checksum',
  'account_choose_one',
  'account_unknown_value',
  'account_listed_twice',
  'narrative_required',
  'consent_required',
  'quotable_too_long',
  'half_year_is_date',
  'half_year_malformed',
  'half_year_too_early',
  'half_year_in_future',
  'account_not_object',
  'account_not_list',
  'account_not_text',
  'account_unknown_version',
  'account_v1_facts',
  'unknown_question',
  'account_too_large',
  'message_too_large',
  'demo_passphrase',
  'unresolved_identifiers',
  'bad_chunk_length',
] as const satisfies readonly ErrorCode[];

/** The words of a refusal the browser received as JSON: the server rendered them in the request's language. */
export function refusalMessage(error: { code?: unknown; message?: unknown } | undefined, fallback: string): string {
  return typeof error?.message === 'string' && error.message !== '' ? error.message : fallback;
}

/** What to show a person for anything thrown: a CodedError's words, another error's message, else the fallback. */
export function describeErrorWith(render: (error: CodedError) => string | undefined, error: unknown, fallback: string): string {
  if (error instanceof CodedError) return render(error) ?? fallback;
  return error instanceof Error && error.message !== '' ? error.message : fallback;
}
