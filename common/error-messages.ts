// The words of every refusal, by code: the one message catalogue (English). A translation is
// another object of the same type; pages, JSON answers and browser bundles all render from here.
import { CodedError, isErrorCode, type ErrorCode, type ErrorDetailsByCode, type ValidationProblem } from './errors.js';
import { PADDING_BUCKETS, SEAL_OVERHEAD } from './protocol/padding.js';
import { storyStatusLabels, submissionStatusLabels } from './vocabulary.js';

export type MessageCatalogue = {
  [C in ErrorCode]: C extends keyof ErrorDetailsByCode ? string | ((details: ErrorDetailsByCode[C]) => string) : string;
};

const TRY_AGAIN_SHORTLY = 'The service is briefly unavailable; nothing was changed. Try again in a few seconds.';

function validationProblem(where: string, details: ValidationProblem): string {
  switch (details.problem) {
    case 'control_character':
      return `${where} holds a control character; only text, tabs and line breaks are accepted.`;
    case 'unexpected_field':
      return `${where} has an unexpected field "${details.name}".`;
    case 'missing_field':
      return `${where} is missing the field "${details.name}".`;
    case 'not_one_of':
      return `${where} must be one of: ${details.allowed.join(', ')}.`;
    case 'too_long':
      return `${where} must be at most ${details.limit} characters.`;
    case 'too_short':
      return `${where} must be at least ${details.limit} characters.`;
    case 'too_many':
      return `${where} must have at most ${details.limit} items.`;
    case 'too_few':
      return `${where} must have at least ${details.limit} items.`;
    case 'too_big':
      return `${where} must be at most ${details.limit}.`;
    case 'too_small':
      return `${where} must be at least ${details.limit}.`;
    case 'wrong_type':
      return `${where} must be of type ${details.type}.`;
    case 'wrong_form':
      return `${where} is not in the expected form.`;
    case 'invalid':
      return `${where} is not valid.`;
  }
}

const MANIFEST_PROBLEMS: Record<ErrorDetailsByCode['bad_manifest']['problem'], string> = {
  not_a_list: 'not a list',
  not_an_object: 'not an object',
  unknown_kind: 'unknown kind',
  padded_size: 'padded size is not a bucket',
  key: 'bad key',
  header: 'bad header',
  digest: 'bad digest',
  page_count: 'page count',
};

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

const LISTED_ITEM: Record<string, string> = { platforms: 'A platform', taskTypes: 'A task type' };

export const ENGLISH: MessageCatalogue = {
  body_too_large: 'The request body is larger than 128 KiB.',
  unsupported_media_type: 'This content type is not accepted here.',
  invalid_json: 'The request body is not valid JSON.',
  csrf_failed: 'The security token is missing or wrong; reload the page and try again.',
  bad_content_length: 'Content-Length does not match the body.',
  bad_url: 'The address is not valid: it holds a malformed percent-encoding.',
  address_too_long: 'The address is too long.',
  request_timeout: 'The request took too long to arrive.',
  headers_too_large: 'The request headers are too large.',
  invalid_request: ({ field, ...problem }) => validationProblem(field, problem),
  bad_request: 'The request could not be understood.',
  rate_limited: ({ seconds }) => `Too many requests; try again in ${seconds} seconds.`,
  not_found: 'There is no page at this address.',
  internal_error: 'Something went wrong on our side.',
  unavailable: TRY_AGAIN_SHORTLY,
  uploads_paused: ({ minutes }) =>
    `The server is taking no more files just now; nothing was stored. Try again in ${minutes} minutes, or send your account without files.`,

  bad_base64: ({ field }) => `${field} is not valid base64.`,
  bad_length: ({ field, expected, actual, unit = 'bytes' }) => `${field} must be ${expected} ${unit}, got ${actual}.`,
  too_large: ({ maxBytes, subject = 'text' }) =>
    subject === 'file'
      ? `This file is too large: at most ${maxBytes} bytes once stripped.`
      : `This text is too long: at most ${maxBytes} bytes once encoded.`,
  bad_padding: 'The padding is malformed.',
  cannot_open: 'This cannot be opened with these keys.',
  backup_unreadable: ({ reason }) => `This backup cannot be restored: ${reason}.`,
  restore_target_not_empty: 'A backup is restored only into an empty database: use a fresh DATA_DIR or a new, empty Postgres database.',
  bad_version: 'This message is in a form this version cannot read.',
  bad_digest: 'This file is not the one the account lists: its digest differs.',
  bad_manifest: ({ attachment, problem }) => `${attachment === undefined ? 'attachments' : `Attachment ${attachment}`}: ${MANIFEST_PROBLEMS[problem]}.`,
  receipt_word_count: ({ expected, actual }) => `A receipt has ${expected} words; you typed ${actual}.`,
  receipt_unknown_word: 'One of the words is not in the receipt word list; check the spelling.',
  receipt_checksum: 'One of the words looks mistyped; check them against your note.',

  account_choose_one: ({ field }) => `Choose only one ${field}.`,
  account_unknown_value: ({ field, value, allowed }) => `Unknown ${field} "${value.slice(0, 40)}"; allowed: ${allowed.join(', ')}.`,
  account_listed_twice: ({ field }) => `${LISTED_ITEM[field] ?? field} is listed twice.`,
  narrative_required: 'Please write your account: the narrative is required.',
  consent_required: 'Please choose what may be done with your account.',
  quotable_too_long: ({ maxChars }) => `The quotable passage is limited to ${maxChars} characters.`,
  half_year_is_date: ({ field }) => `${field} takes a half-year such as 2026-H1, never a date.`,
  half_year_malformed: ({ field }) => `${field} must be a half-year such as 2026-H1 (the year, then H1 or H2).`,
  half_year_too_early: ({ field, firstYear }) => `${field} cannot be before ${firstYear}-H1.`,
  half_year_in_future: ({ field }) => `${field} cannot be in the future.`,
  account_not_object: ({ field }) => (field === 'v' ? 'An account is a JSON object.' : `${field} must be an object.`),
  account_not_list: ({ field }) => `${field} must be a list of names.`,
  account_not_text: ({ field }) => `${field} must be text.`,
  account_unknown_version: ({ version }) => `Unknown account version ${version}.`,
  account_v1_facts: 'A version-1 account was never asked the newer questions; it cannot carry their answers.',
  unknown_question: ({ question, questions }) => `There is no question "${question}"; the questions are: ${questions.join(', ')}.`,
  question_not_in_version: ({ question, version, since }) => `The question "${question}" was first asked by version ${since} of the form; a version-${version} account cannot carry its answer (it counts as "not asked").`,

  intake_closed: 'Accounts and messages are not accepted yet.',
  bad_intake_key: ({ bytes }) => `An intake public key is ${bytes} bytes.`,
  unknown_intake_key: 'This intake key is unknown; reload the page.',
  retired_intake_key: 'This intake key has been replaced; reload the page and send again.',
  bad_ciphertext_length: ({ field }) =>
    `${field} must be a padding bucket (${PADDING_BUCKETS.join(', ')} bytes) plus ${SEAL_OVERHEAD} bytes of seal.`,
  lookup_token_used: 'This receipt has already been used; draw a new one.',
  account_too_large: 'Your account is too long to send in one piece; please shorten it.',
  unknown_receipt: 'No account matches these twelve words. Check them against your note, in order.',
  withdrawn: 'This account was withdrawn: nothing of it is left to change.',
  purged: ({ purgedOn }) =>
    `The encrypted account and its messages were deleted on ${purgedOn}, as planned after the decision: nothing is left to change.`,
  already_decided: 'Your account has already been decided, so moderators no longer read messages about it. You can still withdraw it.',
  message_too_large: 'This message is too long to send in one piece; please shorten it.',
  empty_message: 'Write your message first.',
  not_confirmed: 'Tick “I understand this cannot be undone” to withdraw your account.',

  login_failed: 'Login failed: check your handle, your passphrase and your passkey.',
  login_paused: ({ minutes }) => `Too many failed logins for this handle; try again in ${minutes} minutes.`,
  login_work_needed: 'Many logins are being asked for right now: your browser solves a small puzzle before it may ask. Try again.',
  not_logged_in: 'Log in first; your session may have expired.',
  cross_site_request: 'This request came from another site; use the console at its own address.',
  administrators_only: 'Only administrators manage the team and keys.',
  bad_handle: 'A handle is 2–32 lowercase letters, digits, dots, dashes or underscores.',
  handle_taken: ({ handle }) => `The handle "${handle}" is already in use.`,
  unknown_invitation: 'This invitation link is not valid.',
  invitation_used: 'This invitation has already been used. Ask an administrator for a new one.',
  invitation_expired: 'This invitation has expired. Ask an administrator for a new one.',
  intake_key_required: 'The first administrator must create the intake key at enrolment.',
  intake_key_exists: 'An intake key already exists; an administrator grants it to you.',
  bad_verification: 'The signature does not cover this moderator’s current keys.',
  unknown_moderator: 'There is no such moderator.',
  moderator_not_active: ({ handle }) => `${handle} has not enrolled or is disabled.`,
  grant_unknown_key: 'A grant names an unknown intake key.',
  last_administrator: 'The last active administrator cannot be disabled.',
  bad_grants: 'A rotation seals the new key once each to active moderators, yourself included.',
  watch_list_retired_key: 'Seal the watch list to the current intake key.',
  passkey_refused: 'The passkey response was not valid for this request; nothing was changed. Try again.',
  passkey_taken: 'This passkey is already registered.',
  passkey_needs_prf: 'Your keys are bound to passkeys with PRF: this authenticator does not offer PRF, so it cannot open them. Use one that does.',
  passkey_seed_unexpected: 'Your keys rest on your passphrase: a passkey added now is a login factor only and wraps nothing.',
  unknown_passkey: 'You have no such passkey.',
  last_passkey: 'This is your only passkey: add another before removing it.',
  unknown_console_origin: 'That is not another address of this console.',
  unknown_origin_link: 'This link is not valid at this address: it was used, it expired (after ten minutes), or it was made for another address of the console.',
  reenrol_self: 'Another administrator must re-enrol you.',
  passkey_required: 'Add a passkey first (Passkeys, in the menu): submissions open only for moderators with one.',
  fresh_assertion_required: 'Confirm with your passkey: this change needs a fresh passkey check (with your PIN or fingerprint), not only your session.',
  fresh_assertion_refused: 'The passkey check was not valid for this change (wrong passkey, reused or expired check, or no user verification); nothing was changed.',
  user_verification_required: 'Your passkey must verify you (PIN, fingerprint or face): an authenticator that only checks presence is refused.',
  keys_not_prf_bound: ({ handles }) =>
    `The intake key goes only to moderators whose keys are bound to a passkey with PRF; not yet: ${handles.join(', ')}. They re-enrol with an authenticator that offers PRF (see the console's advice), or the operator sets ALLOW_KEYS_WITHOUT_PRF=1.`,
  unknown_team_change: 'There is no such team change.',
  not_proposed: 'This team change was already decided.',
  own_proposal: 'Another administrator must approve or refuse this change: you proposed it.',
  not_proposer: 'Only the administrator who proposed this change may withdraw it.',
  invited_by_author: 'You were invited by the author of this story: a second administrator must confirm your invitation (or the waiting period must pass) before you review their drafts.',
  invitation_confirmed: 'This invitation was already confirmed.',
  own_invitation: 'Another administrator must confirm an invitation you made.',
  shell_administrator_unverified: 'You were invited from the shell: another moderator must verify your key fingerprint before you rotate the intake key.',
  no_intake_key_to_grant: ({ holders }) =>
    holders.length > 0
      ? `You do not hold the intake key, so you cannot grant it. Ask one who does: ${holders.join(', ')}.`
      : 'Nobody holds the current intake key: rotate to a new key to grant it again.',
  demo_passphrase: 'This passphrase is printed in the README for the demo: choose another.',
  passkey_needs_approval: 'You hold the intake key on your passphrase alone: a passkey added from this session could unlock it, so it needs an administrator — ask one to re-enrol you.',

  unknown_submission: 'There is no such submission.',
  not_asked: 'A version-1 account was never asked the newer questions: facts and halfYear stay empty ("not asked").',
  unknown_facet: ({ field, value, allowed }) => `${field} "${value.slice(0, 40)}" is not one of: ${allowed.join(', ')}.`,
  submission_decided: ({ status }) => `This submission is already ${submissionStatusLabels.labelOf(status)}.`,
  claimed_by_other: ({ holder }) => `${holder ?? 'Another moderator'} is reviewing this submission; take it over first if you mean to.`,
  not_your_claim: 'You have not claimed this submission, so there is nothing to release.',
  unresolved_identifiers: ({ unresolved }) =>
    `${unresolved} likely identifier${unresolved === 1 ? ' is' : 's are'} still marked in the draft: redact each or mark it as not identifying.`,
  publication_changed: 'The attribution or tags this story would publish have changed since you opened it: reload the page and review them again.',
  no_consent_to_quote: 'The source did not consent to quotation: no story can be drafted.',
  empty_story: 'A story needs a title and a body.',
  unknown_story: 'There is no such story.',
  own_draft: 'A second moderator must review this draft: you wrote it.',
  console_not_for_journalists: 'A press account opens the press desk (/press), not the moderation console.',
  press_desk_journalists_only: 'The press desk is for journalists with a press account; moderators use the console.',
  story_not_published: 'Questions can be asked only about a story that is published now; this one is not (it may have been taken down).',
  unknown_press_question: 'No such question from a journalist.',
  question_wrong_state: 'This question is not at that step: it may not have been relayed yet, or it was already answered or declined.',
  own_answer_draft: 'A second moderator must approve an answer you prepared (four-eyes rule).',
  press_daily_cap: 'You have asked as many questions as a press account may ask today; try again tomorrow.',
  journalists_hold_no_keys: 'A journalist’s press account never holds the intake key.',
  bad_press_text: 'Write the text (it cannot be empty), within the length the form states.',
  not_awaiting_review: ({ status }) => `This story is ${storyStatusLabels.labelOf(status)}.`,
  not_author: 'Only the author revises a draft.',
  not_a_draft: ({ status }) => `This story is ${storyStatusLabels.labelOf(status)}.`,
  transition_refused: ({ entity, from, event }) => `This step (${event.replaceAll('_', ' ')}) is not possible from this ${entity === 'teamChange' ? 'team change' : entity}’s current state (${from.replaceAll('_', ' ')}); nothing was changed.`,

  bad_cursor: 'This page cursor is malformed or has been altered; start again from the first page.',
  search_too_long: ({ maxChars }) => `Search text is limited to ${maxChars} characters.`,
  unknown_table: ({ names, tables }) =>
    names.length === 0
      ? `table names no table; the tables are: ${tables.join(', ')}.`
      : `No statistics table is called ${names.map((n) => `"${n}"`).join(', ')}; the tables are: ${tables.join(', ')}.`,
  unknown_platform: ({ key, platforms }) => `There is no platform "${key}"; the platforms are: ${platforms.join(', ')}.`,
  bad_release_number: 'The release number must be a positive whole number (1, 2, 3 …).',
  unknown_release: ({ sequence }) => `There is no release ${sequence}; the list of releases is at /releases.`,

  no_files: 'An upload declares at least one file.',
  too_many_files: ({ maxFiles, declared }) => `An account may carry at most ${maxFiles} files; this upload declares ${declared}.`,
  bad_padded_size: ({ file, buckets }) => `File ${file}: a padded size is one of ${buckets.join(', ')} bytes.`,
  file_too_large: ({ file, maxBytes }) => `File ${file} is too large: at most ${megabytes(maxBytes)} a file.`,
  account_files_too_large: ({ totalBytes, maxBytes }) =>
    `These files take ${megabytes(totalBytes)} once padded; an account may carry at most ${megabytes(maxBytes)}.`,
  unknown_upload: 'This upload is unknown or has expired; start the upload again.',
  upload_already_sent: 'This upload has already been sent with an account; it takes no more chunks.',
  unknown_file: ({ file }) => `This upload declares no file ${file}.`,
  chunk_out_of_range: ({ file, chunks }) => `File ${file} has ${chunks} chunks, numbered 0 to ${chunks - 1}.`,
  bad_chunk_length: ({ expected, actual }) => `A sealed chunk is exactly ${expected} bytes; this one is ${actual}.`,
  chunk_already_stored: ({ file, chunk }) => `Chunk ${chunk} of file ${file} is already stored; the first copy is kept.`,
  upload_incomplete: ({ file, stored, expected }) => `File ${file} has ${stored} of its ${expected} chunks; send the rest, then the account.`,
  upload_digest_mismatch: ({ file }) => `File ${file} does not match its declared SHA-256; upload it again.`,
  unknown_attachment: 'This submission has no such file (it may have been deleted).',
  verification_without_files: 'This submission has no attached files, so no documents can be recorded as seen; accept it without the verification tier.',
  signed_email_not_platform_domain: ({ domain, platform }) =>
    `${domain} is not a sending domain of ${platform} in the list the administrators keep, so this email cannot mark the account verified.`,
  signed_email_platform_not_named: ({ platform }) => `The account does not name ${platform} among its platforms, so an email from ${platform} cannot verify it.`,
  signed_email_already_counted: 'Another account is already verified by this same email; it is counted once. Accept without the signed-email tier, or look at both accounts.',
  reply_too_many_files: ({ maxFiles, attached, declared }) =>
    `An account and its replies may carry at most ${maxFiles} files together; ${attached} are attached already and this reply adds ${declared}.`,
  statistics_budget_exhausted: ({ refresh, lifetime, horizon }) =>
    `Statistics refresh ${refresh} refused: the lifetime privacy budget (ε ${lifetime} per account over ${horizon} refreshes) is spent, so the figures carry over unchanged. Publishing new figures needs a new budget, stated in public (docs/statistics-continual-release.md).`,
  reply_files_too_large: ({ maxBytes, attachedBytes, replyBytes }) =>
    `An account and its replies may carry at most ${megabytes(maxBytes)} of files once padded; ${megabytes(attachedBytes)} are attached already and this reply adds ${megabytes(replyBytes)}.`,
};

/** The words for a code and its details. */
export function errorMessage<C extends ErrorCode>(code: C, details: C extends keyof ErrorDetailsByCode ? ErrorDetailsByCode[C] : undefined, catalogue: MessageCatalogue = ENGLISH): string {
  const entry: string | ((details: never) => string) = catalogue[code];
  // The mapped type pairs each code with its details; indexing by a generic code loses the pair.
  return typeof entry === 'string' ? entry : (entry as (details: unknown) => string)(details);
}

/** The words for a thrown CodedError. */
export const codedErrorMessage = (error: CodedError, catalogue: MessageCatalogue = ENGLISH): string =>
  errorMessage(error.code, error.details, catalogue);

/**
 * The words for a refusal the browser received as JSON: rendered here from its code when this
 * bundle knows it (and its details fit), else the server's own words.
 */
export function refusalMessage(error: { code?: unknown; message?: unknown; details?: unknown } | undefined, fallback: string): string {
  const serverWords = typeof error?.message === 'string' ? error.message : fallback;
  if (!isErrorCode(error?.code)) return serverWords;
  const entry: string | ((details: never) => string) = ENGLISH[error.code];
  if (typeof entry === 'string') return entry;
  if (typeof error.details !== 'object' || error.details === null) return serverWords;
  try {
    // Details come from our own server's JSON for this code; a mismatch falls back to its words.
    return (entry as (details: unknown) => string)(error.details);
  } catch {
    return serverWords;
  }
}

/** What to show a person for anything thrown: a CodedError's words, another error's message, else the fallback. */
export function describeError(error: unknown, fallback: string): string {
  if (error instanceof CodedError) return codedErrorMessage(error);
  return error instanceof Error && error.message !== '' ? error.message : fallback;
}
