// The moderation queue and decisions on submissions (DESIGN §4): the server hands out
// ciphertexts and records decisions; reading happens in the moderator's browser.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { decodeField } from '../binary-fields.js';
import { todayUtc } from '../db/day.js';
import { SUBMISSION_STATUSES, type Database, type Day, type SubmissionStatus } from '../db/schema.js';
import { claimRefusal, decisionRefusal, isUndecided, transition, UNDECIDED_STATUSES } from '../../common/workflow.js';
import { CodedError } from '../../common/errors.js';
import { withdrawalTagHash } from '../../common/protocol/digest.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { WITHDRAWAL_TAG_BYTES } from '../../common/protocol/receipt.js';
import { bucketOfSealedLength } from '../../common/protocol/padding.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { parseHalfYear, readFacts, refuseUnaskedFacts } from '../../common/intake/account.js';
import {
  attributionLabels,
  conditionAnswers,
  conditions,
  consents,
  documentKinds,
  hoursBands,
  payAgainstAdvertised,
  payBands,
  platforms,
  roles,
  submissionStatusLabels,
  taskTypes,
  type Condition,
  type ConditionAnswer,
  type Consent,
  type HoursBand,
  type PayBand,
  type Platform,
  type Role,
  type TaskType,
} from '../../common/vocabulary.js';
import type { FromSchema } from 'json-schema-to-ts';
import type { facetsSchema, queueQuerySchema } from './schemas.js';
import { appendAuditEntry } from '../audit/log.js';
import type { ModeratorIdentity } from './team-service.js';
import type { SubmissionForModerator } from '../../common/moderation/submission-view.js';
import type { QueueItem } from '../../common/moderation/queue-view.js';
import { signedEmailColumns, type SignedEmailVerification } from '../evidence/signed-email.js';

/** A status, or 'undecided' (received, in review or waiting for the source: the queue's default view), and whose claim. */
type QueueFilters = FromSchema<typeof queueQuerySchema>;

const DAY_MS = 86_400_000;
const daysBetween = (from: Day, to: Day) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export async function listQueue(db: Kysely<Database>, viewer: { id: string }, filters: QueueFilters = {}): Promise<QueueItem[]> {
  let query = db
    .selectFrom('submissions')
    .leftJoin('moderators', 'moderators.id', 'submissions.claimed_by')
    .select([
      'submissions.id',
      'submissions.received_on',
      'submissions.status',
      'submissions.padding_bucket',
      'submissions.purged_on',
      'submissions.claimed_by',
      'moderators.handle',
      (eb) =>
        eb.selectFrom('messages').select('messages.direction').whereRef('messages.submission_id', '=', 'submissions.id').orderBy('messages.position', 'desc').limit(1).as('last_direction'),
    ])
    .orderBy('submissions.received_on', 'asc')
    .orderBy('submissions.id');
  const { status, claim = 'any' } = filters;
  if (status === 'undecided') query = query.where('submissions.status', 'in', UNDECIDED_STATUSES);
  else if (status) query = query.where('submissions.status', '=', status);
  if (claim === 'unclaimed') query = query.where('submissions.claimed_by', 'is', null);
  if (claim === 'mine') query = query.where('submissions.claimed_by', '=', viewer.id);
  if (claim === 'others') query = query.where('submissions.claimed_by', 'is not', null).where('submissions.claimed_by', '<>', viewer.id);
  const rows = await query.execute();
  const today = todayUtc();
  return rows.map((r) => {
    const open = isUndecided(r.status);
    return {
      id: r.id,
      receivedOn: r.received_on,
      status: r.status,
      statusText: submissionStatusLabels.labelOf(r.status),
      paddingBucket: r.padding_bucket,
      purged: r.purged_on !== null,
      claimedBy: r.handle ?? null,
      claimedByMe: r.claimed_by === viewer.id,
      sourceReplied: open && r.last_direction === 'from_source',
      questionPending: open && r.last_direction === 'to_source',
      daysWaiting: open ? daysBetween(r.received_on, today) : null,
    };
  });
}

/** How many submissions each status holds, and how many are undecided (the queue's "to decide" tab). */
export async function queueCounts(db: Kysely<Database>): Promise<Record<SubmissionStatus | 'undecided', number>> {
  const rows = await db
    .selectFrom('submissions')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(SUBMISSION_STATUSES.map((s) => [s, 0])) as Record<SubmissionStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.n);
  return { undecided: UNDECIDED_STATUSES.reduce((sum, status) => sum + counts[status], 0), ...counts };
}

export type { SubmissionForModerator };

async function claimOf(db: Kysely<Database>, claimedBy: string | null): Promise<SubmissionForModerator['claim']> {
  if (claimedBy === null) return null;
  const holder = await db.selectFrom('moderators').select(['id', 'handle']).where('id', '=', claimedBy).executeTakeFirst();
  return holder ? { id: holder.id, handle: holder.handle } : null;
}

/** Hands out a submission's ciphertexts. Read-only: only "Start review" (claimSubmission) changes its state. */
export async function openSubmission(db: Kysely<Database>, id: string): Promise<SubmissionForModerator> {
  const sodium = await loadSodium();
  const row = await db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new CodedError('unknown_submission');
  const messages = await db.selectFrom('messages').selectAll().where('submission_id', '=', id).orderBy('position').execute();
  return {
    id: row.id,
    receivedOn: row.received_on,
    status: row.status,
    statusText: submissionStatusLabels.labelOf(row.status),
    claim: await claimOf(db, row.claimed_by),
    paddingBucket: row.padding_bucket,
    intakeKeyId: row.intake_key_id,
    envelope: row.envelope && toBase64(sodium, row.envelope),
    // Null once withdrawn: nobody writes to a source who withdrew.
    replyPublicKey: row.reply_public_key && toBase64(sodium, row.reply_public_key),
    messages: messages.map((m) => ({
      id: m.id,
      direction: m.direction,
      ciphertext: toBase64(sodium, m.ciphertext),
      sentOn: m.sent_on,
      intakeCiphertext: m.intake_ciphertext && toBase64(sodium, m.intake_ciphertext),
    })),
  };
}

async function lockForDecision(trx: Transaction<Database>, id: string) {
  const row = await trx.selectFrom('submissions').select(['id', 'status', 'claimed_by']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new CodedError('unknown_submission');
  return row;
}

async function refuseOthersClaim(trx: Transaction<Database>, row: { claimed_by: string | null; status: SubmissionStatus }, moderator: ModeratorIdentity) {
  if (decisionRefusal({ status: row.status, claimedBy: row.claimed_by }, moderator.id) === 'claimed_by_other') {
    const holder = await claimOf(trx, row.claimed_by);
    throw new CodedError('claimed_by_other', holder ? { holder: holder.handle } : {});
  }
}

/**
 * "Start review": the moderator claims the submission (received → in review). Taking over another
 * moderator's claim is deliberate (`takeOver`) and audited with whom it was taken from.
 */
export async function claimSubmission(db: Kysely<Database>, moderator: ModeratorIdentity, id: string, takeOver: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockForDecision(trx, id);
    const refusal = claimRefusal({ status: row.status, claimedBy: row.claimed_by }, moderator.id, takeOver);
    if (refusal === 'decided') throw new CodedError('submission_decided', { status: row.status });
    if (refusal === 'claimed_by_other') await refuseOthersClaim(trx, row, moderator);
    if (row.claimed_by === moderator.id) return;
    const previous = await claimOf(trx, row.claimed_by);
    const status = transition('submission', row.status, 'claim', 'moderator');
    const today = todayUtc();
    await trx
      .updateTable('submissions')
      .set({ claimed_by: moderator.id, ...(status !== row.status ? { status, status_changed_on: today, review_started_on: today } : {}) })
      .where('id', '=', id)
      .execute();
    const actor = { id: moderator.id, handle: moderator.handle };
    const subject = { type: 'submission', id } as const;
    await appendAuditEntry(trx, previous ? { actor, action: 'submission.taken_over', subject, details: { from: previous.handle } } : { actor, action: 'submission.claimed', subject });
  });
}

/** Gives a claim back: the submission stays in its state, for anyone to start. Only its holder releases it. */
export async function releaseClaim(db: Kysely<Database>, moderator: ModeratorIdentity, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockForDecision(trx, id);
    if (row.claimed_by !== moderator.id) throw new CodedError('not_your_claim');
    await trx.updateTable('submissions').set({ claimed_by: null }).where('id', '=', id).execute();
    await appendAuditEntry(trx, { actor: { id: moderator.id, handle: moderator.handle }, action: 'submission.released', subject: { type: 'submission', id } });
  });
}

/** The facets as a request sends them: any short text, until validateFacets has checked them. */
export type FacetsInput = FromSchema<typeof facetsSchema>;

/** The de-identified facts a moderator confirms for statistics, each a term of its vocabulary (DESIGN §5). */
export interface Facets {
  role?: Role;
  platforms: Platform[];
  taskTypes: TaskType[];
  payBand?: PayBand;
  hoursBand?: HoursBand;
  conditions: { [C in Condition]?: ConditionAnswer };
  consent: Consent;
  /** The account's version: 1 (the default) was never asked the newer questions; 3 adds 2026's (issue 32). */
  accountVersion?: 1 | 2 | 3;
  /** Version 2 and later: answers to the vocabulary.ts factQuestions its version asked. */
  facts?: Record<string, string>;
  /** Version 2: when the work happened, e.g. 2026-H1. */
  halfYear?: string;
}

/**
 * The facts a counted account carries: the answers, and two facts the tables count that follow
 * from pairs of them (pay against the advertised band; deactivation with or without appeal).
 */
export function countedFacts(facets: Pick<FacetsInput, 'facts' | 'payBand'>): Record<string, string> {
  const facts: Record<string, string> = { ...facets.facts };
  const advertised = facts.advertisedPayBand;
  if (advertised && facets.payBand) {
    const gap = payBands.keys.indexOf(facets.payBand as (typeof payBands.keys)[number]) - payBands.keys.indexOf(advertised as (typeof payBands.keys)[number]);
    facts.payAgainstAdvertised = payAgainstAdvertised.keys[gap < 0 ? 0 : gap === 0 ? 1 : 2]!;
  }
  if (facts.deactivated === 'no') facts.deactivation = 'not_deactivated';
  else if (facts.deactivated === 'yes') {
    const appeal = facts.appealPossible;
    facts.deactivation = appeal === 'yes' ? 'appeal_possible' : appeal === 'no' ? 'no_appeal' : 'appeal_unsure';
  }
  return facts;
}

/** The accounts row for accepted facets: the one shape acceptance, the seed and the tests write. */
export function accountRow(facets: Facets, acceptedOn: Day, withdrawalTagHash: Uint8Array | null = null) {
  return {
    id: randomUUID(),
    withdrawal_tag_hash: withdrawalTagHash,
    role: facets.role ?? null,
    platforms: facets.platforms,
    task_types: facets.taskTypes,
    pay_band: facets.payBand ?? null,
    hours_band: facets.hoursBand ?? null,
    conditions: JSON.stringify(facets.conditions),
    consent: facets.consent,
    accepted_on: acceptedOn,
    account_version: facets.accountVersion ?? 1,
    facts: JSON.stringify(countedFacts(facets)),
    half_year: facets.halfYear ?? null,
  };
}

/**
 * The redaction helper's marks, as the console reports them: the server cannot read the clear
 * text, so it relies on the moderator's browser to say how many marks remain unresolved.
 */
export interface IdentifierMarks {
  unresolved: number;
  dismissed: number;
}

export interface StoryDraft {
  title: string;
  body: string;
  pullQuotes: string[];
  attributionLabel: string;
  identifierMarks: IdentifierMarks;
}

function checkTerm(value: string | undefined, field: string, vocabulary: { has(v: unknown): boolean; keys: readonly string[] }) {
  if (value !== undefined && !vocabulary.has(value)) {
    throw new CodedError('unknown_facet', { field, value: String(value).slice(0, 40), allowed: vocabulary.keys });
  }
}

/** Checks every facet against its vocabulary (400 `unknown_facet` naming it); afterwards the facets are typed as terms. */
export function validateFacets(facets: FacetsInput): asserts facets is FacetsInput & Facets {
  checkTerm(facets.role, 'role', roles);
  facets.platforms.forEach((p) => checkTerm(p, 'platforms', platforms));
  facets.taskTypes.forEach((t) => checkTerm(t, 'taskTypes', taskTypes));
  checkTerm(facets.payBand, 'payBand', payBands);
  checkTerm(facets.hoursBand, 'hoursBand', hoursBands);
  checkTerm(facets.consent, 'consent', consents);
  for (const [condition, answer] of Object.entries(facets.conditions)) {
    checkTerm(condition, 'conditions', conditions);
    checkTerm(answer, `conditions.${condition}`, conditionAnswers);
  }
  if ((facets.accountVersion ?? 1) === 1 && (Object.keys(facets.facts ?? {}).length > 0 || facets.halfYear !== undefined)) {
    throw new CodedError('not_asked');
  }
  // The same rules as the form's (intake/account.ts), refused with the same codes: one definition of each question.
  if (facets.facts) {
    readFacts(facets.facts);
    refuseUnaskedFacts(facets.facts, facets.accountVersion ?? 1);
  }
  if (facets.halfYear !== undefined) parseHalfYear(facets.halfYear, 'halfYear');
}

export function validateAttributionLabel(label: string): void {
  checkTerm(label, 'attributionLabel', attributionLabels);
}

export function validateStoryDraft(story: StoryDraft): void {
  validateAttributionLabel(story.attributionLabel);
  if (story.title.trim() === '' || story.body.trim() === '') throw new CodedError('empty_story');
  const { unresolved } = story.identifierMarks;
  if (unresolved > 0) {
    throw new CodedError('unresolved_identifiers', { unresolved });
  }
}

/** The verification tier as a moderator records it at acceptance: which kinds of document they saw. */
export interface VerificationInput {
  documentKinds: string[];
}

export function validateVerification(verification: VerificationInput): void {
  verification.documentKinds.forEach((kind) => checkTerm(kind, 'verification.documentKinds', documentKinds));
}

/** What the audit log keeps of a draft's marks: how many were dismissed, never their text. */
export const marksAuditDetails = (story: StoryDraft) => ({ dismissedIdentifierMarks: story.identifierMarks.dismissed });

/** A submission this moderator may take `event` on: one the table allows it from, not claimed by someone else. */
async function decidable(trx: Transaction<Database>, moderator: ModeratorIdentity, id: string, event: 'accept' | 'reject' | 'ask') {
  const row = await lockForDecision(trx, id);
  // The state first (submission_decided), then the claim: a decided submission is decided whoever held it.
  transition('submission', row.status, event, 'moderator');
  await refuseOthersClaim(trx, row, moderator);
  return row;
}

async function hasAttachedFiles(trx: Transaction<Database>, submissionId: string): Promise<boolean> {
  const file = await trx
    .selectFrom('attachment_files')
    .innerJoin('attachment_uploads', 'attachment_uploads.id', 'attachment_files.upload_id')
    .select('attachment_files.upload_id')
    .where('attachment_uploads.submission_id', '=', submissionId)
    .limit(1)
    .executeTakeFirst();
  return file !== undefined;
}

/** Accepts a submission: one account for statistics and, with consent to quote, a story for second review. */
export async function acceptSubmission(
  db: Kysely<Database>,
  moderator: ModeratorIdentity,
  id: string,
  input: { facets: FacetsInput; story?: StoryDraft; verification?: VerificationInput; signedEmail?: SignedEmailVerification; withdrawalTag?: string },
): Promise<{ accepted: true; storyId?: string }> {
  const { facets, verification, signedEmail } = input;
  validateFacets(facets);
  const tagHash = input.withdrawalTag === undefined ? null : withdrawalTagHash(decodeField(input.withdrawalTag, 'withdrawalTag', WITHDRAWAL_TAG_BYTES));
  if (verification) validateVerification(verification);
  if (input.story) {
    validateStoryDraft(input.story);
    if (facets.consent !== 'quote') {
      throw new CodedError('no_consent_to_quote');
    }
  }
  const today = todayUtc();
  return db.transaction().execute(async (trx) => {
    const submission = await decidable(trx, moderator, id, 'accept');
    const status = transition('submission', submission.status, 'accept', 'moderator');
    // "A moderator saw documents" is only true of documents the source attached to this submission.
    if ((verification || signedEmail) && !(await hasAttachedFiles(trx, id))) throw new CodedError('verification_without_files');
    const documentsSeen = verification ? [...new Set(verification.documentKinds)] : null;
    const row = accountRow(facets, today, tagHash);
    const email = signedEmail ? await signedEmailColumns(trx, signedEmail, row.platforms) : undefined;
    // Not counted yet, and linked to nothing: a release admits it (publishing/pending-accounts.ts).
    const account = { ...row, documents_seen: documentsSeen, ...email };
    await trx.insertInto('pending_accounts').values(account).execute();
    await trx.updateTable('submissions').set({ status, status_changed_on: today, decided_on: today, claimed_by: null }).where('id', '=', id).execute();
    const actor = { id: moderator.id, handle: moderator.handle };
    await appendAuditEntry(trx, {
      actor,
      action: 'submission.accepted',
      subject: { type: 'submission', id },
      ...(email ? { details: { verificationTier: 'verified_email', ...(documentsSeen ? { documentKinds: documentsSeen } : {}) } } : {}),
      ...(documentsSeen && !email ? { details: { verificationTier: 'documents_seen', documentKinds: documentsSeen } } : {}),
    });
    if (!input.story) return { accepted: true as const };
    const storyId = randomUUID();
    await trx
      .insertInto('stories')
      .values({
        id: storyId,
        withdrawal_tag_hash: tagHash,
        accepted_on: today,
        role: account.role,
        platforms: account.platforms,
        task_types: account.task_types,
        conditions: account.conditions,
        documents_seen: documentsSeen,
        signed_email_platform: email?.signed_email_platform ?? null,
        signed_email_half_year: email?.signed_email_half_year ?? null,
        title: input.story.title,
        body: input.story.body,
        pull_quotes: JSON.stringify(input.story.pullQuotes),
        attribution_label: input.story.attributionLabel,
        status: transition('story', null, 'submit_for_review', 'moderator'),
        author_id: moderator.id,
        created_on: today,
      })
      .execute();
    // No subject: beside the acceptance's entry, the story's id would link it to the submission.
    await appendAuditEntry(trx, { actor, action: 'story.submitted_for_review', details: marksAuditDetails(input.story) });
    return { accepted: true as const, storyId };
  });
}

/** Rejects a submission; the reason goes to the audit log only. */
export async function rejectSubmission(db: Kysely<Database>, moderator: ModeratorIdentity, id: string, reason: string): Promise<void> {
  const today = todayUtc();
  await db.transaction().execute(async (trx) => {
    const row = await decidable(trx, moderator, id, 'reject');
    const status = transition('submission', row.status, 'reject', 'moderator');
    await trx.updateTable('submissions').set({ status, status_changed_on: today, decided_on: today, claimed_by: null }).where('id', '=', id).execute();
    await appendAuditEntry(trx, {
      actor: { id: moderator.id, handle: moderator.handle },
      action: 'submission.rejected',
      subject: { type: 'submission', id },
      details: { reason },
    });
  });
}

function sealedQuestionField(value: string, field: string): Uint8Array {
  const ciphertext = decodeField(value, field);
  if (bucketOfSealedLength(ciphertext.length) === undefined) {
    throw new CodedError('bad_ciphertext_length', { field });
  }
  return ciphertext;
}

/**
 * Stores a question the moderator's browser sealed twice: to the source's reply key (for the
 * source) and to the current intake key (for the team to re-read), side by side.
 */
export async function askSource(db: Kysely<Database>, moderator: ModeratorIdentity, id: string, sealed: { ciphertext: string; intakeCiphertext: string }): Promise<void> {
  const ciphertext = sealedQuestionField(sealed.ciphertext, 'ciphertext');
  const intakeCiphertext = sealedQuestionField(sealed.intakeCiphertext, 'intakeCiphertext');
  const today = todayUtc();
  await db.transaction().execute(async (trx) => {
    const row = await decidable(trx, moderator, id, 'ask');
    const status = transition('submission', row.status, 'ask', 'moderator');
    const last = await trx
      .selectFrom('messages')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('submission_id', '=', id)
      .executeTakeFirst();
    await trx
      .insertInto('messages')
      .values({ id: randomUUID(), submission_id: id, position: Number(last?.position ?? 0) + 1, direction: 'to_source', ciphertext, intake_ciphertext: intakeCiphertext, sent_on: today })
      .execute();
    await trx.updateTable('submissions').set({ status, status_changed_on: today }).where('id', '=', id).execute();
    await appendAuditEntry(trx, { actor: { id: moderator.id, handle: moderator.handle }, action: 'submission.question_asked', subject: { type: 'submission', id } });
  });
}
