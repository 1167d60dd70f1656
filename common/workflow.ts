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
