// Sources coming back with their receipt (DESIGN §3 Follow-up, §4): status and timeline,
// messages to the moderators, withdrawal. The server is given only the lookup token (or, on the
// no-JavaScript path, derives it in memory) and finds the submission by SHA-256 of it.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { attachReplyUpload, deleteAttachmentsOf } from '../attachments/service.js';
import type { AttachmentLimits } from '../config.js';
import { decodeField } from '../binary-fields.js';
import { todayUtc } from '../db/day.js';
import type { Database, Day, SubmissionStatus } from '../db/schema.js';
import { allows, transition } from '../../common/workflow.js';
import { CodedError } from '../../common/errors.js';
import { currentIntakeKey } from '../intake/service.js';
import { publishedStateChanged } from '../publishing/cache.js';
import { appendAuditEntry } from '../audit/log.js';
import { markScrubDue } from '../db/scrub.js';
import { lookupTokenHash, withdrawalTagHash } from '../../common/protocol/digest.js';
import { fromBase64 } from '../../common/protocol/encoding.js';
import { openMessage, sealMessage, type BoxKeyPair } from '../../common/protocol/envelope.js';
import { bucketOfSealedLength, PADDING_BUCKETS, SEAL_OVERHEAD } from '../../common/protocol/padding.js';
import { deriveReceiptKeys, entropyFromReceiptWords, LOOKUP_TOKEN_BYTES, WITHDRAWAL_TAG_BYTES } from '../../common/protocol/receipt.js';
import { loadSodium, type Sodium } from '../../common/protocol/sodium.js';
import type { SourceStatus, statusFormBodySchema } from '../../common/followup/schemas.js';
import type { FromSchema } from 'json-schema-to-ts';
import { buildTimeline, type TimelineEvent } from '../../common/followup/timeline.js';
import type { Language } from '../../common/languages.js';
import { translate } from '../i18n/catalogue.js';

const LARGEST_SEALED_MESSAGE = PADDING_BUCKETS[PADDING_BUCKETS.length - 1]! + SEAL_OVERHEAD;

// Messages oldest first, ciphertexts in base64: to_source ones sealed to the reply key,
// from_source ones to an intake key; `story` only while a story drawn from the account is published.
export type { SourceStatus };

interface SubmissionState {
  status: SubmissionStatus;
  purged_on: Day | null;
}

// Moderators read messages only until the decision (the table's reply rows); after it nobody would.
const canReply = (row: SubmissionState) => allows('submission', row.status, 'reply') && row.purged_on === null;
const canWithdraw = (row: SubmissionState) => allows('submission', row.status, 'withdraw') && row.purged_on === null;

/** One answer for every receipt the server does not know, whatever the reason. */
function unknownReceipt(): CodedError {
  return new CodedError('unknown_receipt');
}

/** 410 for what no longer exists: a withdrawn submission, or one whose ciphertexts were purged. */
function refuseIfGone(row: SubmissionState): void {
  if (row.status === 'withdrawn') {
    throw new CodedError('withdrawn');
  }
  if (row.purged_on !== null) {
    throw new CodedError('purged', { purgedOn: row.purged_on });
  }
}

export function parseLookupToken(text: string): Uint8Array {
  return decodeField(text, 'lookupToken', LOOKUP_TOKEN_BYTES);
}

/** The receipt's withdrawal tag, which the source's browser sends beside the token; absent from older pages. */
export function parseWithdrawalTag(text: string | undefined): Uint8Array | undefined {
  return text === undefined ? undefined : decodeField(text, 'withdrawalTag', WITHDRAWAL_TAG_BYTES);
}

/** A sealed message must hold one padding bucket; beyond the largest it is too large (413). */
export function parseSealedMessage(text: string): Uint8Array {
  const ciphertext = decodeField(text, 'ciphertext');
  if (bucketOfSealedLength(ciphertext.length) !== undefined) return ciphertext;
  if (ciphertext.length > LARGEST_SEALED_MESSAGE) {
    throw new CodedError('message_too_large');
  }
  throw new CodedError('bad_ciphertext_length', { field: 'ciphertext' });
}

/**
 * The submission a token opens, with its thread and story, in one indexed query whether or not
 * the token is known: an unknown token costs the same lookup and gets the same 404. The thread
 * comes aggregated and base64-encoded by the database, so that a known token adds little work.
 */
export async function lookUpStatus(db: Kysely<Database>, limits: AttachmentLimits, lookupToken: Uint8Array, withdrawalTag?: Uint8Array): Promise<SourceStatus> {
  // From a one-row probe, so that the joins and the thread subquery run (and find nothing) for
  // an unknown token just as they run for a known one. The story is found by the receipt's
  // withdrawal tag: nothing stored links it to the submission (docs/threat-model-storage.md).
  const tagHash = withdrawalTag === undefined ? null : withdrawalTagHash(withdrawalTag);
  const probe = db.selectNoFrom([sql<Uint8Array>`${lookupTokenHash(lookupToken)}::bytea`.as('lookup_hash'), sql<Uint8Array | null>`${tagHash}::bytea`.as('tag_hash')]).as('probe');
  const found = await db
    .selectFrom(probe)
    .leftJoin('submissions', 'submissions.lookup_hash', 'probe.lookup_hash')
    .leftJoin('stories', (join) => join.onRef('stories.withdrawal_tag_hash', '=', 'probe.tag_hash').on('submissions.id', 'is not', null))
    .select((eb) => [
      'submissions.status',
      'submissions.received_on',
      'submissions.review_started_on',
      'submissions.decided_on',
      'submissions.purged_on',
      'submissions.status_changed_on',
      'stories.status as story_status',
      'stories.slug as story_slug',
      'stories.published_on as story_published_on',
      'stories.retracted_on as story_retracted_on',
      jsonArrayFrom(
        eb
          .selectFrom('messages')
          .select(['messages.direction', sql<string>`encode(messages.ciphertext, 'base64')`.as('ciphertext'), sql<Day>`to_char(messages.sent_on, 'YYYY-MM-DD')`.as('sentOn')])
          .whereRef('messages.submission_id', '=', 'submissions.id')
          .orderBy('messages.position'),
      ).as('thread'),
      // What the account and its replies already carry, for the allowance a reply's files have left.
      eb
        .selectFrom('attachment_files as f')
        .innerJoin('attachment_uploads as u', 'u.id', 'f.upload_id')
        .select((files) => files.fn.countAll<string>().as('n'))
        .whereRef('u.submission_id', '=', 'submissions.id')
        .as('attached_files'),
      eb
        .selectFrom('attachment_files as f')
        .innerJoin('attachment_uploads as u', 'u.id', 'f.upload_id')
        .select((files) => files.fn.sum<string>('f.padded_size').as('bytes'))
        .whereRef('u.submission_id', '=', 'submissions.id')
        .as('attached_bytes'),
    ])
    .executeTakeFirstOrThrow();
  const { status, received_on: receivedOn, status_changed_on: statusChangedOn } = found;
  // Columns that are never null on a row are null only when no submission matched.
  if (status === null || receivedOn === null || statusChangedOn === null) throw unknownReceipt();
  const state = { status, purged_on: found.purged_on };

  const withdrawn = status === 'withdrawn';
  // encode() breaks lines every 76 characters; base64 travels on one line (DESIGN §3). Removed
  // here rather than in SQL, where translate() would cost a known token measurably more time.
  const messages = withdrawn ? [] : found.thread.map((m) => ({ ...m, ciphertext: m.ciphertext.replaceAll('\n', '') }));
  const hasStory = found.story_status !== null && !withdrawn;
  const published = hasStory && found.story_status === 'published' && found.story_slug !== null;
  return {
    status,
    timeline: buildTimeline({
      status,
      receivedOn,
      reviewStartedOn: found.review_started_on,
      decidedOn: found.decided_on,
      purgedOn: found.purged_on,
      statusChangedOn,
      messages,
      story: hasStory ? { publishedOn: found.story_published_on, retractedOn: found.story_retracted_on } : null,
    }),
    messages,
    ...(published ? { story: { url: `/stories/${encodeURIComponent(found.story_slug!)}` } } : {}),
    canReply: canReply(state),
    canWithdraw: canWithdraw(state),
    // What a reply's files may still take; nothing once no reply is taken.
    fileAllowance: canReply(state)
      ? {
          files: Math.max(0, limits.maxFiles - Number(found.attached_files ?? 0)),
          paddedBytes: Math.max(0, limits.maxAccountBytes - Number(found.attached_bytes ?? 0)),
        }
      : { files: 0, paddedBytes: 0 },
  };
}

/** The submission behind a lookup hash, locked for this transaction; refused if unknown or gone. */
async function lockedLiveSubmission(trx: Transaction<Database>, hash: Uint8Array) {
  const row = await trx.selectFrom('submissions').select(['id', 'status', 'purged_on']).where('lookup_hash', '=', hash).forUpdate().executeTakeFirst();
  if (!row) throw unknownReceipt();
  refuseIfGone(row);
  return row;
}

/** Files sent with a reply: the complete upload its sealed message lists, and the operator's limits. */
export interface ReplyFiles {
  uploadId: string;
  limits: AttachmentLimits;
}

/**
 * Stores a message the source sealed to the intake key, with the files its upload holds, in one
 * transaction: a reply whose files are not all stored is refused whole. An answer to a question
 * moves the submission back to in_review; after a decision moderators no longer read messages (409).
 */
export async function receiveSourceMessage(db: Kysely<Database>, lookupToken: Uint8Array, ciphertext: Uint8Array, files?: ReplyFiles): Promise<{ status: SubmissionStatus }> {
  const hash = lookupTokenHash(lookupToken);
  const today = todayUtc();
  return db.transaction().execute(async (trx) => {
    const row = await lockedLiveSubmission(trx, hash);
    if (!canReply(row)) {
      throw new CodedError('already_decided');
    }
    const last = await trx
      .selectFrom('messages')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('submission_id', '=', row.id)
      .executeTakeFirst();
    const messageId = randomUUID();
    await trx
      .insertInto('messages')
      .values({
        id: messageId,
        submission_id: row.id,
        position: Number(last?.position ?? 0) + 1,
        direction: 'from_source',
        ciphertext,
        sent_on: today,
      })
      .execute();
    if (files) await attachReplyUpload(trx, files.limits, files.uploadId, { submissionId: row.id, messageId });
    const status = transition('submission', row.status, 'reply', 'source');
    if (status === row.status) return { status };
    await trx.updateTable('submissions').set({ status, status_changed_on: today }).where('id', '=', row.id).execute();
    return { status };
  });
}

export interface Withdrawal {
  storiesRetracted: number;
  draftsDeleted: number;
}

/**
 * Withdraws a submission at once, in one transaction: the envelope and every message are
 * deleted, its account leaves the statistics at their next refresh, a published story is
 * retracted (its text emptied) and unpublished drafts are deleted.
 */
export async function withdrawSubmission(db: Kysely<Database>, lookupToken: Uint8Array, withdrawalTag?: Uint8Array): Promise<Withdrawal> {
  const tagHash = withdrawalTag === undefined ? undefined : withdrawalTagHash(withdrawalTag);
  const hash = lookupTokenHash(lookupToken);
  const today = todayUtc();
  const withdrawal = await db.transaction().execute(async (trx) => {
    const row = await lockedLiveSubmission(trx, hash);
    await trx
      .updateTable('submissions')
      // Nor the lookup hash, nor the reply key: the words then find nothing, as words never given.
      .set({ envelope: null, lookup_hash: null, reply_public_key: null, status: transition('submission', row.status, 'withdraw', 'source'), status_changed_on: today })
      .where('id', '=', row.id)
      .execute();
    // Files first: reply files go with their messages, and are counted before they do.
    const filesDeleted = await deleteAttachmentsOf(trx, [row.id]);
    await trx.deleteFrom('messages').where('submission_id', '=', row.id).execute();
    let storiesRetracted = 0;
    let draftsDeleted = 0;
    // The account and story carry only the receipt's tag: without it (an account accepted before
    // migration 0018, or an older page) nothing published can be found from the submission.
    if (tagHash) {
      // Not yet counted: it never will be. Counted: it leaves the statistics at the next refresh.
      await trx.deleteFrom('pending_accounts').where('withdrawal_tag_hash', '=', tagHash).execute();
      await trx.updateTable('accounts').set({ withdrawn_on: today, withdrawal_tag_hash: null }).where('withdrawal_tag_hash', '=', tagHash).execute();
      const retracted = await trx
        .updateTable('stories')
        .set({ status: transition('story', 'published', 'retract', 'source'), retracted_on: today, body: '', pull_quotes: '[]', withdrawal_tag_hash: null })
        .where('withdrawal_tag_hash', '=', tagHash)
        .where('status', '=', 'published')
        .returning('id')
        .execute();
      storiesRetracted = retracted.length;
      // Journalists' questions to this source and the answers, published or sealed, go with the story (issue 32).
      if (retracted.length > 0)
        await trx
          .deleteFrom('press_questions')
          .where(
            'story_id',
            'in',
            retracted.map((r) => r.id),
          )
          .execute();
      // Never public: nothing to retract, so nothing of the source's words is kept.
      const deleted = await trx.deleteFrom('stories').where('withdrawal_tag_hash', '=', tagHash).where('status', 'in', ['draft', 'awaiting_second_review', 'approved']).executeTakeFirst();
      draftsDeleted = Number(deleted.numDeletedRows);
    }
    await markScrubDue(trx);
    // No subject: the entry says that a withdrawal happened, not whose.
    await appendAuditEntry(trx, { actor: 'system', action: 'submission.withdrawn', details: { storiesRetracted, draftsDeleted, filesDeleted } });
    return { storiesRetracted, draftsDeleted };
  });
  // A retracted story leaves this instance's public pages at once.
  if (withdrawal.storiesRetracted > 0) publishedStateChanged();
  return withdrawal;
}

// ——— The no-JavaScript path: the server does the browser's work in memory, for one response. ———

/** What the no-JavaScript status form posts (its schema's type). */
export type StatusForm = FromSchema<typeof statusFormBodySchema>;

export interface ReadableMessage {
  fromModerators: boolean;
  sentOn: Day;
  /** Clear text of a moderator's question; the source's own messages are sealed to the moderators. */
  body: string | null;
}

export interface ReadableStatus {
  status: SubmissionStatus;
  statusText: string;
  timeline: { event: TimelineEvent; label: string; day: Day }[];
  messages: ReadableMessage[];
  story?: { url: string };
  canReply: boolean;
  canWithdraw: boolean;
}

export interface StatusFormOutcome {
  statusCode: number;
  refusal?: CodedError;
  notice?: string;
  status?: ReadableStatus;
  /** Whether the refused message should be offered again for editing. */
  keepMessage: boolean;
}

function readable(sodium: Sodium, found: SourceStatus, replyKeyPair: BoxKeyPair, language: Language): ReadableStatus {
  return {
    status: found.status,
    statusText: translate(language, `status:states.${found.status}`),
    timeline: found.timeline.map((entry) => ({ ...entry, label: translate(language, `status:events.${entry.event}`) })),
    messages: found.messages.map((message) => {
      if (message.direction === 'from_source') return { fromModerators: false, sentOn: message.sentOn, body: null };
      try {
        return { fromModerators: true, sentOn: message.sentOn, body: openMessage(sodium, fromBase64(sodium, message.ciphertext), replyKeyPair).body };
      } catch (error) {
        if (error instanceof CodedError) return { fromModerators: true, sentOn: message.sentOn, body: translate(language, 'status:browser.unreadable') };
        throw error;
      }
    }),
    ...(found.story ? { story: found.story } : {}),
    canReply: found.canReply,
    canWithdraw: found.canWithdraw,
  };
}

async function sealOnServer(db: Kysely<Database>, sodium: Sodium, text: string): Promise<Uint8Array> {
  if (text.trim() === '') throw new CodedError('empty_message');
  const key = await currentIntakeKey(db);
  if (!key) throw new CodedError('intake_closed');
  try {
    return sealMessage(sodium, text, key.publicKey);
  } catch (error) {
    if (error instanceof CodedError && error.is('too_large')) {
      throw new CodedError('message_too_large');
    }
    throw error;
  }
}

/**
 * POST /status: derives the keys from the words, performs the action, then reads the status
 * and opens the moderators' messages. The words, keys and clear text live only in this call.
 */
export async function handleStatusForm(db: Kysely<Database>, limits: AttachmentLimits, form: StatusForm, language: Language): Promise<StatusFormOutcome> {
  let entropy: Uint8Array;
  try {
    entropy = entropyFromReceiptWords(form.words ?? '');
  } catch (error) {
    if (error instanceof CodedError) return { statusCode: error.statusCode, refusal: error, keepMessage: true };
    throw error;
  }
  const sodium = await loadSodium();
  const { lookupToken, replyKeyPair, withdrawalTag } = deriveReceiptKeys(sodium, entropy);
  sodium.memzero(entropy);
  try {
    let refusal: CodedError | undefined;
    let notice: string | undefined;
    try {
      if (form.action === 'reply') {
        await receiveSourceMessage(db, lookupToken, await sealOnServer(db, sodium, form.message ?? ''));
        notice = translate(language, 'status:messageSentServer');
      } else if (form.action === 'withdraw') {
        if (form.confirm !== 'yes') {
          throw new CodedError('not_confirmed');
        }
        await withdrawSubmission(db, lookupToken, withdrawalTag);
        // Nothing is left to look up: the words now find nothing, as words never given.
        return { statusCode: 200, notice: translate(language, 'status:withdrawnNotice'), keepMessage: false };
      }
    } catch (error) {
      if (!(error instanceof CodedError) || error.statusCode === 503) throw error;
      refusal = error;
    }
    let found: SourceStatus;
    try {
      found = await lookUpStatus(db, limits, lookupToken, withdrawalTag);
    } catch (error) {
      if (error instanceof CodedError && error.statusCode === 404) return { statusCode: 404, refusal: error, keepMessage: false };
      throw error;
    }
    return {
      statusCode: refusal?.statusCode ?? 200,
      ...(refusal ? { refusal } : {}),
      ...(notice ? { notice } : {}),
      status: readable(sodium, found, replyKeyPair, language),
      keepMessage: refusal !== undefined && form.action === 'reply',
    };
  } finally {
    sodium.memzero(replyKeyPair.privateKey);
  }
}
