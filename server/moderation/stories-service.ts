// Four-eyes review of story drafts (DESIGN §4): a different moderator reads only the
// de-identified text and approves it or sends it back with a note.
import type { Kysely } from 'kysely';
import { todayUtc } from '../db/day.js';
import type { Database, StoryStatus } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { storyVerification } from '../publishing/stories.js';
import { samePublication } from '../publishing/story-publication.js';
import { attributionLabels, storyStatusLabels } from '../../common/vocabulary.js';
import { invitedReviewerRefusal, storyReviewRefusal, storyRevisionRefusal, transition } from '../../common/workflow.js';
import { appendAuditEntry } from '../audit/log.js';
import { previewPublication } from './publication-preview.js';
import type { ApprovedPublication, PublicationPreview } from '../../common/moderation/publication-view.js';
import { marksAuditDetails, validateStoryDraft, type StoryDraft } from './queue-service.js';
import type { ModeratorIdentity } from './team-service.js';

export interface StoryForReview {
  id: string;
  title: string;
  body: string;
  pullQuotes: string[];
  attributionLabel: string;
  attribution: string;
  status: StoryStatus;
  statusText: string;
  authorId: string;
  authorHandle: string;
  reviewNote: string | null;
  createdOn: string;
  /** The verification tier in the words the story will publish; null when none was recorded at acceptance. */
  verification: string | null;
}

function storiesQuery(db: Kysely<Database>) {
  return db
    .selectFrom('stories')
    .innerJoin('moderators', 'moderators.id', 'stories.author_id')
    .select([
      'stories.documents_seen',
      'stories.signed_email_platform',
      'stories.id',
      'stories.title',
      'stories.body',
      'stories.pull_quotes',
      'stories.attribution_label',
      'stories.status',
      'stories.author_id',
      'moderators.handle',
      'stories.review_note',
      'stories.created_on',
    ]);
}

type StoryRow = Awaited<ReturnType<ReturnType<typeof storiesQuery>['executeTakeFirstOrThrow']>>;

function toStory(row: StoryRow): StoryForReview {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    pullQuotes: row.pull_quotes,
    attributionLabel: row.attribution_label,
    attribution: attributionLabels.labelOf(row.attribution_label),
    status: row.status,
    statusText: storyStatusLabels.labelOf(row.status),
    authorId: row.author_id,
    authorHandle: row.handle,
    reviewNote: row.review_note,
    createdOn: row.created_on,
    verification: storyVerification(row.documents_seen, row.signed_email_platform)?.statement ?? null,
  };
}

export async function listStories(db: Kysely<Database>, statuses: StoryStatus[]): Promise<StoryForReview[]> {
  const rows = await storiesQuery(db).where('stories.status', 'in', statuses).orderBy('stories.created_on').orderBy('stories.id').execute();
  return rows.map(toStory);
}

export async function getStory(db: Kysely<Database>, id: string): Promise<StoryForReview> {
  const row = await storiesQuery(db).where('stories.id', '=', id).executeTakeFirst();
  if (!row) throw new CodedError('unknown_story');
  return toStory(row);
}

async function lockStory(db: Kysely<Database>, id: string) {
  const row = await db.selectFrom('stories').select(['id', 'status', 'author_id']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new CodedError('unknown_story');
  return row;
}

/** The four-eyes rule, asked of the workflow: the author may not approve or return their own draft. */
function refuseReview(story: { status: StoryStatus; author_id: string }, reviewer: ModeratorIdentity): void {
  const refusal = storyReviewRefusal({ status: story.status, authorId: story.author_id }, reviewer.id);
  if (refusal === 'own_draft') throw new CodedError('own_draft');
  if (refusal === 'not_awaiting_review') throw new CodedError('not_awaiting_review', { status: story.status });
}

/** What a story would publish now (attribution, tags), computed as the release computes it. */
export async function storyPublicationPreview(db: Kysely<Database>, kMin: number, id: string): Promise<PublicationPreview> {
  const row = await db.selectFrom('stories').select(['attribution_label', 'role', 'platforms', 'task_types', 'conditions']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new CodedError('unknown_story');
  return previewPublication(db, kMin, row, row.attribution_label);
}

/**
 * Approves a draft; its author may not (four-eyes rule). Approved stories wait for a batch. The
 * attribution and tags it would publish now are recorded as approved; `seen`, what the reviewer's
 * page showed, must still be what would be published.
 */
/**
 * Four eyes between two people (issue 26): an account its author invited alone is not a second pair
 * of eyes on that author's drafts until another administrator confirmed it or the waiting period passed.
 */
async function refuseInvitedReviewer(trx: Kysely<Database>, story: { author_id: string }, reviewer: ModeratorIdentity, waitingDays: number, now: Date): Promise<void> {
  const row = await trx.selectFrom('moderators').select(['invited_by', 'invitation_confirmed_by', 'invited_on']).where('id', '=', reviewer.id).executeTakeFirstOrThrow();
  const refusal = invitedReviewerRefusal(
    { authorId: story.author_id },
    { invitedBy: row.invited_by, confirmedBy: row.invitation_confirmed_by, invitedOn: row.invited_on },
    todayUtc(now),
    waitingDays,
  );
  if (refusal) throw new CodedError(refusal);
}

export interface ApprovalRules {
  kMin: number;
  /** INVITED_REVIEWER_WAIT_DAYS. */
  invitedReviewerWaitDays: number;
}

export async function approveStory(db: Kysely<Database>, rules: ApprovalRules, reviewer: ModeratorIdentity, id: string, seen?: ApprovedPublication, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const story = await lockStory(trx, id);
    refuseReview(story, reviewer);
    await refuseInvitedReviewer(trx, story, reviewer, rules.invitedReviewerWaitDays, now);
    const { publication } = await storyPublicationPreview(trx, rules.kMin, id);
    if (seen && !samePublication(seen, publication)) {
      throw new CodedError('publication_changed');
    }
    await trx
      .updateTable('stories')
      .set({
        status: transition('story', story.status, 'approve', 'moderator'),
        reviewer_id: reviewer.id,
        approved_on: todayUtc(),
        approved_attribution: publication.attribution,
        approved_tags: JSON.stringify(publication.tags),
      })
      .where('id', '=', id)
      .execute();
    await appendAuditEntry(trx, { actor: { id: reviewer.id, handle: reviewer.handle }, action: 'story.approved', subject: { type: 'story', id } });
  });
}

/** Sends a draft back to its author with a note. */
export async function returnStory(db: Kysely<Database>, reviewer: ModeratorIdentity, id: string, note: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const story = await lockStory(trx, id);
    refuseReview(story, reviewer);
    await trx
      .updateTable('stories')
      .set({ status: transition('story', story.status, 'return', 'moderator'), reviewer_id: reviewer.id, review_note: note })
      .where('id', '=', id)
      .execute();
    await appendAuditEntry(trx, { actor: { id: reviewer.id, handle: reviewer.handle }, action: 'story.returned', subject: { type: 'story', id } });
  });
}

/** The author revises a returned draft and submits it for review again. */
export async function reviseStory(db: Kysely<Database>, author: ModeratorIdentity, id: string, draft: StoryDraft): Promise<void> {
  validateStoryDraft(draft);
  await db.transaction().execute(async (trx) => {
    const story = await lockStory(trx, id);
    const refusal = storyRevisionRefusal({ status: story.status, authorId: story.author_id }, author.id);
    if (refusal === 'not_author') throw new CodedError('not_author');
    if (refusal === 'not_a_draft') throw new CodedError('not_a_draft', { status: story.status });
    await trx
      .updateTable('stories')
      .set({
        title: draft.title,
        body: draft.body,
        pull_quotes: JSON.stringify(draft.pullQuotes),
        attribution_label: draft.attributionLabel,
        status: transition('story', story.status, 'revise', 'moderator'),
      })
      .where('id', '=', id)
      .execute();
    await appendAuditEntry(trx, { actor: { id: author.id, handle: author.handle }, action: 'story.submitted_for_review', subject: { type: 'story', id }, details: marksAuditDetails(draft) });
  });
}
