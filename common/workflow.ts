// The editorial workflow (DESIGN §4): the states of submissions and stories, and who may move a
// story on. Services, routes and the console's pages ask this module instead of restating it.

export const SUBMISSION_STATUSES = ['received', 'in_review', 'needs_info', 'accepted', 'rejected', 'withdrawn'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** Not decided yet: moderators may still decide, and still read and answer the source's messages. */
export const UNDECIDED_STATUSES = ['received', 'in_review', 'needs_info'] as const satisfies readonly SubmissionStatus[];

export function isUndecided(status: string): boolean {
  return (UNDECIDED_STATUSES as readonly string[]).includes(status);
}

export const STORY_STATUSES = ['draft', 'awaiting_second_review', 'approved', 'published', 'retracted'] as const;
export type StoryStatus = (typeof STORY_STATUSES)[number];

interface StoryState {
  status: StoryStatus;
  authorId: string;
}

/** Why `moderatorId` may not approve or return this story, or undefined when they may (four-eyes rule). */
export function storyReviewRefusal(story: StoryState, moderatorId: string): 'own_draft' | 'not_awaiting_review' | undefined {
  if (story.authorId === moderatorId) return 'own_draft';
  if (story.status !== 'awaiting_second_review') return 'not_awaiting_review';
  return undefined;
}

/** Why `moderatorId` may not revise this story, or undefined when they may: only its author, only a draft. */
export function storyRevisionRefusal(story: StoryState, moderatorId: string): 'not_author' | 'not_a_draft' | undefined {
  if (story.authorId !== moderatorId) return 'not_author';
  if (story.status !== 'draft') return 'not_a_draft';
  return undefined;
}

interface ClaimState {
  status: SubmissionStatus;
  claimedBy: string | null;
}

/**
 * Why `moderatorId` may not start reviewing this submission, or undefined when they may. Taking a
 * submission over from another moderator is deliberate: it needs `takeOver`.
 */
export function claimRefusal(submission: ClaimState, moderatorId: string, takeOver: boolean): 'decided' | 'claimed_by_other' | undefined {
  if (!isUndecided(submission.status)) return 'decided';
  if (submission.claimedBy !== null && submission.claimedBy !== moderatorId && !takeOver) return 'claimed_by_other';
  return undefined;
}

/** Starting a review moves a received submission to in_review; other states stay as they are. */
export function statusOnClaim(status: SubmissionStatus): SubmissionStatus {
  return status === 'received' ? 'in_review' : status;
}

/** Why `moderatorId` may not decide or ask the source: another moderator holds the claim. Unclaimed submissions may be decided by anyone. */
export function decisionRefusal(submission: ClaimState, moderatorId: string): 'claimed_by_other' | undefined {
  return submission.claimedBy !== null && submission.claimedBy !== moderatorId ? 'claimed_by_other' : undefined;
}

/**
 * An approved story whose attribution or tags a release would publish differently from what its
 * second reviewer saw goes back to second review instead of changing silently (DESIGN §6).
 */
export const STORY_STATUS_WHEN_PUBLICATION_WOULD_CHANGE = 'awaiting_second_review' as const satisfies StoryStatus;

/**
 * Team changes (DESIGN §4, issue 26): wherever the team has two or more administrators, each is a
 * proposal that another administrator approves, with a fresh passkey assertion, before it applies.
 */
export const TEAM_CHANGE_KINDS = ['invite', 'reenrol', 'role', 'disable', 'grant', 'rotate'] as const;
export type TeamChangeKind = (typeof TEAM_CHANGE_KINDS)[number];
export const TEAM_CHANGE_STATUSES = ['proposed', 'applied', 'refused', 'withdrawn'] as const;
export type TeamChangeStatus = (typeof TEAM_CHANGE_STATUSES)[number];
export type TeamChangeEvent = 'approve' | 'refuse' | 'withdraw';

interface TeamChangeState {
  status: TeamChangeStatus;
  proposedBy: string;
}
interface TeamChangeDecider {
  id: string;
  role: string;
}

/** The transition table of a proposal: from, event, to, who may. A row's guard answers why not, or undefined. */
export const TEAM_CHANGE_TRANSITIONS: readonly {
  from: TeamChangeStatus;
  event: TeamChangeEvent;
  to: TeamChangeStatus;
  who: string;
  guard: (change: TeamChangeState, by: TeamChangeDecider) => 'own_proposal' | 'not_proposer' | 'administrators_only' | undefined;
}[] = [
  { from: 'proposed', event: 'approve', to: 'applied', who: 'another administrator', guard: (c, by) => (by.role !== 'administrator' ? 'administrators_only' : c.proposedBy === by.id ? 'own_proposal' : undefined) },
  { from: 'proposed', event: 'refuse', to: 'refused', who: 'another administrator', guard: (c, by) => (by.role !== 'administrator' ? 'administrators_only' : c.proposedBy === by.id ? 'own_proposal' : undefined) },
  { from: 'proposed', event: 'withdraw', to: 'withdrawn', who: 'the proposer', guard: (c, by) => (c.proposedBy !== by.id ? 'not_proposer' : undefined) },
];

/** The state a proposal moves to on `event` by `by`, or the reason it may not. */
export function teamChangeTransition(
  change: TeamChangeState,
  event: TeamChangeEvent,
  by: TeamChangeDecider,
): { to: TeamChangeStatus } | { refusal: 'not_proposed' | 'own_proposal' | 'not_proposer' | 'administrators_only' } {
  const row = TEAM_CHANGE_TRANSITIONS.find((t) => t.from === change.status && t.event === event);
  if (!row) return { refusal: 'not_proposed' };
  const refusal = row.guard(change, by);
  return refusal ? { refusal } : { to: row.to };
}

/**
 * Why a reviewer may not approve this story because of who invited them: an account an
 * administrator invited (or re-enrolled) alone cannot be that administrator's second pair of eyes
 * until a second administrator confirmed it, or the operator's waiting period has passed.
 */
export function invitedReviewerRefusal(
  story: { authorId: string },
  reviewer: { invitedBy: string | null; confirmedBy: string | null; invitedOn: string },
  today: string,
  waitingDays: number,
): 'invited_by_author' | undefined {
  if (reviewer.invitedBy !== story.authorId || reviewer.confirmedBy !== null) return undefined;
  const waitedUntil = new Date(new Date(`${reviewer.invitedOn}T00:00:00Z`).getTime() + waitingDays * 86_400_000).toISOString().slice(0, 10);
  return today >= waitedUntil ? undefined : 'invited_by_author';
}

// ——— Press questions (issue 32, DESIGN §4): a journalist asks about a published story; a moderator
// relays (maybe edited) or declines; the source answers for publication, privately or not at all;
// an answer for publication is drafted de-identified by one moderator and published by another. ———

/** Who may enter which part of the site: journalists the press desk only, moderators the console only. */
export const JOURNALIST_ROLE = 'journalist' as const;
export type AccountArea = 'console' | 'press';
export function mayEnter(role: string, area: AccountArea): boolean {
  return area === 'press' ? role === JOURNALIST_ROLE : role === 'administrator' || role === 'moderator';
}

export const QUESTION_STATUSES = [
  'asked',
  'declined',
  'relayed',
  'source_declined',
  'answered_privately',
  'answer_received',
  'answer_awaiting_second_review',
  'answer_published',
] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];
export type QuestionEvent = 'relay' | 'decline' | 'answer_privately' | 'answer_for_publication' | 'source_decline' | 'draft_answer' | 'approve_answer';
type QuestionActor = { kind: 'moderator'; id: string } | { kind: 'source' };
interface QuestionState {
  status: QuestionStatus;
  answerAuthorId: string | null;
}
type QuestionRefusal = 'not_a_moderator' | 'not_the_source' | 'own_answer_draft';

const byModerator = (_q: QuestionState, by: QuestionActor) => (by.kind === 'moderator' ? undefined : 'not_a_moderator');
const bySource = (_q: QuestionState, by: QuestionActor) => (by.kind === 'source' ? undefined : 'not_the_source');

/** The transition table of a question: from, event, to, who may; a row's guard answers why not, or undefined. */
export const QUESTION_TRANSITIONS: readonly {
  from: QuestionStatus;
  event: QuestionEvent;
  to: QuestionStatus;
  who: string;
  guard: (question: QuestionState, by: QuestionActor) => QuestionRefusal | undefined;
}[] = [
  { from: 'asked', event: 'relay', to: 'relayed', who: 'a moderator', guard: byModerator },
  { from: 'asked', event: 'decline', to: 'declined', who: 'a moderator', guard: byModerator },
  { from: 'relayed', event: 'answer_privately', to: 'answered_privately', who: 'the source', guard: bySource },
  { from: 'relayed', event: 'answer_for_publication', to: 'answer_received', who: 'the source', guard: bySource },
  { from: 'relayed', event: 'source_decline', to: 'source_declined', who: 'the source', guard: bySource },
  { from: 'answer_received', event: 'draft_answer', to: 'answer_awaiting_second_review', who: 'a moderator', guard: byModerator },
  {
    from: 'answer_awaiting_second_review',
    event: 'approve_answer',
    to: 'answer_published',
    who: 'another moderator (four eyes)',
    guard: (q, by) => (by.kind !== 'moderator' ? 'not_a_moderator' : q.answerAuthorId === by.id ? 'own_answer_draft' : undefined),
  },
];

/** The state a question moves to on `event` by `by`, or why it may not ('question_not_relayed' when no row starts from its state). */
export function questionTransition(question: QuestionState, event: QuestionEvent, by: QuestionActor): { to: QuestionStatus } | { refusal: QuestionRefusal | 'question_wrong_state' } {
  const row = QUESTION_TRANSITIONS.find((t) => t.from === question.status && t.event === event);
  if (!row) return { refusal: 'question_wrong_state' };
  const refusal = row.guard(question, by);
  return refusal ? { refusal } : { to: row.to };
}
