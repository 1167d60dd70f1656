// The moderation queue and decisions on submissions (DESIGN §4): the server hands out
// ciphertexts and records decisions; reading happens in the moderator's browser.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { decodeField } from '../binary-fields.js';
import { todayUtc } from '../db/day.js';
import { SUBMISSION_STATUSES, type Database, type Day, type SubmissionStatus } from '../db/schema.js';
import { isUndecided } from '../../common/workflow.js';
import { ServiceError } from '../../common/errors.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { bucketOfSealedLength } from '../../common/protocol/padding.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { AccountInvalidError, parseHalfYear, readFacts } from '../../common/intake/account.js';
import {
  attributionLabels,
  conditionAnswers,
  conditions,
  consents,
  hoursBands,
  payAgainstAdvertised,
  payBands,
  platforms,
  roles,
  taskTypes,
} from '../../common/vocabulary.js';
import { appendAuditEntry } from './audit.js';
import type { ModeratorIdentity } from './team-service.js';
import type { SubmissionForModerator } from '../../common/moderation/submission-view.js';

export interface QueueItem {
  id: string;
  receivedOn: string;
  status: SubmissionStatus;
  paddingBucket: number;
  purged: boolean;
}

export async function listQueue(db: Kysely<Database>, status?: SubmissionStatus): Promise<QueueItem[]> {
  let query = db
    .selectFrom('submissions')
    .select(['id', 'received_on', 'status', 'padding_bucket', 'purged_on'])
    .orderBy('received_on', 'asc')
    .orderBy('id');
  if (status) query = query.where('status', '=', status);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, receivedOn: r.received_on, status: r.status, paddingBucket: r.padding_bucket, purged: r.purged_on !== null }));
}

export async function queueCounts(db: Kysely<Database>): Promise<Record<SubmissionStatus, number>> {
  const rows = await db.selectFrom('submissions').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
  const counts = Object.fromEntries(SUBMISSION_STATUSES.map((s) => [s, 0])) as Record<SubmissionStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

export type { SubmissionForModerator };

/** Hands out a submission's ciphertexts; the first opening moves it from received to in_review. */
export async function openSubmission(db: Kysely<Database>, moderator: ModeratorIdentity, id: string): Promise<SubmissionForModerator> {
  const sodium = await loadSodium();
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('submissions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw new ServiceError(404, 'unknown_submission', 'There is no such submission.');
    if (row.status === 'received') {
      const today = todayUtc();
      await trx.updateTable('submissions').set({ status: 'in_review', status_changed_on: today, review_started_on: today }).where('id', '=', id).execute();
      await appendAuditEntry(trx, { actor: { id: moderator.id, handle: moderator.handle }, action: 'submission.opened', subject: { type: 'submission', id } });
    }
    const messages = await trx.selectFrom('messages').selectAll().where('submission_id', '=', id).orderBy('position').execute();
    return {
      id: row.id,
      receivedOn: row.received_on,
      status: row.status === 'received' ? 'in_review' : row.status,
      paddingBucket: row.padding_bucket,
      intakeKeyId: row.intake_key_id,
      envelope: row.envelope && toBase64(sodium, row.envelope),
      replyPublicKey: toBase64(sodium, row.reply_public_key),
      messages: messages.map((m) => ({ direction: m.direction, ciphertext: toBase64(sodium, m.ciphertext), sentOn: m.sent_on })),
    };
  });
}

/** The de-identified facts a moderator confirms for statistics (DESIGN §5 vocabularies). */
export interface Facets {
  role?: string;
  platforms: string[];
  taskTypes: string[];
  payBand?: string;
  hoursBand?: string;
  conditions: Record<string, string>;
  consent: string;
  /** The account's version: 1 (the default) was never asked the newer questions. */
  accountVersion?: 1 | 2;
  /** Version 2: answers to vocabulary.ts factQuestions. */
  facts?: Record<string, string>;
  /** Version 2: when the work happened, e.g. 2026-H1. */
  halfYear?: string;
}

/**
 * The facts a counted account carries: the answers, and two facts the tables count that follow
 * from pairs of them (pay against the advertised band; deactivation with or without appeal).
 */
export function countedFacts(facets: Pick<Facets, 'facts' | 'payBand'>): Record<string, string> {
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
export function accountRow(facets: Facets, submissionId: string | null, acceptedOn: Day) {
  return {
    id: randomUUID(),
    submission_id: submissionId,
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

export interface StoryDraft {
  title: string;
  body: string;
  pullQuotes: string[];
  attributionLabel: string;
}

function checkTerm(value: string | undefined, field: string, vocabulary: { has(v: unknown): boolean; keys: readonly string[] }) {
  if (value !== undefined && !vocabulary.has(value)) {
    throw new ServiceError(400, 'unknown_facet', `${field} "${String(value).slice(0, 40)}" is not one of: ${vocabulary.keys.join(', ')}.`);
  }
}

export function validateFacets(facets: Facets): void {
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
    throw new ServiceError(400, 'not_asked', 'A version-1 account was never asked the newer questions: facts and halfYear stay empty ("not asked").');
  }
  // The same rules as the form's (intake/account.ts): one definition of each question.
  try {
    if (facets.facts) readFacts(facets.facts);
    if (facets.halfYear !== undefined) parseHalfYear(facets.halfYear, 'halfYear');
  } catch (error) {
    if (error instanceof AccountInvalidError) throw new ServiceError(400, 'unknown_facet', error.message);
    throw error;
  }
}

export function validateStoryDraft(story: StoryDraft): void {
  checkTerm(story.attributionLabel, 'attributionLabel', attributionLabels);
  if (story.title.trim() === '' || story.body.trim() === '') throw new ServiceError(400, 'empty_story', 'A story needs a title and a body.');
}

async function undecided(trx: Transaction<Database>, id: string) {
  const row = await trx.selectFrom('submissions').select(['id', 'status', 'envelope']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new ServiceError(404, 'unknown_submission', 'There is no such submission.');
  if (!isUndecided(row.status)) {
    throw new ServiceError(409, 'already_decided', `This submission is already ${row.status}.`);
  }
  return row;
}

/** Accepts a submission: one account for statistics and, with consent to quote, a story for second review. */
export async function acceptSubmission(
  db: Kysely<Database>,
  moderator: ModeratorIdentity,
  id: string,
  input: { facets: Facets; story?: StoryDraft },
): Promise<{ accountId: string; storyId?: string }> {
  validateFacets(input.facets);
  if (input.story) {
    validateStoryDraft(input.story);
    if (input.facets.consent !== 'quote') {
      throw new ServiceError(400, 'no_consent_to_quote', 'The source did not consent to quotation: no story can be drafted.');
    }
  }
  const today = todayUtc();
  return db.transaction().execute(async (trx) => {
    await undecided(trx, id);
    const account = accountRow(input.facets, id, today);
    const accountId = account.id;
    await trx.insertInto('accounts').values(account).execute();
    await trx.updateTable('submissions').set({ status: 'accepted', status_changed_on: today, decided_on: today }).where('id', '=', id).execute();
    const actor = { id: moderator.id, handle: moderator.handle };
    await appendAuditEntry(trx, { actor, action: 'submission.accepted', subject: { type: 'submission', id } });
    if (!input.story) return { accountId };
    const storyId = randomUUID();
    await trx
      .insertInto('stories')
      .values({
        id: storyId,
        account_id: accountId,
        title: input.story.title,
        body: input.story.body,
        pull_quotes: JSON.stringify(input.story.pullQuotes),
        attribution_label: input.story.attributionLabel,
        status: 'awaiting_second_review',
        author_id: moderator.id,
        created_on: today,
      })
      .execute();
    await appendAuditEntry(trx, { actor, action: 'story.submitted_for_review', subject: { type: 'story', id: storyId } });
    return { accountId, storyId };
  });
}

/** Rejects a submission; the reason goes to the audit log only. */
export async function rejectSubmission(db: Kysely<Database>, moderator: ModeratorIdentity, id: string, reason: string): Promise<void> {
  const today = todayUtc();
  await db.transaction().execute(async (trx) => {
    await undecided(trx, id);
    await trx.updateTable('submissions').set({ status: 'rejected', status_changed_on: today, decided_on: today }).where('id', '=', id).execute();
    await appendAuditEntry(trx, {
      actor: { id: moderator.id, handle: moderator.handle },
      action: 'submission.rejected',
      subject: { type: 'submission', id },
      details: { reason },
    });
  });
}

/** Stores a question the moderator's browser sealed to the source's reply key. */
export async function askSource(db: Kysely<Database>, moderator: ModeratorIdentity, id: string, sealedQuestion: string): Promise<void> {
  const ciphertext = decodeField(sealedQuestion, 'ciphertext');
  if (bucketOfSealedLength(ciphertext.length) === undefined) {
    throw new ServiceError(400, 'bad_ciphertext_length', 'A sealed question must be a padding bucket plus the seal.');
  }
  const today = todayUtc();
  await db.transaction().execute(async (trx) => {
    await undecided(trx, id);
    const last = await trx
      .selectFrom('messages')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('submission_id', '=', id)
      .executeTakeFirst();
    await trx
      .insertInto('messages')
      .values({ id: randomUUID(), submission_id: id, position: Number(last?.position ?? 0) + 1, direction: 'to_source', ciphertext, sent_on: today })
      .execute();
    await trx.updateTable('submissions').set({ status: 'needs_info', status_changed_on: today }).where('id', '=', id).execute();
    await appendAuditEntry(trx, { actor: { id: moderator.id, handle: moderator.handle }, action: 'submission.question_asked', subject: { type: 'submission', id } });
  });
}
