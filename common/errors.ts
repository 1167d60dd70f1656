// The one error type (DESIGN §8): a stable code, the HTTP status that code maps to, and details
// that are data (a field name, a limit), never English. Words are rendered from the code at the
// edge, by common/error-messages.ts, in the server's pages and JSON and in the browser bundles.
import type { FromSchema } from 'json-schema-to-ts';

/** Every refusal the system can give, and the HTTP status it is sent with. */
export const ERROR_STATUSES = {
  // Refused before a route runs: the framework, the parser, the router.
  body_too_large: 413,
  unsupported_media_type: 415,
  invalid_json: 400,
  csrf_failed: 403,
  bad_content_length: 400,
  bad_url: 400,
  address_too_long: 414,
  request_timeout: 408,
  headers_too_large: 431,
  invalid_request: 400,
  bad_request: 400,
  rate_limited: 429,
  not_found: 404,
  internal_error: 500,
  unavailable: 503,
  // The global upload budget (server/attachments/upload-budget.ts): files wait, accounts do not.
  uploads_paused: 503,
  // The protocol (common/protocol/): malformed or unopenable data.
  bad_base64: 400,
  bad_length: 400,
  too_large: 413,
  bad_padding: 400,
  cannot_open: 400,
  backup_unreadable: 400,
  restore_target_not_empty: 409,
  bad_version: 400,
  bad_digest: 400,
  bad_manifest: 400,
  receipt_word_count: 400,
  receipt_unknown_word: 400,
  receipt_checksum: 400,
  // The account a source writes (common/intake/account.ts).
  account_choose_one: 400,
  account_unknown_value: 400,
  account_listed_twice: 400,
  narrative_required: 400,
  consent_required: 400,
  quotable_too_long: 400,
  half_year_is_date: 400,
  half_year_malformed: 400,
  half_year_too_early: 400,
  half_year_in_future: 400,
  account_not_object: 400,
  account_not_list: 400,
  account_not_text: 400,
  account_unknown_version: 400,
  account_v1_facts: 400,
  unknown_question: 400,
  question_not_in_version: 400,
  // Intake and follow-up.
  intake_closed: 503,
  bad_intake_key: 400,
  unknown_intake_key: 400,
  retired_intake_key: 409,
  bad_ciphertext_length: 400,
  lookup_token_used: 409,
  account_too_large: 413,
  unknown_receipt: 404,
  withdrawn: 410,
  purged: 410,
  already_decided: 409,
  message_too_large: 413,
  empty_message: 400,
  not_confirmed: 400,
  // Moderators: sessions, team, keys.
  login_failed: 401,
  login_paused: 429,
  // Challenges are piling up (issue 25): the next one costs a proof of work, which the console solves.
  login_work_needed: 429,
  not_logged_in: 401,
  cross_site_request: 403,
  administrators_only: 403,
  bad_handle: 400,
  handle_taken: 409,
  unknown_invitation: 404,
  invitation_used: 410,
  invitation_expired: 410,
  intake_key_required: 400,
  intake_key_exists: 409,
  bad_verification: 400,
  unknown_moderator: 404,
  moderator_not_active: 409,
  grant_unknown_key: 400,
  last_administrator: 409,
  bad_grants: 400,
  watch_list_retired_key: 409,
  // Moderators: passkeys (issue 19).
  passkey_refused: 400,
  passkey_taken: 409,
  passkey_needs_prf: 400,
  passkey_seed_unexpected: 400,
  unknown_passkey: 404,
  last_passkey: 409,
  reenrol_self: 409,
  // A passkey at another origin of the console (issue 25): a one-time link made at the first.
  unknown_console_origin: 400,
  unknown_origin_link: 404,
  passkey_required: 403,
  // Moderators: four eyes on the team (issue 26).
  fresh_assertion_required: 403,
  fresh_assertion_refused: 403,
  user_verification_required: 400,
  keys_not_prf_bound: 409,
  unknown_team_change: 404,
  not_proposed: 409,
  own_proposal: 409,
  not_proposer: 403,
  invited_by_author: 409,
  invitation_confirmed: 409,
  own_invitation: 409,
  shell_administrator_unverified: 409,
  no_intake_key_to_grant: 409,
  demo_passphrase: 400,
  passkey_needs_approval: 403,
  // Moderators: submissions and stories.
  unknown_submission: 404,
  unknown_facet: 400,
  not_asked: 400,
  submission_decided: 409,
  claimed_by_other: 409,
  not_your_claim: 409,
  unresolved_identifiers: 400,
  publication_changed: 409,
  no_consent_to_quote: 400,
  empty_story: 400,
  unknown_story: 404,
  own_draft: 409,
  not_awaiting_review: 409,
  not_author: 403,
  not_a_draft: 409,
  // The workflow's table (common/workflow.ts) has no such step from the current state.
  transition_refused: 409,
  // Publishing.
  bad_cursor: 400,
  search_too_long: 400,
  unknown_table: 400,
  unknown_platform: 404,
  bad_release_number: 400,
  unknown_release: 404,
  // Attachments (server/attachments/).
  no_files: 400,
  too_many_files: 400,
  bad_padded_size: 400,
  file_too_large: 413,
  account_files_too_large: 413,
  unknown_upload: 404,
  upload_already_sent: 409,
  unknown_file: 400,
  chunk_out_of_range: 400,
  bad_chunk_length: 400,
  chunk_already_stored: 409,
  upload_incomplete: 409,
  upload_digest_mismatch: 400,
  unknown_attachment: 404,
  verification_without_files: 409,
  // Signed email evidence (issue 33, server/evidence/).
  signed_email_not_platform_domain: 409,
  signed_email_platform_not_named: 409,
  signed_email_already_counted: 409,
  reply_too_many_files: 400,
  reply_files_too_large: 413,
  // Statistics (continual release): the privacy filter refuses a refresh past the lifetime budget.
  statistics_budget_exhausted: 409,
  // Press questions (issue 32, server/press/).
  console_not_for_journalists: 403,
  press_desk_journalists_only: 403,
  story_not_published: 409,
  unknown_press_question: 404,
  question_wrong_state: 409,
  own_answer_draft: 409,
  press_daily_cap: 429,
  bad_press_text: 400,
  journalists_hold_no_keys: 409,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUSES;

/** Why a request failed its JSON schema, as data; the words are the catalogue's. */
export type ValidationProblem =
  | { problem: 'control_character' }
  | { problem: 'unexpected_field'; name: string }
  | { problem: 'missing_field'; name: string }
  | { problem: 'not_one_of'; allowed: string[] }
  | { problem: 'too_long' | 'too_short' | 'too_many' | 'too_few' | 'too_big' | 'too_small'; limit: number }
  | { problem: 'wrong_type'; type: string }
  | { problem: 'wrong_form' }
  | { problem: 'invalid' };

/** The details a code carries; a code not listed here carries none. */
export interface ErrorDetailsByCode {
  statistics_budget_exhausted: { refresh: number; lifetime: number; horizon: number };
  invalid_request: { field: string } & ValidationProblem;
  signed_email_not_platform_domain: { domain: string; platform: string };
  signed_email_platform_not_named: { platform: string };
  rate_limited: { seconds: number };
  login_work_needed: { puzzle: string; bits: number };
  uploads_paused: { minutes: number };
  bad_base64: { field: string };
  backup_unreadable: { reason: 'not an Offscript backup' | 'sealed to another key' | 'altered or damaged' | 'truncated' | 'unknown format' };
  bad_length: { field: string; expected: number; actual: number; unit?: 'bytes' | 'chunks' | 'pages' };
  too_large: { maxBytes: number; subject?: 'text' | 'file' };
  bad_manifest: {
    attachment?: number;
    problem: 'not_a_list' | 'not_an_object' | 'unknown_kind' | 'padded_size' | 'key' | 'header' | 'digest' | 'page_count';
  };
  receipt_word_count: { expected: number; actual: number };
  account_choose_one: { field: string };
  account_unknown_value: { field: string; value: string; allowed: readonly string[] };
  account_listed_twice: { field: string };
  narrative_required: { field: 'narrative' };
  consent_required: { field: 'consent' };
  quotable_too_long: { field: 'quotable'; maxChars: number };
  half_year_is_date: { field: string };
  half_year_malformed: { field: string };
  half_year_too_early: { field: string; firstYear: number };
  half_year_in_future: { field: string };
  account_not_object: { field: string };
  account_not_list: { field: string };
  account_not_text: { field: string };
  account_unknown_version: { field: 'v'; version: string };
  account_v1_facts: { field: 'v' };
  unknown_question: { field: string; question: string; questions: readonly string[] };
  question_not_in_version: { field: string; question: string; version: number; since: number };
  bad_intake_key: { bytes: number };
  bad_ciphertext_length: { field: string };
  purged: { purgedOn: string };
  login_paused: { minutes: number };
  handle_taken: { handle: string };
  moderator_not_active: { handle: string };
  keys_not_prf_bound: { handles: string[] };
  no_intake_key_to_grant: { holders: string[] };
  unknown_facet: { field: string; value: string; allowed: readonly string[] };
  submission_decided: { status: string };
  claimed_by_other: { holder?: string };
  unresolved_identifiers: { unresolved: number };
  not_awaiting_review: { status: string };
  not_a_draft: { status: string };
  transition_refused: { entity: string; from: string; event: string };
  search_too_long: { maxChars: number };
  unknown_table: { names: string[]; tables: readonly string[] };
  unknown_platform: { key: string; platforms: readonly string[] };
  unknown_release: { sequence: number };
  too_many_files: { maxFiles: number; declared: number };
  bad_padded_size: { file: number; buckets: readonly number[] };
  file_too_large: { file: number; maxBytes: number };
  account_files_too_large: { totalBytes: number; maxBytes: number };
  unknown_file: { file: number };
  chunk_out_of_range: { file: number; chunks: number };
  bad_chunk_length: { expected: number; actual: number };
  chunk_already_stored: { file: number; chunk: number };
  upload_incomplete: { file: number; stored: number; expected: number };
  upload_digest_mismatch: { file: number };
  reply_too_many_files: { maxFiles: number; attached: number; declared: number };
  reply_files_too_large: { maxBytes: number; attachedBytes: number; replyBytes: number };
}

/** The codes that carry no details. */
export type PlainErrorCode = Exclude<ErrorCode, keyof ErrorDetailsByCode>;

export type ErrorDetails<C extends ErrorCode> = C extends keyof ErrorDetailsByCode ? ErrorDetailsByCode[C] : undefined;

interface CodedErrorOptions {
  /** Sent as Retry-After: when a refusal ends by itself (429, 503). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

type CodedErrorArguments<C extends ErrorCode> = C extends keyof ErrorDetailsByCode
  ? [details: ErrorDetailsByCode[C], options?: CodedErrorOptions]
  : [details?: undefined, options?: CodedErrorOptions];

/**
 * A refusal: thrown by services, the protocol and the account rules alike. Its `message` is the
 * code (for logs and stacks); what a person reads comes from `errorMessage` at the edge.
 */
export class CodedError<C extends ErrorCode = ErrorCode> extends Error {
  readonly statusCode: (typeof ERROR_STATUSES)[C];
  readonly details: ErrorDetails<C>;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: C,
    ...[details, options]: CodedErrorArguments<C>
  ) {
    super(code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    this.statusCode = ERROR_STATUSES[code];
    // The rest-tuple ties details to the code for callers; inside, TypeScript cannot follow it.
    this.details = details as ErrorDetails<C>;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** Narrows to one code (or several), keeping its details typed. */
  is<K extends ErrorCode>(...codes: K[]): this is CodedError<K> {
    return (codes as ErrorCode[]).includes(this.code);
  }
}

export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_STATUSES, code);

export const errorResponseSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true, description: 'Data the message was rendered from (a field name, a limit), by code.' },
      },
    },
  },
} as const;

/** The JSON body of every refusal: `{error: {code, message, details?}}`. */
export type ErrorBody = FromSchema<typeof errorResponseSchema>;
