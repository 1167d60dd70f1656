// Questions from journalists about published stories (issue 32, DESIGN §4, docs/press-questions.md).
// The rules live here; every state change asks common/workflow.ts's transition table; every step
// is audited by question id only (never a question's or an answer's text, never a source).
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendAuditEntry } from '../audit/log.js';
import { todayUtc } from '../db/day.js';
import type { Database, Day } from '../db/schema.js';
import { parseLookupToken, parseSealedMessage, parseWithdrawalTag } from '../followup/service.js';
import { publishedStateChanged } from '../publishing/cache.js';
import { applyInvitation, type ModeratorIdentity } from '../moderation/team-service.js';
import { CodedError } from '../../common/errors.js';
import { lookupTokenHash, withdrawalTagHash } from '../../common/protocol/digest.js';
import { translate } from '../i18n/catalogue.js';
import type { Language } from '../../common/languages.js';
import { answerApprovalRefusal, JOURNALIST_ROLE, QUESTION_STATUSES, transition, type QuestionStatus } from '../../common/workflow.js';
import { ANSWER_MAX_CHARS, QUESTION_MAX_CHARS, type JournalistQuestionView, type ModeratorQuestionView, type SourceQuestionView } from '../../common/press/schemas.js';

/** How many questions one press account may ask in a UTC day (DESIGN §7: a cap per journalist, beside the per-client rate limit). */
export const PRESS_DAILY_QUESTIONS = 5;

const base64 = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString('base64'));

/** Text a person wrote for a question or an answer: not blank, within its limit (the schema caps it too). */
function pressText(text: string, limit: number): string {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > limit) throw new CodedError('bad_press_text');
  return trimmed;
}

/** An administrator invites a journalist: a press account (role journalist) with the name and outlet a source will read. */
export async function invitePressAccount(db: Kysely<Database>, admin: ModeratorIdentity, input: { handle: string; name: string; outlet: string }): Promise<{ url: string }> {
  const name = pressText(input.name, 120);
  const outlet = pressText(input.outlet, 120);
  return db.transaction().execute(async (trx) => {
    const { moderatorId, token } = await applyInvitation(trx, { handle: input.handle, role: JOURNALIST_ROLE }, admin, undefined);
    await trx
      .insertInto('press_accounts')
      .values({ moderator_id: moderatorId, name, outlet })
      .onConflict((oc) => oc.column('moderator_id').doUpdateSet({ name, outlet }))
      .execute();
    await appendAuditEntry(trx, { actor: { id: admin.id, handle: admin.handle }, action: 'press.invited', subject: { type: 'moderator', id: moderatorId } });
    return { url: `/press/enrol/${token}` };
  });
}

/** A question about a story that is published now; unknown slugs 404, anything else (retracted) 409. */
export async function askQuestion(
  db: Kysely<Database>,
  journalist: ModeratorIdentity,
  input: { storySlug: string; text: string },
  now = new Date(),
): Promise<{ id: string; status: QuestionStatus }> {
  const text = pressText(input.text, QUESTION_MAX_CHARS);
  const today = todayUtc(now);
  return db.transaction().execute(async (trx) => {
    const story = await trx.selectFrom('stories').select(['id', 'status']).where('slug', '=', input.storySlug).executeTakeFirst();
    if (!story) throw new CodedError('unknown_story');
    if (story.status !== 'published') throw new CodedError('story_not_published');
    // Locks the journalist's row so that two questions sent at once both see the other in the count.
    await trx.selectFrom('moderators').select('id').where('id', '=', journalist.id).forUpdate().executeTakeFirstOrThrow();
    const { n } = await trx
      .selectFrom('press_questions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('journalist_id', '=', journalist.id)
      .where('asked_on', '=', today)
      .executeTakeFirstOrThrow();
    if (Number(n) >= PRESS_DAILY_QUESTIONS) throw new CodedError('press_daily_cap');
    const id = randomUUID();
    await trx
      .insertInto('press_questions')
      .values({ id, story_id: story.id, journalist_id: journalist.id, asked_text: text, status: transition('question', null, 'ask', 'journalist'), asked_on: today })
      .execute();
    await appendAuditEntry(trx, { actor: { id: journalist.id, handle: journalist.handle }, action: 'press.question_asked', subject: { type: 'press_question', id } });
    return { id, status: 'asked' as const };
  });
}

/** Questions with their story's slug and title, newest first: what both the press desk and the console list. */
const questionsWithStories = (db: Kysely<Database>) =>
  db
    .selectFrom('press_questions as q')
    .innerJoin('stories as s', 's.id', 'q.story_id')
    .select(['q.id', 's.slug', 's.title', 'q.asked_text', 'q.relayed_text', 'q.status', 'q.asked_on'])
    .orderBy('q.asked_on', 'desc')
    .orderBy('q.id');

export async function journalistQuestions(db: Kysely<Database>, journalistId: string): Promise<JournalistQuestionView[]> {
  const rows = await questionsWithStories(db)
    .select(['q.relayed_on', 'q.answered_on', 'q.private_answer', 'q.public_answer', 'q.answer_published_on'])
    .where('q.journalist_id', '=', journalistId)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    storySlug: r.slug,
    storyTitle: r.title,
    askedText: r.asked_text,
    relayedText: r.relayed_text,
    status: r.status,
    askedOn: r.asked_on,
    relayedOn: r.relayed_on,
    answeredOn: r.answered_on,
    privateAnswer: base64(r.private_answer),
    publicAnswer: r.answer_published_on === null ? null : r.public_answer,
  }));
}

/** Every question a moderator may act on, and those decided, newest first. */
export async function moderatorQuestions(db: Kysely<Database>): Promise<ModeratorQuestionView[]> {
  const rows = await questionsWithStories(db)
    .innerJoin('press_accounts as p', 'p.moderator_id', 'q.journalist_id')
    .select(['p.name', 'p.outlet', 'q.sealed_public_answer', 'q.public_answer', 'q.answer_author_id'])
    .execute();
  // Never the private answer: moderators relay questions only (DESIGN §3 Journalists).
  return rows.map((r) => ({
    id: r.id,
    storySlug: r.slug,
    storyTitle: r.title,
    journalist: { name: r.name, outlet: r.outlet },
    askedText: r.asked_text,
    relayedText: r.relayed_text,
    status: r.status,
    askedOn: r.asked_on,
    sealedPublicAnswer: base64(r.sealed_public_answer),
    publicAnswer: r.public_answer,
    answerAuthorId: r.answer_author_id,
  }));
}

type QuestionRow = { id: string; status: QuestionStatus; answer_author_id: string | null; story_id: string };

async function lockedQuestion(trx: Transaction<Database>, id: string): Promise<QuestionRow> {
  const row = await trx.selectFrom('press_questions').select(['id', 'status', 'answer_author_id', 'story_id']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new CodedError('unknown_press_question');
  return row;
}

/** Four eyes on an answer for publication (the table's guard for approve_answer); the state itself comes from transition(). */
function refuseOwnAnswer(row: QuestionRow, moderatorId: string): void {
  if (answerApprovalRefusal(row.answer_author_id, moderatorId)) throw new CodedError('own_answer_draft');
}

/** A moderator relays a question (in their edited words) to the source, or declines it. */
export async function moderateQuestion(db: Kysely<Database>, moderator: ModeratorIdentity, id: string, decision: { relay: string } | 'decline'): Promise<void> {
  const relayed = decision === 'decline' ? undefined : pressText(decision.relay, QUESTION_MAX_CHARS);
  await db.transaction().execute(async (trx) => {
    const row = await lockedQuestion(trx, id);
    const status = transition('question', row.status, relayed === undefined ? 'decline' : 'relay', 'moderator');
    const today = todayUtc();
    await trx
      .updateTable('press_questions')
      .set({ status, moderated_by: moderator.id, ...(relayed === undefined ? {} : { relayed_text: relayed, relayed_on: today }) })
      .where('id', '=', id)
      .execute();
    await appendAuditEntry(trx, {
      actor: { id: moderator.id, handle: moderator.handle },
      action: relayed === undefined ? 'press.question_declined' : 'press.question_relayed',
      subject: { type: 'press_question', id },
    });
  });
}

/**
 * The story a source's receipt opens: the lookup token must find a live submission and the
 * withdrawal tag a story (nothing stored links the two; the receipt alone does). Unknown → 404.
 */
async function storyOfReceipt(db: Kysely<Database> | Transaction<Database>, receipt: { lookupToken: string; withdrawalTag: string }): Promise<string | undefined> {
  const lookupHash = lookupTokenHash(parseLookupToken(receipt.lookupToken));
  const tagHash = withdrawalTagHash(parseWithdrawalTag(receipt.withdrawalTag)!);
  const submission = await db.selectFrom('submissions').select('status').where('lookup_hash', '=', lookupHash).executeTakeFirst();
  const story = await db.selectFrom('stories').select('id').where('withdrawal_tag_hash', '=', tagHash).executeTakeFirst();
  if (!submission || submission.status === 'withdrawn') throw new CodedError('unknown_receipt');
  // A known receipt whose account gave no story (or not yet): no questions, not a refusal.
  return story?.id;
}

/** The questions relayed to the source of the story their receipt opens, with who asks and the key to answer privately. */
export async function sourceQuestions(db: Kysely<Database>, receipt: { lookupToken: string; withdrawalTag: string }): Promise<SourceQuestionView[]> {
  const storyId = await storyOfReceipt(db, receipt);
  if (storyId === undefined) return [];
  const rows = await db
    .selectFrom('press_questions as q')
    .innerJoin('press_accounts as p', 'p.moderator_id', 'q.journalist_id')
    .innerJoin('moderators as m', 'm.id', 'q.journalist_id')
    .select(['q.id', 'p.name', 'p.outlet', 'q.relayed_text', 'q.status', 'q.relayed_on', 'q.answered_on', 'm.box_public_key'])
    .where('q.story_id', '=', storyId)
    .where('q.relayed_on', 'is not', null)
    .orderBy('q.relayed_on')
    .orderBy('q.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    journalist: { name: r.name, outlet: r.outlet },
    text: r.relayed_text ?? '',
    status: r.status,
    relayedOn: r.relayed_on as Day,
    answeredOn: r.answered_on,
    journalistPublicKey: base64(r.box_public_key) ?? '',
  }));
}

const ANSWER_EVENTS = { private: 'answer_privately', for_publication: 'answer_for_publication', decline: 'source_decline' } as const;
const ANSWER_AUDIT = { private: 'press.answered_privately', for_publication: 'press.answered_for_publication', decline: 'press.source_declined' } as const;

/**
 * The source answers: privately (sealed in their browser to the journalist's key), for
 * publication (sealed to the intake key, for two moderators), or declines. Only a question
 * relayed to the story this receipt opens; a question never relayed is 409, another story's 404.
 */
export async function answerQuestion(
  db: Kysely<Database>,
  input: { lookupToken: string; withdrawalTag: string; questionId: string; kind: keyof typeof ANSWER_EVENTS; ciphertext?: string | undefined },
): Promise<{ status: QuestionStatus }> {
  const sealed = input.kind === 'decline' ? undefined : input.ciphertext === undefined ? undefined : parseSealedMessage(input.ciphertext);
  if (input.kind !== 'decline' && sealed === undefined) throw new CodedError('bad_press_text');
  return db.transaction().execute(async (trx) => {
    const storyId = await storyOfReceipt(trx, input);
    const row = await lockedQuestion(trx, input.questionId);
    // Another story's question is, to this receipt, a question that does not exist.
    if (storyId === undefined || row.story_id !== storyId) throw new CodedError('unknown_press_question');
    const status = transition('question', row.status, ANSWER_EVENTS[input.kind], 'source');
    await trx
      .updateTable('press_questions')
      .set({
        status,
        answered_on: todayUtc(),
        ...(input.kind === 'private' ? { private_answer: sealed! } : {}),
        ...(input.kind === 'for_publication' ? { sealed_public_answer: sealed! } : {}),
      })
      .where('id', '=', row.id)
      .execute();
    await appendAuditEntry(trx, { actor: 'system', action: ANSWER_AUDIT[input.kind], subject: { type: 'press_question', id: row.id } });
    return { status };
  });
}

/** A moderator, having opened the sealed answer in their browser, proposes its de-identified text for a second moderator. */
export async function draftPublicAnswer(db: Kysely<Database>, moderator: ModeratorIdentity, id: string, text: string): Promise<void> {
  const answer = pressText(text, ANSWER_MAX_CHARS);
  await db.transaction().execute(async (trx) => {
    const row = await lockedQuestion(trx, id);
    const status = transition('question', row.status, 'draft_answer', 'moderator');
    await trx.updateTable('press_questions').set({ status, public_answer: answer, answer_author_id: moderator.id }).where('id', '=', id).execute();
    await appendAuditEntry(trx, { actor: { id: moderator.id, handle: moderator.handle }, action: 'press.answer_drafted', subject: { type: 'press_question', id } });
  });
}

/** A second moderator publishes the answer under its story; the sealed copy is deleted (only the de-identified text stays). */
export async function approvePublicAnswer(db: Kysely<Database>, moderator: ModeratorIdentity, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockedQuestion(trx, id);
    refuseOwnAnswer(row, moderator.id);
    const status = transition('question', row.status, 'approve_answer', 'moderator');
    await trx.updateTable('press_questions').set({ status, sealed_public_answer: null, answer_published_on: todayUtc() }).where('id', '=', id).execute();
    await appendAuditEntry(trx, { actor: { id: moderator.id, handle: moderator.handle }, action: 'press.answer_published', subject: { type: 'press_question', id } });
  });
  publishedStateChanged();
}

/** The answers published under a published story: the relayed question, who asked, the de-identified answer, its day. */
export async function publishedAnswers(db: Kysely<Database>, slug: string): Promise<{ question: string; name: string; outlet: string; answer: string; publishedOn: Day }[]> {
  const rows = await db
    .selectFrom('press_questions as q')
    .innerJoin('stories as s', 's.id', 'q.story_id')
    .innerJoin('press_accounts as p', 'p.moderator_id', 'q.journalist_id')
    .select(['q.relayed_text', 'p.name', 'p.outlet', 'q.public_answer', 'q.answer_published_on'])
    .where('s.slug', '=', slug)
    .where('s.status', '=', 'published')
    .where('q.status', '=', 'answer_published')
    .orderBy('q.answer_published_on')
    .orderBy('q.id')
    .execute();
  return rows.map((r) => ({ question: r.relayed_text ?? '', name: r.name, outlet: r.outlet, answer: r.public_answer ?? '', publishedOn: r.answer_published_on as Day }));
}

/** The words of every question status in `language`, for a page's bundle (JSON in a data attribute). */
export function questionStatusWords(language: Language): string {
  return JSON.stringify(Object.fromEntries(QUESTION_STATUSES.map((status) => [status, translate(language, `press:questionStatus.${status}`)])));
}
