import { describe, expect, it } from 'vitest';
import { CodedError, ERROR_STATUSES, isErrorCode, type ErrorCode, type ErrorDetailsByCode } from '../../common/errors.js';
import { BROWSER_ERROR_CODES, errorEntry, refusalMessage, renderErrorEntry, type ErrorDetailsOf } from '../../common/error-messages.js';
import { LANGUAGES, type Language } from '../../common/languages.js';
import { readCatalogueFiles } from '../../server/i18n/catalogue.js';
import { browserErrorWords, codedErrorMessage, describeError, errorMessage, isKeyOf } from '../../server/i18n/error-messages.js';

type Tree = { [key: string]: string | Tree };
const resources = readCatalogueFiles();
const errorsIn = (language: Language) => resources[language]!.errors as Tree;

function lookUp(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

function flatten(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : flatten(value, `${prefix}${key}.`)));
}

const placeholders = (words: string) => [...words.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]).sort();

/** Details for every code that has them, one sample per variant of its words. */
const SAMPLES: { [C in keyof ErrorDetailsByCode]: ErrorDetailsByCode[C][] } = {
  statistics_budget_exhausted: [{ refresh: 4, lifetime: 2, horizon: 8 }],
  login_work_needed: [{ puzzle: 'AAAA', bits: 12 }],
  transition_refused: [{ entity: 'question', from: 'asked', event: 'answer_privately' }],
  signed_email_not_platform_domain: [{ domain: 'mail.example', platform: 'Outlier' }],
  signed_email_platform_not_named: [{ platform: 'Outlier' }],
  question_not_in_version: [{ field: 'facts', question: 'ai_interview', version: 2, since: 3 }],
  invalid_request: [
    { field: 'body.narrative', problem: 'control_character' },
    { field: 'body', problem: 'unexpected_field', name: 'x' },
    { field: 'body', problem: 'missing_field', name: 'consent' },
    { field: 'body.role', problem: 'not_one_of', allowed: ['writer', 'actor'] },
    ...(['too_long', 'too_short', 'too_many', 'too_few', 'too_big', 'too_small'] as const).flatMap((problem) => [1, 3, 1_000_000].map((limit) => ({ field: 'body.x', problem, limit }))),
    { field: 'body.x', problem: 'wrong_type', type: 'string' },
    { field: 'body.x', problem: 'wrong_form' },
    { field: 'body.x', problem: 'invalid' },
  ],
  rate_limited: [{ seconds: 1 }, { seconds: 30 }],
  uploads_paused: [{ minutes: 1 }, { minutes: 5 }],
  bad_base64: [{ field: 'ciphertext' }],
  backup_unreadable: (['not an Offscript backup', 'sealed to another key', 'altered or damaged', 'truncated', 'unknown format'] as const).map((reason) => ({ reason })),
  bad_length: [
    { field: 'key', expected: 32, actual: 31 },
    { field: 'file', expected: 3, actual: 2, unit: 'chunks' },
    { field: 'pdf', expected: 3, actual: 2, unit: 'pages' },
  ],
  too_large: [{ maxBytes: 65_536 }, { maxBytes: 10_000_000, subject: 'file' }],
  bad_manifest: [
    { problem: 'not_a_list' },
    ...(['not_a_list', 'not_an_object', 'unknown_kind', 'padded_size', 'key', 'header', 'digest', 'page_count'] as const).map((problem) => ({ attachment: 2, problem })),
  ],
  receipt_word_count: [{ expected: 12, actual: 11 }],
  account_choose_one: [{ field: 'role' }],
  account_unknown_value: [{ field: 'role', value: 'astronaut', allowed: ['writer', 'actor'] }],
  account_listed_twice: [{ field: 'platforms' }, { field: 'taskTypes' }, { field: 'documents' }],
  narrative_required: [{ field: 'narrative' }],
  consent_required: [{ field: 'consent' }],
  quotable_too_long: [
    { field: 'quotable', maxChars: 1 },
    { field: 'quotable', maxChars: 600 },
  ],
  half_year_is_date: [{ field: 'halfYear' }],
  half_year_malformed: [{ field: 'halfYear' }],
  half_year_too_early: [{ field: 'halfYear', firstYear: 2018 }],
  half_year_in_future: [{ field: 'halfYear' }],
  account_not_object: [{ field: 'v' }, { field: 'facts' }],
  account_not_list: [{ field: 'platforms' }],
  account_not_text: [{ field: 'narrative' }],
  account_unknown_version: [{ field: 'v', version: '9' }],
  account_v1_facts: [{ field: 'v' }],
  unknown_question: [{ field: 'facts', question: 'q', questions: ['a', 'b'] }],
  bad_intake_key: [{ bytes: 32 }],
  bad_ciphertext_length: [{ field: 'ciphertext' }],
  purged: [{ purgedOn: '2026-01-02' }],
  login_paused: [{ minutes: 1 }, { minutes: 15 }],
  handle_taken: [{ handle: 'ana' }],
  moderator_not_active: [{ handle: 'ana' }],
  keys_not_prf_bound: [{ handles: ['ana', 'bo'] }],
  no_intake_key_to_grant: [{ holders: ['ana'] }, { holders: [] }],
  unknown_facet: [{ field: 'role', value: 'x', allowed: ['writer'] }],
  submission_decided: ['received', 'in_review', 'needs_info', 'accepted', 'rejected', 'withdrawn'].map((status) => ({ status })),
  claimed_by_other: [{ holder: 'ana' }, {}],
  unresolved_identifiers: [{ unresolved: 1 }, { unresolved: 2 }],
  not_awaiting_review: ['draft', 'awaiting_second_review', 'approved', 'published', 'retracted'].map((status) => ({ status })),
  not_a_draft: [{ status: 'published' }],
  search_too_long: [{ maxChars: 1 }, { maxChars: 200 }],
  unknown_table: [
    { names: [], tables: ['pay'] },
    { names: ['x'], tables: ['pay'] },
  ],
  unknown_platform: [{ key: 'x', platforms: ['mercor'] }],
  unknown_release: [{ sequence: 7 }],
  too_many_files: [{ maxFiles: 5, declared: 6 }],
  bad_padded_size: [{ file: 0, buckets: [1, 2] }],
  file_too_large: [{ file: 0, maxBytes: 25_000_000 }],
  account_files_too_large: [{ totalBytes: 60_500_000, maxBytes: 50_000_000 }],
  unknown_file: [{ file: 3 }],
  chunk_out_of_range: [{ file: 0, chunks: 4 }],
  bad_chunk_length: [{ expected: 65_552, actual: 10 }],
  chunk_already_stored: [{ file: 0, chunk: 1 }],
  upload_incomplete: [{ file: 0, stored: 1, expected: 3 }],
  upload_digest_mismatch: [{ file: 0 }],
  reply_too_many_files: [{ maxFiles: 5, attached: 4, declared: 2 }],
  reply_files_too_large: [{ maxBytes: 50_000_000, attachedBytes: 40_000_000, replyBytes: 20_000_000 }],
};

const codes = Object.keys(ERROR_STATUSES) as ErrorCode[];
const samplesOf = <C extends ErrorCode>(code: C): ErrorDetailsOf<C>[] => (Object.hasOwn(SAMPLES, code) ? SAMPLES[code as keyof ErrorDetailsByCode] : [undefined]) as ErrorDetailsOf<C>[];

describe('one error type, words from the errors namespace in every language', () => {
  it('carries the code, the status the code maps to and data details; its own message is only the code', () => {
    const error = new CodedError('handle_taken', { handle: 'ana' });
    expect([error.code, error.statusCode, error.details, error.message]).toEqual(['handle_taken', 409, { handle: 'ana' }, 'handle_taken']);
    expect(codedErrorMessage(error)).toBe('The handle "ana" is already in use.');
    expect(codedErrorMessage(error, 'es')).toBe('El nombre de usuario "ana" ya está en uso.');
    expect(new CodedError('login_paused', { minutes: 3 }, { retryAfterSeconds: 170 }).retryAfterSeconds).toBe(170);
    for (const code of codes) expect(ERROR_STATUSES[code]).toBeGreaterThanOrEqual(400);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('renders every code in every language from keys that language has, each plural form there, every placeholder filled', () => {
    const used = new Set<string>();
    for (const language of LANGUAGES) {
      const plurals = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      for (const code of codes) {
        for (const details of samplesOf(code)) {
          const entry = errorEntry(code, details);
          const strict = renderErrorEntry(entry, {
            language,
            words(key, values) {
              const forms = typeof values.count === 'number' ? plurals.map((form) => `${key}_${form}`) : [key];
              for (const form of forms) {
                expect(lookUp(errorsIn(language), form), `${language} errors:${form}`).toBeDefined();
                used.add(form);
              }
              return lookUp(errorsIn(language), forms.at(-1)!);
            },
          });
          expect(strict, `${language} ${code}`).toBeDefined();
          const words = errorMessage(code, details, language);
          expect(words, `${language} ${code}`).not.toMatch(/\{\{|\}\}|undefined|\[object/);
          if (language !== 'en') expect(words, `${language} ${code} is translated`).not.toBe(errorMessage(code, details, 'en'));
        }
      }
    }
    // And no key is left that no code renders; the English forms are one and other only.
    for (const language of LANGUAGES) {
      const unused = flatten(errorsIn(language)).filter((key) => !used.has(key));
      expect(unused, `${language}: keys no code renders`).toEqual([]);
    }
  });

  it('keeps the same placeholders in every language as in English', () => {
    const withoutCount = (words: string | undefined) => placeholders(words ?? '').filter((name) => name !== 'count');
    for (const language of LANGUAGES) {
      for (const key of flatten(errorsIn(language))) {
        // A plural form (_many in Spanish, say) is held against English's _other.
        const english = lookUp(errorsIn('en'), key) ?? lookUp(errorsIn('en'), key.replace(/_(zero|one|two|few|many|other)$/, '_other'));
        expect(english, `${language} ${key} exists in English`).toBeDefined();
        expect(withoutCount(lookUp(errorsIn(language), key)), `${language} ${key}`).toEqual(withoutCount(english));
      }
    }
  });

  it('fills counts by CLDR plural rules and sizes in the reader digits', () => {
    expect(errorMessage('rate_limited', { seconds: 1 }, 'en')).toBe('Too many requests; try again in 1 second.');
    expect(errorMessage('rate_limited', { seconds: 30 }, 'es')).toBe('Demasiadas solicitudes; inténtalo de nuevo en 30 segundos.');
    expect(errorMessage('unresolved_identifiers', { unresolved: 1 }, 'pt-BR')).toContain('1 provável dado identificador');
    expect(errorMessage('file_too_large', { file: 0, maxBytes: 25_500_000 }, 'en')).toContain('25.5 MB');
    expect(errorMessage('file_too_large', { file: 0, maxBytes: 25_500_000 }, 'es')).toContain('25,5 MB');
    expect(errorMessage('bad_manifest', { attachment: 2, problem: 'digest' }, 'pt-BR')).toBe('Anexo 2: resumo inválido.');
  });

  it('gives a page only its own language, and only the codes its scripts raise themselves', () => {
    for (const language of LANGUAGES) {
      const carried = JSON.parse(browserErrorWords(language)) as { language: string; words: Record<string, string> };
      expect(carried.language).toBe(language);
      const carriedCodes = codes.filter((code) => Object.keys(carried.words).some((key) => isKeyOf(code, key)));
      expect(carriedCodes.sort()).toEqual([...BROWSER_ERROR_CODES].sort());
      expect(Object.keys(carried.words).every((key) => BROWSER_ERROR_CODES.some((code) => isKeyOf(code, key)))).toBe(true);
      expect(carried.words.receipt_checksum).toBe(lookUp(errorsIn(language), 'receipt_checksum'));
    }
    expect(browserErrorWords('es')).not.toContain(lookUp(errorsIn('en'), 'receipt_checksum'));
  });

  it('takes a JSON refusal words from the server, which rendered them in the request language', () => {
    expect(refusalMessage({ code: 'empty_message', message: 'Primero escribe tu mensaje.' }, 'fallback')).toBe('Primero escribe tu mensaje.');
    expect(refusalMessage({ code: 'purged' }, 'fallback')).toBe('fallback');
    expect(refusalMessage(undefined, 'fallback')).toBe('fallback');
  });

  it('describes anything thrown: coded errors by their words, other errors by their message', () => {
    expect(describeError(new CodedError('cannot_open'), 'fallback', 'pt-BR')).toBe('Isto não pode ser aberto com estas chaves.');
    expect(describeError(new Error('plain'), 'fallback')).toBe('plain');
    expect(describeError('a string', 'fallback')).toBe('fallback');
  });
});
